import { jsonText } from "./json-text.js";
import type { JsonRecord } from "../model/json-record.js";

/** A pretty top-level array, 2-space indent, with a trailing newline. */
export function writeJson(records: ReadonlyArray<JsonRecord>): string {
  return jsonText(records, 2) + "\n";
}

/** What writeJson writes after the last element of a non-empty array. */
const CLOSE = "\n]\n";

/**
 * Where the next elements of a JSON array file go: the byte offset just after its
 * last element, or undefined while the array is empty (or the file is missing).
 * It is all a `json` sink remembers between commits instead of its records.
 */
export type JsonArrayEnd = number | undefined;

/**
 * How to add `records` to the array file whose end is `end`, so that the file is
 * what writeJson writes for all its records: the whole text while the array is
 * empty, else the text that replaces the closing bracket (CommitFile `keep` +
 * `append`). `file` is undefined when nothing changes.
 */
export function addToJsonArray(
  end: JsonArrayEnd,
  records: ReadonlyArray<JsonRecord>,
): { readonly file?: { readonly replace: string } | { readonly keep: number; readonly append: string }; readonly end: JsonArrayEnd } {
  if (records.length === 0) return end === undefined ? { file: { replace: writeJson([]) }, end } : { end };
  const whole = writeJson(records);
  if (end === undefined) return { file: { replace: whole }, end: Buffer.byteLength(whole) - CLOSE.length };
  // `[\n  a,\n  b\n]\n`: the elements' text is what stands between "[\n" and the close.
  const more = `,\n${whole.slice(2, whole.length - CLOSE.length)}`;
  return { file: { keep: end, append: more + CLOSE }, end: end + Buffer.byteLength(more) };
}

/**
 * The end of an existing array file's text (see JsonArrayEnd); undefined for an
 * empty array. The text must be a JSON array; the elements may be laid out in any way.
 */
export function jsonArrayEnd(text: string, empty: boolean): JsonArrayEnd {
  if (empty) return undefined;
  const close = text.lastIndexOf("]");
  let last = close - 1;
  while (last >= 0 && /\s/.test(text[last]!)) last--;
  return Buffer.byteLength(text.slice(0, last + 1));
}
