import { stringify } from "csv-stringify/sync";
import { JsonNumber } from "../model/json-number.js";
import { jsonText } from "./json-text.js";
import type { JsonRecord } from "../model/json-record.js";

export interface CsvWriteOptions {
  /** The columns, in order; also the header. */
  readonly columns: ReadonlyArray<string>;
  readonly delimiter?: string;
  /** Write the header row (default true; false when appending to an existing file). */
  readonly header?: boolean;
}

/** A cell's text: null and missing as an empty cell (quoted "" is the empty string), nested values as JSON. */
function cell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof JsonNumber) return value.text;
  return jsonText(value);
}

/** CSV with a header from `columns`, csv-stringify quoting and "\n" line ends. */
export function writeCsv(records: Iterable<JsonRecord>, options: CsvWriteOptions): string {
  const rows: (string | null)[][] = [];
  if (options.header ?? true) rows.push([...options.columns]);
  for (const record of records) rows.push(options.columns.map((c) => cell(record[c])));
  if (rows.length === 0) return "";
  // PostgreSQL's rule, as the reader reads it: an empty cell is null, `""` is the empty string.
  const quoteEmpty = { string: (v: string) => (v === "" ? { value: "", quoted_empty: true } : v) };
  // A CR is quoted too (csv-stringify quotes only the LF it ends rows with): most readers, ours
  // included, count a CR alone as a line break, and some end a row there.
  return stringify(rows, { delimiter: options.delimiter ?? ",", record_delimiter: "\n", cast: quoteEmpty, quoted_match: /\r/ });
}
