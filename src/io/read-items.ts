import { isLeft, isRight, left, right } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import { Readable } from "node:stream";
import { describeError, ioError, type Format, type IoResult, type ReadChunk, type ReadItem, type ReadStart } from "./item.js";
import { readCsvHeader, readCsvPieces } from "./read-csv.js";
import { readJsonStream } from "./read-json.js";
import { readJsonlPieces } from "./read-jsonl.js";

export interface ReadOptions {
  readonly format: Format;
  /** For `csv` only. */
  readonly delimiter?: string;
  /** How messages (not items) name the file, e.g. relative to the working folder; `file` by default. */
  readonly shown?: string;
  /** For `jsonl` only: lines as LineItems, parsed later (see LineItem). */
  readonly lazyJson?: boolean;
}

/**
 * Items from an open stream (a file, or standard input as file "-"). `jsonl` and
 * `csv` are streamed; `json` is read whole, as it is one document.
 */
export async function* readItems(input: Readable, file: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  for await (const items of readItemChunks(input, file, options)) yield* items;
}

/**
 * readItems' items, several at a time (never an empty list): what a reader
 * has ready together, so that a caller pays one await per piece of the file
 * rather than one per line.
 */
export async function* readItemChunks(input: Readable, file: string, options: ReadOptions): AsyncGenerator<ReadItem[]> {
  for await (const chunk of readPieces(input, file, options)) yield chunk.items;
}

/** Bytes read from a file at a time: few, large pieces keep the readers' per-piece work small. */
const READ_SIZE = 1 << 20;

/** Why a path cannot be opened for reading, in words; `what` is e.g. "source file". */
export function openErrorMessage(e: unknown, what: string, file: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return `${what} not found: ${file}`;
  if (code === "EACCES" || code === "EPERM") return `${what} is not readable (permission denied): ${file}`;
  if (code === "EISDIR") return `${what} is a directory, not a file: ${file}`;
  return `cannot open ${what} ${file}: ${describeError(e)}`;
}

/**
 * Whether a path of this kind can be read as a stream: a regular file, or a pipe or
 * terminal as process substitution (`<(zcat events.gz)`) and `/dev/stdin` give them.
 */
export function isReadableKind(stat: fs.Stats): boolean {
  return stat.isFile() || stat.isFIFO() || stat.isCharacterDevice() || stat.isSocket();
}

/**
 * Opens a file and gives its items. Opening happens here, so a missing or unreadable
 * file is an error before any item; the handle is closed when the items are used up,
 * or by `close()`. A pipe is read like a file.
 */
export async function openFileItems(
  absolutePath: string,
  file: string,
  options: ReadOptions & { readonly what?: string },
): Promise<IoResult<{ items: AsyncGenerator<ReadItem>; close: () => Promise<void> }>> {
  const opened = await openFileChunks(absolutePath, file, options);
  if (isLeft(opened)) return opened;
  const { chunks, close } = opened.right;
  async function* items(): AsyncGenerator<ReadItem> {
    try {
      for await (const c of chunks) yield* c.items;
    } finally {
      await close();
    }
  }
  const generator = items();
  return right({
    items: generator,
    close: async () => {
      await generator.return(undefined);
      await close();
    },
  });
}

/** A file opened for reading (openFileChunks). */
export interface OpenedFile {
  /** Its items with where each ends in the file (ReadChunk). */
  readonly chunks: AsyncGenerator<ReadChunk>;
  readonly close: () => Promise<void>;
  /**
   * Whether reading can start at a byte offset: a regular file in jsonl or csv. A `json`
   * file is one document, read whole, and a pipe cannot seek: those are read from the
   * start (and `start` is not used).
   */
  readonly seekable: boolean;
  /** Up to `length` bytes of the file from byte `at` (fewer past its end); until `close()`. */
  readAt(at: number, length: number): Promise<Buffer>;
}

