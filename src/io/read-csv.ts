import { parse, type CsvError, type Info } from "csv-parse";
import { pipeline, Readable } from "node:stream";
import { describeError, ioError, type ReadItem, type RejectItem } from "./item.js";
import { cutAtLastLf, LineEndNormalizer } from "./line-ends.js";
import { invalidUtf8Reason, isUtf8 } from "./utf8.js";

export interface CsvOptions {
  /** Cell delimiter, `,` by default. */
  readonly delimiter?: string;
  /** How messages name the file (`file` by default). */
  readonly shown?: string;
}

/** The line a raw CSV record starts on, from the line it ends on (csv-parse's info.lines). */
function startLine(endLine: number, raw: string | undefined): number {
  if (raw === undefined) return endLine;
  const body = raw.replace(/^\n+/, "").replace(/\n$/, "");
  let breaks = 0;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) breaks++;
  return Math.max(1, endLine - breaks);
}

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

/** A quoted cell's line breaks as the file wrote them: the k-th LF of a row starting on `line` ended line `line + k`. */
function restoreCrlf(cells: (string | null)[], line: number, normalizer: LineEndNormalizer): void {
  let at = line;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined || cell.indexOf("\n") < 0) continue;
    let out = "";
    let start = 0;
    for (let nl = cell.indexOf("\n"); nl >= 0; nl = cell.indexOf("\n", start)) {
      out += cell.slice(start, nl) + (normalizer.endsWithCrlf(at) ? "\r\n" : "\n");
      at++;
      start = nl + 1;
    }
    cells[i] = out + cell.slice(start);
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

/** Bytes that make the fast path stop: a quote and a CR (both change how csv-parse splits). */
const QUOTE = 34;
const CR = 13;

/**
 * readCsv's items, a piece of the file at a time. Text without quotes and CRs,
 * in valid UTF-8, is split here on LF and the delimiter, which is all csv-parse
 * would do with it (about a tenth of its time). From the first piece that has a
 * quote, a CR or a bad byte on, the rest of the file goes to csv-parse
 * (readCsvParsed), after the lines already read blanked out, save the header:
 * its blank lines are skipped, so its line numbers and header are the file's.
 * `spec/io/readers.spec.ts` holds both paths to the same items on any text.
 */
export async function* readCsvChunks(input: Readable, file: string, options: CsvOptions = {}): AsyncGenerator<ReadItem[]> {
  const delimiter = options.delimiter ?? ",";
  const shown = options.shown ?? file;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    yield* readCsvParsed(input, file, options);
    return;
  }
  const source = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  try {
    yield* splitOrHandOver(source, file, shown, delimiter, options);
  } finally {
    // As the pipeline of csv-parse did: a reader stopped early (or done) lets go of its input.
    await source.return?.();
  }
}

