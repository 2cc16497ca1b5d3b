import { parse, type CsvError, type Info } from "csv-parse";
import { pipeline, Readable } from "node:stream";
import { describeError, ioError, type ReadChunk, type ReadFailure, type ReadItem, type ReadStart, type RejectItem } from "./item.js";
import { cutAtLastLf, LineEndNormalizer } from "./line-ends.js";
import { invalidUtf8Reason, isUtf8 } from "./utf8.js";

export interface CsvOptions {
  /** Cell delimiter, `,` by default. */
  readonly delimiter?: string;
  /** How messages name the file (`file` by default). */
  readonly shown?: string;
}

/**
 * Where a resumed read starts: the input begins at `offset` of the file, a record
 * boundary (just after the LF that ends a row), with `line` lines before it, and
 * `header` the names the file's header row gave (readCsvHeader reads it alone).
 */
export interface CsvStart extends ReadStart {
  readonly header: ReadonlyArray<string>;
}

/**
 * The line a raw CSV record starts on, from the line it ends on (csv-parse's info.lines).
 * csv-parse counts a CR or an LF as a line break once a character follows it (the text it
 * reads has no CRLF left), so the record's own line end, its last character, is not counted
 * yet, nor is a break at the very end of the input; the empty lines skipped before the record
 * (`rd`, the record delimiter, repeated) are not part of it.
 */
function startLine(endLine: number, raw: string | undefined, rd: number): number {
  if (raw === undefined) return endLine;
  let from = 0;
  while (from < raw.length && raw.charCodeAt(from) === rd) from++;
  let breaks = 0;
  for (let i = from; i < raw.length - 1; i++) {
    const c = raw.charCodeAt(i);
    if (c === 10 || c === 13) breaks++;
  }
  return Math.max(1, endLine - breaks);
}

/** The one-byte record delimiter csv-parse found (LF, or CR in a file of CR lines), or -1 while it has found none. */
function foundDelimiter(parser: { options: unknown }): number {
  const rd = (parser.options as { record_delimiter?: Buffer[] }).record_delimiter;
  return rd !== undefined && rd.length === 1 && rd[0]!.length === 1 ? rd[0]![0]! : -1;
}

/** The delimiter whose repeats are the empty lines before a record (startLine): CR in a file of CR lines, else LF. */
const blankLines = (parser: { options: unknown }): number => (foundDelimiter(parser) === 13 ? 13 : 10);

function rowText(raw: string | undefined): string {
  return (raw ?? "").replace(/^\n+/, "").replace(/\n$/, "");
}

/**
 * An unquoted empty cell is null, a quoted one (`""`) the empty string. csv-parse tells the two
 * apart only through a `cast` callback, which builds a context object for every cell (a fifth
 * of the time of reading a CSV file); so rows are taken as text, and only a row with an empty
 * cell is scanned for which of its cells start with a quote.
 */
function unquotedEmptyToNull(cells: (string | null)[], raw: string | undefined, delimiter: string): void {
  const text = rowText(raw);
  let pos = 0;
  for (let i = 0; i < cells.length; i++) {
    const quoted = text.charCodeAt(pos) === 34;
    if (cells[i] === "" && !quoted) cells[i] = null;
    if (quoted) {
      // Past the closing quote; `""` inside is an escaped quote.
      pos++;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) return;
        if (text.charCodeAt(q + 1) === 34) pos = q + 2;
        else {
          pos = q + 1;
          break;
        }
      }
    }
    const next = text.indexOf(delimiter, pos);
    if (next < 0) return;
    pos = next + delimiter.length;
  }
}

/**
 * A quoted cell's line breaks as the file wrote them: the k-th line break (LF, or a CR alone) of a
 * row starting on `line` ended line `line + k`, and an LF that ended a CRLF line is CRLF again.
 */
