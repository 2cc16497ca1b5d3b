import { jsonText } from "./json-text.js";
import type { JsonRecord } from "../model/json-record.js";

/** A pretty top-level array, 2-space indent, with a trailing newline. */
export function writeJson(records: ReadonlyArray<JsonRecord>): string {
  return jsonText(records, 2) + "\n";
}
