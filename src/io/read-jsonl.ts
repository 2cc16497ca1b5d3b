import type { Readable } from "node:stream";
import { describeError, ioError, type Item, type RawRecord, type ReadChunk, type ReadItem, type ReadStart, type RecordItem, type RejectItem } from "./item.js";
import { mayBeInexact, parseJsonText } from "./json-text.js";
import { JsonNumber } from "../model/json-number.js";
import { findInvalidUtf8, invalidUtf8Reason, isUtf8 } from "./utf8.js";
import { cutAtLastLf } from "./line-ends.js";
import { MAX_NESTING, nestsDeeperThan, tooDeepReason } from "../model/nesting.js";

/** What kind of JSON value this is, for messages ("got an array"). */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof JsonNumber) return "a number";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": return "a string";
    case "number": return "a number";
    case "boolean": return "a boolean";
    default: return "an object";
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/** JSON's own whitespace (RFC 8259): only these make a line blank. */
const JSON_BLANK = /^[ \t\r\n]*$/;

/** A line's record, or why it is a reject (the reason starts with "line N: "); undefined for a blank line. */
function parseLine(text: string, line: number, exact: boolean): { readonly record: RawRecord } | { readonly reason: string } | undefined {
  let value: unknown;
  try {
    value = exact ? JSON.parse(text) : parseJsonText(text);
  } catch (e) {
    if (JSON_BLANK.test(text)) return undefined;
    return { reason: `line ${line}: invalid JSON: ${describeError(e)}` };
  }
  // Nesting N levels deep takes 2N characters, so short lines need no walk.
  if (text.length > 2 * MAX_NESTING && nestsDeeperThan(value)) return { reason: `line ${line}: ${tooDeepReason()}` };
  if (isJsonObject(value)) return { record: value };
  return { reason: `line ${line}: expected a JSON object, got ${jsonKind(value)}` };
}

/**
 * A LineItem's record, or why its line is a reject: what reading it unparsed put
 * off (its piece had only numbers a double holds, so JSON.parse reads it exactly).
 */
export function parseJsonLine(text: string, line: number): { readonly record: RawRecord } | { readonly reason: string } {
  return parseLine(text, line, true) ?? { reason: `line ${line}: invalid JSON: the line is blank` };
}

/** An item as a record or a reject: a LineItem parsed now (for readers of items that want no LineItem). */
export function resolvedItem(item: Item): RecordItem | RejectItem {
  if (item.kind !== "line") return item;
  const parsed = parseJsonLine(item.text, item.line);
  return "reason" in parsed ? { kind: "reject", file: item.file, line: item.line, reason: parsed.reason, text: item.text } : { kind: "record", file: item.file, line: item.line, record: parsed.record };
}

/**
 * One JSON object per line, streamed: lines end at LF (a CR before it is
 * dropped). A line of JSON whitespace only is skipped; a line that is not valid
 * UTF-8, not JSON or not an object becomes a reject and reading goes on. Any
 * other whitespace (U+00A0, U+2028, a BOM past line 1...) is not JSON, so such a
 * line is a reject, never a silent skip. An I/O error ends the stream with a
 * failure item.
 */
export async function* readJsonl(input: Readable, file: string, shown: string = file): AsyncGenerator<ReadItem> {
  for await (const items of readJsonlChunks(input, file, shown)) yield* items;
}

/**
 * readJsonl's items, the lines of each piece read from the input together (a
 * piece is whatever the stream hands over, up to its highWaterMark): one await
 * per piece rather than per line is what keeps reading near `JSON.parse`'s speed.
 */
export async function* readJsonlChunks(input: Readable, file: string, shown: string = file): AsyncGenerator<ReadItem[]> {
  for await (const chunk of readJsonlPieces(input, file, shown)) yield chunk.items;
}

/**
 * readJsonlChunks' items with where each ends in the file (ReadChunk). With `start`, the
 * input begins at that byte of the file (just after an LF), and lines count on from it.
 */