function restoreCrlf(cells: (string | null)[], line: number, normalizer: LineEndNormalizer): void {
  let at = line;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    let out = "";
    let start = 0;
    for (let j = 0; j < cell.length; j++) {
      const c = cell.charCodeAt(j);
      if (c === 13) at++;
      else if (c === 10) {
        out += cell.slice(start, j) + (normalizer.endsWithCrlf(at) ? "\r\n" : "\n");
        at++;
        start = j + 1;
      }
    }
    if (start > 0) cells[i] = out + cell.slice(start);
  }
}

/**
 * CSV with a header row, streamed. Values stay strings; an unquoted empty cell is
 * null and a quoted one (`""`) the empty string, as in PostgreSQL's CSV format.
 * A line break inside a quoted cell is kept as written (CRLF or LF). A row
 * whose cell count differs from the header's, or that csv-parse cannot read, becomes
 * a reject with the line it starts on, and reading goes on. Quotes inside unquoted
 * cells are taken literally (relax_quotes); an unclosed quote swallows the rest of
 * the file into one reject, as no reader can tell where that cell was meant to end.
 */
export async function* readCsv(input: Readable, file: string, options: CsvOptions = {}): AsyncGenerator<ReadItem> {
  for await (const items of readCsvChunks(input, file, options)) yield* items;
}

/**
 * The objects an object-mode stream holds, as many together as are buffered:
 * one await per buffer rather than per object (what `for await` over the
 * stream costs). Ends when the stream ends; throws the stream's error.
 */
