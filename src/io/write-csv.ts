import { stringify } from "csv-stringify/sync";
import type { JsonRecord } from "../model/json-record.js";

export interface CsvWriteOptions {
  /** The columns, in order; also the header. */
  readonly columns: ReadonlyArray<string>;
  readonly delimiter?: string;
  /** Write the header row (default true; false when appending to an existing file). */
  readonly header?: boolean;
}

/** A cell's text: null and missing as an empty cell, nested values as JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? "";
}

/** CSV with a header from `columns`, csv-stringify quoting and "\n" line ends. */
export function writeCsv(records: Iterable<JsonRecord>, options: CsvWriteOptions): string {
  const rows: string[][] = [];
  if (options.header ?? true) rows.push([...options.columns]);
  for (const record of records) rows.push(options.columns.map((c) => cell(record[c])));
  if (rows.length === 0) return "";
  return stringify(rows, { delimiter: options.delimiter ?? ",", record_delimiter: "\n" });
}
