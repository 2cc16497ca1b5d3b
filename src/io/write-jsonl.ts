import { jsonText } from "./json-text.js";

/** JSON-ready records (plain objects of strings, numbers, booleans, null, arrays, objects; bigints for ints beyond 2^53). */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** One compact JSON object per line, each ending in "\n". */
export function writeJsonl(records: Iterable<JsonRecord>): string {
  let out = "";
  for (const record of records) out += jsonText(record) + "\n";
  return out;
}