async function* buffered<T>(stream: Readable): AsyncGenerator<T[]> {
  let wake: (() => void) | undefined;
  let ended = false;
  let failed = false;
  let error: unknown;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onEnd = (): void => {
    ended = true;
    poke();
  };
  const onError = (e: unknown): void => {
    if (!failed) error = e;
    failed = true;
    onEnd();
  };
  stream.on("readable", poke);
  stream.on("end", onEnd);
  stream.on("close", onEnd);
  stream.on("error", onError);
  try {
    for (;;) {
      const out: T[] = [];
      for (let x = stream.read() as T | null; x !== null; x = stream.read() as T | null) out.push(x);
      if (out.length > 0) {
        yield out;
        continue;
      }
      if (failed) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off("readable", poke);
    stream.off("end", onEnd);
    stream.off("close", onEnd);
    stream.off("error", onError);
  }
}

/** A byte that makes the fast path stop: a CR (csv-parse may take it for the row delimiter). */
const CR = 13;

/**
 * A row's cells where some are quoted, as csv-parse reads them: a cell is either unquoted
 * without a quote in it, or wholly quoted (`""` inside is a quote) and followed by the
 * delimiter or the end of the row. An unquoted empty cell is null, a quoted one "". Undefined
 * for anything else (a quote inside an unquoted cell, text after a closing quote, a quote left
 * open, which makes a cell run over lines): csv-parse reads such rows.
 */
function splitQuoted(row: string, delimiter: string): (string | null)[] | undefined {
  const cells: (string | null)[] = [];
  const d = delimiter.charCodeAt(0);
  let pos = 0;
  for (;;) {
    if (row.charCodeAt(pos) === 34) {
      let cell = "";
      let from = pos + 1;
      for (;;) {
        const q = row.indexOf('"', from);
        if (q < 0) return undefined;
        cell += row.slice(from, q);
        if (row.charCodeAt(q + 1) === 34) {
          cell += '"';
          from = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      cells.push(cell);
      if (pos === row.length) return cells;
      if (row.charCodeAt(pos) !== d) return undefined;
      pos++;
      continue;
    }
    const next = row.indexOf(delimiter, pos);
    const end = next < 0 ? row.length : next;
    const q = row.indexOf('"', pos);
    if (q >= 0 && q < end) return undefined;
    cells.push(end === pos ? null : row.slice(pos, end));
    if (next < 0) return cells;
    pos = next + 1;
  }
}

/**
 * readCsv's items, a piece of the file at a time. Text without CRs, in valid
 * UTF-8, whose quotes only wrap whole cells on one line (splitQuoted), is split
 * here on LF and the delimiter, which is all csv-parse would do with it (about a
 * tenth of its time). From the first piece that has a CR, a bad byte, a quoted
 * header or any other quote on, the rest of the file goes to csv-parse
 * (readCsvParsed), after the lines already read blanked out, save the header:
 * its blank lines are skipped, so its line numbers and header are the file's.
 * `spec/io/readers.spec.ts` holds both paths to the same items on any text.
 */
export async function* readCsvChunks(input: Readable, file: string, options: CsvOptions = {}): AsyncGenerator<ReadItem[]> {
  for await (const chunk of readCsvPieces(input, file, options)) yield chunk.items;
}

/** readCsvChunks' items with where each ends in the file (ReadChunk); with `start`, a resumed read (CsvStart). */
export async function* readCsvPieces(input: Readable, file: string, options: CsvOptions = {}, start?: CsvStart): AsyncGenerator<ReadChunk> {
  const delimiter = options.delimiter ?? ",";
  const shown = options.shown ?? file;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    if (start === undefined) yield* readCsvParsedPieces(input, file, options);
    else {
      const prefix = headerPrefix(start.header, delimiter, start.line);
      yield* readCsvParsedPieces(withPrefix(prefix, input), file, options, start.offset - Buffer.byteLength(prefix));
    }
    return;
  }
  const source = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  try {
    yield* splitOrHandOver(source, file, shown, delimiter, options, start);
  } finally {
    // As the pipeline of csv-parse did: a reader stopped early (or done) lets go of its input.
    await source.return?.();
  }
}

/**
 * Text that csv-parse reads as the header `names` followed by blank lines, `line` lines in
 * all, so that what follows it is numbered as in the file (a resumed read starts after
 * `line` lines). Each name is quoted, so any name reads back as it was; a name's line breaks
 * count among the lines, and the header took at least as many lines in the file.
 */
function headerPrefix(names: ReadonlyArray<string>, delimiter: string, line: number): string {
  const text = names.map((n) => `"${n.replace(/"/g, '""')}"`).join(delimiter);
  let breaks = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) breaks++;
  return text + "\n".repeat(Math.max(1, line - breaks));
}

function withPrefix(prefix: string, input: Readable): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    yield Buffer.from(prefix, "utf8");
    for await (const chunk of input as AsyncIterable<Buffer | string>) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  }
  return Readable.from(bytes(), { objectMode: false });
}

