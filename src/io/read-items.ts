import { isLeft, isRight, left, right } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { describeError, ioError, type Format, type IoResult, type ReadItem } from "./item.js";
import { readCsvChunks } from "./read-csv.js";
import { readJsonStream } from "./read-json.js";
import { readJsonlChunks } from "./read-jsonl.js";

export interface ReadOptions {
  readonly format: Format;
  /** For `csv` only. */
  readonly delimiter?: string;
  /** How messages (not items) name the file, e.g. relative to the working folder; `file` by default. */
  readonly shown?: string;
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
  switch (options.format) {
    case "jsonl":
      yield* readJsonlChunks(input, file, options.shown);
      return;
    case "csv":
      yield* readCsvChunks(input, file, { ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}), ...(options.shown !== undefined ? { shown: options.shown } : {}) });
      return;
    case "json": {
      const result = await readJsonStream(input, file, options.shown);
      if (isRight(result)) {
        if (result.right.items.length > 0) yield result.right.items;
      } else yield [{ kind: "error", error: result.left }];
      return;
    }
  }
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
      for await (const c of chunks) yield* c;
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

/** openFileItems, with the items several at a time (readItemChunks). */
export async function openFileChunks(
  absolutePath: string,
  file: string,
  options: ReadOptions & { readonly what?: string },
): Promise<IoResult<{ chunks: AsyncGenerator<ReadItem[]>; close: () => Promise<void> }>> {
  const what = options.what ?? "file";
  const shown = options.shown ?? file;
  let handle: fs.promises.FileHandle;
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
  } catch (e) {
    return left(ioError(openErrorMessage(e, what, shown), shown));
  }
  const stream = handle.createReadStream({ autoClose: true, highWaterMark: READ_SIZE });
  async function* chunks(): AsyncGenerator<ReadItem[]> {
    try {
      yield* readItemChunks(stream, file, options);
    } finally {
      stream.destroy();
    }
  }
  const generator = chunks();
  // A generator never started does not run its `finally`, so closing destroys the stream too.
  const close = async (): Promise<void> => {
    await generator.return(undefined);
    stream.destroy();
  };
  return right({ chunks: generator, close });
}
