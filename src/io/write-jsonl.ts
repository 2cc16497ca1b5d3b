import { jsonText } from "./json-text.js";
import type { JsonRecord } from "../model/json-record.js";

/**
 * One compact JSON object per line, each ending in "\n". Joined once rather than
 * added to a string line by line: `+=` leaves a rope of two string nodes per line
 * (64 bytes beside each line's text) until the text is written, which at a million
 * lines outweighs the text.
 */
export function writeJsonl(records: Iterable<JsonRecord>): string {
  const lines: string[] = [];
  for (const record of records) lines.push(jsonText(record));
  if (lines.length) lines.push(""); // the last line's "\n", inside the one join
  return lines.join("\n");
}
