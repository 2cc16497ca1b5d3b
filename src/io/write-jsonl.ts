/** JSON-ready records (plain objects of strings, numbers, booleans, null, arrays, objects). */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** One compact JSON object per line, each ending in "\n". */
export function writeJsonl(records: Iterable<JsonRecord>): string {
  let out = "";
  for (const record of records) out += JSON.stringify(record) + "\n";
  return out;
}