/** Bytes read for a CSV header alone: it rarely takes more. */
const HEADER_READ_SIZE = 1 << 14;

/**
 * openFileItems, with the items several at a time (readItemChunks) and where each ends.
 * With `start` (a seekable file), reading begins at that byte offset and lines count on from
 * it; a CSV file's header row is read first from the file's start (only the header).
 */
export async function openFileChunks(
  absolutePath: string,
  file: string,
  options: ReadOptions & { readonly what?: string; readonly start?: ReadStart },
): Promise<IoResult<OpenedFile>> {
  const what = options.what ?? "file";
  const shown = options.shown ?? file;
  let handle: fs.promises.FileHandle;
  let regular: boolean;
  try {
    handle = await fs.promises.open(absolutePath, "r");
    const stat = await handle.stat().catch(async (e: unknown) => {
      await handle.close();
      throw e;
    });
    if (!isReadableKind(stat)) {
      await handle.close();
      return left(ioError(stat.isDirectory() ? `${what} is a directory, not a file: ${shown}` : `${what} is neither a file nor a pipe: ${shown}`, shown));
    }
    regular = stat.isFile();
  } catch (e) {
    return left(ioError(openErrorMessage(e, what, shown), shown));
  }
  const seekable = regular && options.format !== "json";
  const start = seekable && options.start !== undefined && options.start.offset > 0 ? options.start : undefined;
  // The handle outlives the streams (readAt), so they do not close it; close() does.
  const stream = handle.createReadStream({ autoClose: false, highWaterMark: READ_SIZE, ...(start !== undefined ? { start: start.offset } : {}) });
  const csv = { ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}), shown };
  const readAt = async (at: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buffer, got, length - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buffer.subarray(0, got);
  };
  async function* chunks(): AsyncGenerator<ReadChunk> {
    if (start === undefined) yield* readPieces(stream, file, options);
    else if (options.format === "jsonl") yield* readJsonlPieces(stream, file, shown, start, options.lazyJson === true);
    else {
      // Read with readAt: destroying a stream of the handle would close it.
      async function* head(): AsyncGenerator<Buffer> {
        for (let at = 0; ; at += HEADER_READ_SIZE) {
          const piece = await readAt(at, HEADER_READ_SIZE);
          if (piece.length === 0) return;
          yield piece;
        }
      }
      const header = await readCsvHeader(Readable.from(head(), { objectMode: false }), file, csv);
      if (header === undefined) yield { items: [{ kind: "error", error: ioError(`cannot resume ${shown}: its header row is gone`, shown) }], ends: [-1] };
      else if ("error" in header) yield { items: [header.error], ends: [-1] };
      else yield* readCsvPieces(stream, file, csv, { ...start, header: header.names });
    }
  }
  const generator = chunks();
  let closed: Promise<void> | undefined;
  // The stream is destroyed here only, not when the items end: that closes the handle, which
  // readAt still needs then (for the position after the last item). A generator never
  // started does not run its `finally`, so closing destroys the stream too.
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await generator.return(undefined);
      stream.destroy();
      await handle.close().catch(() => undefined);
    })());
  return right({ chunks: generator, close, seekable, readAt });
}

/** readItemChunks with where each item ends (ReadChunk); for `json`, never a place to start after (-1). */
async function* readPieces(input: Readable, file: string, options: ReadOptions): AsyncGenerator<ReadChunk> {
  switch (options.format) {
    case "jsonl":
      yield* readJsonlPieces(input, file, options.shown, undefined, options.lazyJson === true);
      return;
    case "csv":
      yield* readCsvPieces(input, file, { ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}), ...(options.shown !== undefined ? { shown: options.shown } : {}) });
      return;
    case "json": {
      const result = await readJsonStream(input, file, options.shown);
      const items: ReadItem[] = isRight(result) ? result.right.items : [{ kind: "error", error: result.left }];
      if (items.length > 0) yield { items, ends: items.map(() => -1) };
      return;
    }
  }
}
