import { jsonText } from "./json-text.js";
import type { JsonRecord } from "../model/json-record.js";

/** One compact JSON object per line, each ending in "\n". */
export function writeJsonl(records: Iterable<JsonRecord>): string {
  let out = "";
  for (const record of records) out += jsonText(record) + "\n";
  return out;
}