async function* splitOrHandOver(source: AsyncIterator<Buffer | string>, file: string, shown: string, delimiter: string, options: CsvOptions, start: CsvStart | undefined): AsyncGenerator<ReadChunk> {
  /** Lines read (LFs consumed); the header's line and its text once read (a resumed read is given the header only). */
  let line = start?.line ?? 0;
  let headerLine = 0;
  let headerText: string | undefined;
  let header: ReadonlyArray<string> | undefined = start?.header;
  let protoName = header?.includes("__proto__") ?? false;
  let first = start === undefined;
  /** The file offset of the input's first byte. */
  const base = start?.offset ?? 0;

  /**
   * The items of `text`'s lines (it has one line more than LFs), with their ends; false after a
   * failure. `bytes` holds the text, `at` is its offset in the file and `terminated` whether an
   * LF (cut off the text) follows its last line.
   */
  function rows(text: string, bytes: Buffer, at: number, terminated: boolean, out: ReadItem[], ends: number[]): "on" | "stop" | "hand over" {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // As in the JSONL reader: a character is a byte in ASCII text; otherwise `b` finds each LF among the bytes.
    const ascii = text.length === bytes.length - (terminated ? 1 : 0);
    let b = -1;
    for (let start = 0; ; ) {
      const nl = text.indexOf("\n", start);
      if (!ascii && nl >= 0) b = bytes.indexOf(10, b + 1);
      const end = nl < 0 ? text.length : nl;
      line++;
      if (end > start) {
        const row = text.slice(start, end);
        const quoted = row.indexOf('"') >= 0;
        // A header with quotes, or a row this reader does not split as csv-parse would: csv-parse reads the piece.
        if (quoted && header === undefined) return "hand over";
        const cells = quoted ? splitQuoted(row, delimiter) : row.split(delimiter);
        if (cells === undefined) return "hand over";
        if (header === undefined) {
          const seen = new Set<string>();
          for (const name of cells as string[]) {
            if (seen.has(name)) {
              out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header names column "${name}" twice`, shown, line) });
              ends.push(-1);
              return "stop";
            }
            seen.add(name);
          }
          header = cells as string[];
          headerLine = line;
          headerText = row;
          protoName = seen.has("__proto__");
        } else {
          if (cells.length !== header.length) {
            out.push({ kind: "reject", file, line, reason: `line ${line}: expected ${header.length} cells as in the header, got ${cells.length}`, text: row });
          } else {
            // An unquoted empty cell is null (splitQuoted gives those as null already).
            const record: Record<string, string | null> = {};
            if (protoName) for (let i = 0; i < header.length; i++) Object.defineProperty(record, header[i]!, { value: cells[i] === "" && !quoted ? null : cells[i]!, enumerable: true, writable: true, configurable: true });
            else for (let i = 0; i < header.length; i++) record[header[i]!] = cells[i] === "" && !quoted ? null : cells[i]!;
            out.push({ kind: "record", file, line, record });
          }
          ends.push(nl >= 0 ? at + (ascii ? nl : b) + 1 : terminated ? at + bytes.length : -1);
        }
      }
      if (nl < 0) return "on";
      start = nl + 1;
    }
  }
  const plain = (bytes: Buffer): boolean => bytes.indexOf(CR) < 0 && isUtf8(bytes);
  /** rows() of a piece, or, where it hands the piece over, undefined with nothing read from it. */
  function rowsOrNone(text: string, bytes: Buffer, at: number, terminated: boolean, out: ReadItem[], ends: number[]): "on" | "stop" | undefined {
    const before = { line, headerLine, headerText, header, protoName, first };
    const r = rows(text, bytes, at, terminated, out, ends);
    if (r !== "hand over") return r;
    ({ line, headerLine, headerText, header, protoName, first } = before);
    out.length = 0;
    ends.length = 0;
    return undefined;
  }

  /** Bytes from the first piece the fast path does not take. */
  let rest: Buffer | undefined;
  /** Bytes of the lines read here (all of them but the `start.line` before the input). */
  let consumed = 0;
  let pending: Buffer[] = [];
  try {
    for (;;) {
      const step = await source.next();
      if (step.done === true) break;
      const cut = cutAtLastLf(pending, step.value);
      if (cut === undefined) continue;
      const { whole, tail } = cut;
      if (!plain(whole)) {
        rest = Buffer.concat([whole, tail]);
        pending = [];
        break;
      }
      const out: ReadItem[] = [];
      const ends: number[] = [];
      const going = rowsOrNone(whole.toString("utf8", 0, whole.length - 1), whole, base + consumed, true, out, ends);
      if (going === undefined) {
        rest = Buffer.concat([whole, tail]);
        pending = [];
        break;
      }
      pending = tail.length > 0 ? [tail] : [];
      consumed += whole.length;
      if (out.length > 0) yield { items: out, ends };
      if (going === "stop") return;
    }
    if (rest === undefined && pending.length > 0) {
      const last = Buffer.concat(pending);
      const out: ReadItem[] = [];
      const ends: number[] = [];
      if (!plain(last) || rowsOrNone(last.toString("utf8"), last, base + consumed, false, out, ends) === undefined) rest = last;
      else if (out.length > 0) yield { items: out, ends };
    }
  } catch (e) {
    yield { items: [{ kind: "error", error: ioError(`cannot read ${shown}: ${describeError(e)}`, shown) }], ends: [-1] };
    return;
  }
  if (rest === undefined) return;
  const lines =
    header === undefined ? "\n".repeat(line)
    : headerText === undefined ? headerPrefix(header, delimiter, line)
    : "\n".repeat(headerLine - 1) + headerText + "\n".repeat(line - headerLine + 1);
  // csv-parse drops a BOM that begins its input; the file's own was dropped already, so a header
  // that begins with one more (a column named so) gets a BOM in front for csv-parse to drop.
  const prefix = lines.charCodeAt(0) === 0xfeff ? "\ufeff" + lines : lines;
  const handed = rest;
  async function* remaining(): AsyncGenerator<Buffer> {
    if (prefix !== "") yield Buffer.from(prefix, "utf8");
    yield handed;
    for (;;) {
      const step = await source.next();
      if (step.done === true) return;
      yield typeof step.value === "string" ? Buffer.from(step.value, "utf8") : step.value;
    }
  }
  // The blanked lines are shorter than the file's: byte offsets in messages count the file's bytes.
  yield* readCsvParsedPieces(Readable.from(remaining(), { objectMode: false }), file, options, base + consumed - Buffer.byteLength(prefix));
}

/**
 * readCsv's items by csv-parse, as many rows together as the parser has ready: the path for any
 * text. `byteShift` is added to the byte offsets it reports (bytes of the file its input leaves out).
 */
export async function* readCsvParsed(input: Readable, file: string, options: CsvOptions = {}, byteShift = 0): AsyncGenerator<ReadItem[]> {
  for await (const chunk of readCsvParsedPieces(input, file, options, byteShift)) yield chunk.items;
}

/**
 * The header row of a CSV file alone (for a resumed read, which starts past it): its names,
 * undefined for a file without one, or the failure a read from the start would end with.
 * Read by csv-parse, which takes any header as the fast path would; only the first piece of
 * the input is parsed.
 */
export async function readCsvHeader(input: Readable, file: string, options: CsvOptions = {}): Promise<{ names: ReadonlyArray<string> } | { error: ReadFailure } | undefined> {
  let names: ReadonlyArray<string> | undefined;
  for await (const chunk of readCsvParsedPieces(input, file, options, 0, (h) => (names = h))) {
    const last = chunk.items[chunk.items.length - 1];
    if (last?.kind === "error") return { error: last };
  }
  return names === undefined ? undefined : { names };
}

function readCsvParsedPieces(input: Readable, file: string, options: CsvOptions, byteShift?: number): AsyncGenerator<ReadChunk>;
function readCsvParsedPieces(input: Readable, file: string, options: CsvOptions, byteShift: number, headerOnly: (names: ReadonlyArray<string>) => void): AsyncGenerator<ReadChunk>;
/** readCsvParsed's items with their ends (ReadChunk); with `headerOnly`, it is given the header and reading stops there. */
async function* readCsvParsedPieces(input: Readable, file: string, options: CsvOptions = {}, byteShift = 0, headerOnly?: (names: ReadonlyArray<string>) => void): AsyncGenerator<ReadChunk> {
  const skipped: RejectItem[] = [];
  const shown = options.shown ?? file;
  const delimiter = options.delimiter ?? ",";
  const parser = parse({
    delimiter,
    info: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const end = typeof err?.lines === "number" ? err.lines : 0;
      const line = startLine(end, raw, blankLines(parser));
      skipped.push({ kind: "reject", file, line, reason: `line ${line}: malformed CSV: ${err?.message ?? "unreadable row"}`, text: rowText(raw) });
      return undefined;
    },
  });
  let streamError: unknown;
  const normalizer = new LineEndNormalizer(byteShift);
  pipeline(input, normalizer, parser, (e) => {
    if (e) streamError ??= e;
  });
  // Skipped rows are reported by callback, possibly ahead of records still buffered;
  // merging by line keeps the items in file order. Where a skipped row ends is not
  // known, so no read starts after one (its end is -1).
  function skippedBefore(line: number, out: ReadItem[], ends: number[], endLines: number[]): void {
    while (skipped.length > 0 && skipped[0]!.line < line) {
      const s = skipped.shift()!;
      out.push(s);
      ends.push(-1);
      endLines.push(s.line);
    }
  }
  let header: ReadonlyArray<string> | undefined;
  /** Whether a header name is "__proto__", which a plain assignment would not make an own key. */
  let protoName = false;
  /**
   * Whether rows end at LFs: csv-parse takes the first line break it meets for the record
   * delimiter, and a lone CR before any LF makes it CR; then no read starts after a row.
   */
  let lfRows = false;
  try {
    for await (const rows of buffered<{ record: (string | null)[]; info: Info; raw: string }>(parser)) {
      const out: ReadItem[] = [];
      const ends: number[] = [];
      const endLines: number[] = [];
      const blank = blankLines(parser);
      for (const row of rows) {
        const end = row.info.lines;
        const line = startLine(end, row.raw, blank);
        skippedBefore(line, out, ends, endLines);
        const bad = normalizer.invalidOn(line, end);
        normalizer.forget(line);
        if (header === undefined) {
          if (bad !== undefined) {
            out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header is not valid UTF-8: ${invalidUtf8Reason(bad)}`, shown, line) });
            ends.push(-1);
            endLines.push(line);
            yield { items: out, ends, endLines };
            return;
          }
          const seen = new Set<string>();
          const names = row.record.map((name) => name ?? "");
          for (const name of names) {
            if (seen.has(name)) {
              out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header names column "${name}" twice`, shown, line) });
              ends.push(-1);
              endLines.push(line);
              yield { items: out, ends, endLines };
              return;
            }
            seen.add(name);
          }
          header = names;
          protoName = seen.has("__proto__");
          if (headerOnly !== undefined) {
            headerOnly(names);
            return;
          }
          lfRows = foundDelimiter(parser) === 10;
          continue;
        }
        // After the LF that ends the row's last line (-1 if none does, at the end of the file).
        ends.push(lfRows ? normalizer.startOf(end + 1) : -1);
        endLines.push(end);
        if (bad !== undefined) {
          out.push({ kind: "reject", file, line, reason: `line ${line}: ${invalidUtf8Reason(bad)}`, text: rowText(row.raw) });
          continue;
        }
        if (row.record.length !== header.length) {
          out.push({
            kind: "reject", file, line,
            reason: `line ${line}: expected ${header.length} cells as in the header, got ${row.record.length}`,
            text: rowText(row.raw),
          });
          continue;
        }
        if (end > line) restoreCrlf(row.record, line, normalizer);
        const record: Record<string, string | null> = {};
        const cells = row.record;
        if (cells.includes("")) unquotedEmptyToNull(cells, row.raw, delimiter);
        if (protoName) for (let i = 0; i < header.length; i++) Object.defineProperty(record, header[i]!, { value: cells[i]!, enumerable: true, writable: true, configurable: true });
        else for (let i = 0; i < header.length; i++) record[header[i]!] = cells[i]!;
        out.push({ kind: "record", file, line, record });
      }
      if (out.length > 0) yield { items: out, ends, endLines };
    }
  } catch (e) {
    streamError ??= e;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  const rest: ReadItem[] = [];
  const ends: number[] = [];
  const endLines: number[] = [];
  skippedBefore(Number.POSITIVE_INFINITY, rest, ends, endLines);
  if (streamError !== undefined) {
    rest.push({ kind: "error", error: ioError(`cannot read ${shown}: ${describeError(streamError)}`, shown) });
    ends.push(-1);
    endLines.push(0);
  }
  if (rest.length > 0) yield { items: rest, ends, endLines };
}