export async function* readJsonlPieces(input: Readable, file: string, shown: string = file, start?: ReadStart, lazy = false): AsyncGenerator<ReadChunk> {
  let line = start?.line ?? 0;
  /** Byte offset in the file of the first byte not yet split into lines. */
  let offset = start?.offset ?? 0;

  /** Adds the item of the next line to `out`; nothing for a blank line. `exact`: its piece has no number a double may not hold. */
  function one(raw: string, out: ReadItem[], exact: boolean): void {
    line++;
    let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text === "") return;
    if (lazy && exact) {
      // Blank is decided now, as parsing would (a line of JSON whitespace is no item).
      const c = text.charCodeAt(0);
      if ((c === 32 || c === 9 || c === 13) && JSON_BLANK.test(text)) return;
      out.push({ kind: "line", file, line, text });
      return;
    }
    const parsed = parseLine(text, line, exact);
    if (parsed === undefined) return;
    if ("reason" in parsed) out.push({ kind: "reject", file, line, reason: parsed.reason, text });
    else out.push({ kind: "record", file, line, record: parsed.record });
  }

  /**
   * The items of whole lines: `bytes` holds one line more than it has LFs (the last LF of a
   * piece is cut off, and `terminated` says it was there; the end of input has none).
   */
  function lines(bytes: Buffer, terminated: boolean): ReadChunk {
    const out: ReadItem[] = [];
    const ends: number[] = [];
    /** Where the last line ends: after the LF cut off, or nowhere to read on from. */
    const lastEnd = terminated ? offset + bytes.length + 1 : -1;
    if (isUtf8(bytes)) {
      // The common case: one native check and one decode for the whole piece.
      const text = bytes.toString("utf8");
      const exact = !mayBeInexact(text);
      // In ASCII text a character is a byte; otherwise each LF of the text is found among the
      // bytes too (0x0A is never part of a longer sequence): `b`, in step with `nl`.
      const ascii = text.length === bytes.length;
      let b = -1;
      for (let start = 0; ; ) {
        const nl = text.indexOf("\n", start);
        if (!ascii && nl >= 0) b = bytes.indexOf(10, b + 1);
        const before = out.length;
        one(text.slice(start, nl < 0 ? text.length : nl), out, exact);
        if (out.length > before) ends.push(nl < 0 ? lastEnd : offset + (ascii ? nl : b) + 1);
        if (nl < 0) break;
        start = nl + 1;
      }
    } else {
      for (let start = 0; ; ) {
        const nl = bytes.indexOf(10, start);
        const end = nl < 0 ? bytes.length : nl;
        const lineBytes = bytes.subarray(start, end);
        const bad = isUtf8(lineBytes) ? undefined : findInvalidUtf8(lineBytes);
        const before = out.length;
        if (bad === undefined) one(lineBytes.toString("utf8"), out, false);
        else {
          line++;
          const where = { line, lineOffset: bad.offset, fileOffset: offset + start + bad.offset, bytes: bad.bytes };
          out.push({ kind: "reject", file, line, reason: `line ${line}: ${invalidUtf8Reason(where)}`, text: lineBytes.toString("utf8").replace(/\r$/, "") });
        }
        if (out.length > before) ends.push(nl < 0 ? lastEnd : offset + nl + 1);
        if (nl < 0) break;
        start = nl + 1;
      }
    }
    offset += bytes.length;
    return { items: out, ends };
  }

  let pending: Buffer[] = [];
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const cut = cutAtLastLf(pending, chunk);
      if (cut === undefined) continue;
      const { whole, tail } = cut;
      pending = tail.length > 0 ? [tail] : [];
      const got = lines(whole.subarray(0, whole.length - 1), true);
      offset += 1;
      if (got.items.length > 0) yield got;
    }
    if (pending.length > 0) {
      const got = lines(Buffer.concat(pending), false);
      if (got.items.length > 0) yield got;
    }
  } catch (e) {
    yield { items: [{ kind: "error", error: ioError(`cannot read ${shown}: ${describeError(e)}`, shown) }], ends: [-1] };
  }
}
