import { isRight, left, right } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { describeError, ioError, type Format, type IoResult, type ReadItem } from "./item.js";
import { readCsv } from "./read-csv.js";
import { readJsonStream } from "./read-json.js";
import { readJsonl } from "./read-jsonl.js";

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
  switch (options.format) {
    case "jsonl":
      yield* readJsonl(input, file, options.shown);
      return;
    case "csv":
      yield* readCsv(input, file, { ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}), ...(options.shown !== undefined ? { shown: options.shown } : {}) });
      return;
    case "json": {
      const result = await readJsonStream(input, file, options.shown);
      if (isRight(result)) yield* result.right.items;
      else yield { kind: "error", error: result.left };
      return;
    }
  }
}

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
  const stream = handle.createReadStream({ autoClose: true });
  async function* items(): AsyncGenerator<ReadItem> {
    try {
      yield* readItems(stream, file, options);
    } finally {
      stream.destroy();
    }
  }
  const generator = items();
  // A generator never started does not run its `finally`, so closing destroys the stream too.
  const close = async (): Promise<void> => {
    await generator.return(undefined);
    stream.destroy();
  };
  return right({ items: generator, close });
}