async function* splitOrHandOver(source: AsyncIterator<Buffer | string>, file: string, shown: string, delimiter: string, options: CsvOptions): AsyncGenerator<ReadItem[]> {
  /** Lines read (LFs consumed); the header's line and its text once read. */
  let line = 0;
  let headerLine = 0;
  let headerText = "";
  let header: ReadonlyArray<string> | undefined;
  let protoName = false;
  let first = true;

  /** The items of `text`'s lines (it has one line more than LFs); false after a failure. */
  function rows(text: string, out: ReadItem[]): boolean {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let start = 0; ; ) {
      const nl = text.indexOf("\n", start);
      const end = nl < 0 ? text.length : nl;
      line++;
      if (end > start) {
        const row = text.slice(start, end);
        const cells = row.split(delimiter);
        if (header === undefined) {
          const seen = new Set<string>();
          for (const name of cells) {
            if (seen.has(name)) {
              out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header names column "${name}" twice`, shown, line) });
              return false;
            }
            seen.add(name);
          }
          header = cells;
          headerLine = line;
          headerText = row;
          protoName = seen.has("__proto__");
        } else if (cells.length !== header.length) {
          out.push({ kind: "reject", file, line, reason: `line ${line}: expected ${header.length} cells as in the header, got ${cells.length}`, text: row });
        } else {
          // Without quotes, every empty cell is an unquoted one: null.
          const record: Record<string, string | null> = {};
          if (protoName) for (let i = 0; i < header.length; i++) Object.defineProperty(record, header[i]!, { value: cells[i] === "" ? null : cells[i]!, enumerable: true, writable: true, configurable: true });
          else for (let i = 0; i < header.length; i++) record[header[i]!] = cells[i] === "" ? null : cells[i]!;
          out.push({ kind: "record", file, line, record });
        }
      }
      if (nl < 0) return true;
      start = nl + 1;
    }
  }
  const plain = (bytes: Buffer): boolean => bytes.indexOf(QUOTE) < 0 && bytes.indexOf(CR) < 0 && isUtf8(bytes);

  /** Bytes from the first piece the fast path does not take. */
  let rest: Buffer | undefined;
  /** Bytes of the lines read here (all `line` of them). */
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
      pending = tail.length > 0 ? [tail] : [];
      consumed += whole.length;
      const out: ReadItem[] = [];
      const going = rows(whole.toString("utf8", 0, whole.length - 1), out);
      if (out.length > 0) yield out;
      if (!going) return;
    }
    if (rest === undefined && pending.length > 0) {
      const last = Buffer.concat(pending);
      if (!plain(last)) rest = last;
      else {
        const out: ReadItem[] = [];
        rows(last.toString("utf8"), out);
        if (out.length > 0) yield out;
      }
    }
  } catch (e) {
    yield [{ kind: "error", error: ioError(`cannot read ${shown}: ${describeError(e)}`, shown) }];
    return;
  }
  if (rest === undefined) return;
  const prefix = header === undefined ? "\n".repeat(line) : "\n".repeat(headerLine - 1) + headerText + "\n".repeat(line - headerLine + 1);
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
  yield* readCsvParsed(Readable.from(remaining(), { objectMode: false }), file, options, consumed - Buffer.byteLength(prefix));
}

/**
 * readCsv's items by csv-parse, as many rows together as the parser has ready: the path for any
 * text. `byteShift` is added to the byte offsets it reports (bytes of the file its input leaves out).
 */
export async function* readCsvParsed(input: Readable, file: string, options: CsvOptions = {}, byteShift = 0): AsyncGenerator<ReadItem[]> {
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
      const line = startLine(end, raw);
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
  // merging by line keeps the items in file order.
  function skippedBefore(line: number, out: ReadItem[]): void {
    while (skipped.length > 0 && skipped[0]!.line < line) out.push(skipped.shift()!);
  }
  let header: ReadonlyArray<string> | undefined;
  /** Whether a header name is "__proto__", which a plain assignment would not make an own key. */
  let protoName = false;
  try {
    for await (const rows of buffered<{ record: (string | null)[]; info: Info; raw: string }>(parser)) {
      const out: ReadItem[] = [];
      for (const row of rows) {
        const end = row.info.lines;
        const line = startLine(end, row.raw);
        skippedBefore(line, out);
        const bad = normalizer.invalidOn(line, end);
        normalizer.forget(line);
        if (header === undefined) {
          if (bad !== undefined) {
            out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header is not valid UTF-8: ${invalidUtf8Reason(bad)}`, shown, line) });
            yield out;
            return;
          }
          const seen = new Set<string>();
          const names = row.record.map((name) => name ?? "");
          for (const name of names) {
            if (seen.has(name)) {
              out.push({ kind: "error", error: ioError(`${shown} line ${line}: the header names column "${name}" twice`, shown, line) });
              yield out;
              return;
            }
            seen.add(name);
          }
          header = names;
          protoName = seen.has("__proto__");
          continue;
        }
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
      if (out.length > 0) yield out;
    }
  } catch (e) {
    streamError ??= e;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  const rest: ReadItem[] = [];
  skippedBefore(Number.POSITIVE_INFINITY, rest);
  if (streamError !== undefined) rest.push({ kind: "error", error: ioError(`cannot read ${shown}: ${describeError(streamError)}`, shown) });
  if (rest.length > 0) yield rest;
}
