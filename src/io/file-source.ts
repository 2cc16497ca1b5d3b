import { isLeft, left, right } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
import { displayPath } from "./display-path.js";
import { describeError, failure, ioError, type Format, type IoError, type IoResult, type Item, type ReadItem } from "./item.js";
import { isReadableKind, openFileChunks } from "./read-items.js";
import { START, type SourcePosition } from "./source-position.js";

export interface FileSourceOptions {
  /** A path or a glob, relative to baseDir unless absolute. */
  readonly pattern: string;
  readonly baseDir: string;
  readonly format: Format;
  readonly delimiter?: string;
  /**
   * Items per batch: the next N records read from the files, malformed lines and
   * rows included, so where a batch ends never depends on which rows are valid.
   * Without it, each batch is one whole file.
   */
  readonly batch?: number;
  /** Resume after this position (from a state file). */
  readonly resume?: SourcePosition;
}

/** A batch of a file source: raw items, not yet decoded (the runtime's batch is SourceBatch). */
export interface FileBatch {
  /** Records and rejects in file order; with `batch N`, at most N of them together. */
  readonly items: ReadonlyArray<Item>;
  /** The files (display paths) this batch read from or opened, in order. */
  readonly files: ReadonlyArray<string>;
}

export interface FileSource {
  /** Every matched file (display paths), in reading order. */
  readonly files: ReadonlyArray<string>;
  /** The next batch, or `batch: undefined` once every file is read. */
  next(): Promise<IoResult<{ batch: FileBatch | undefined }>>;
  /** The position after the last batch returned (before any, the resume position). */
  position(): SourcePosition;
  close(): Promise<void>;
}

interface OpenFile {
  /** As matched (relative to baseDir, or absolute); the key of resume positions. */
  readonly name: string;
  /** Relative to the working folder, for messages and `files`. */
  readonly display: string;
  readonly chunks: AsyncGenerator<ReadItem[]>;
  readonly close: () => Promise<void>;
  /** Items read from `chunks` and not yet returned: `held[at]` on. */
  held: ReadItem[];
  at: number;
  consumed: number;
  lastLine: number;
}

/** The next items of a file, at most `max` of them; an empty list once the file is read to its end. */
async function nextItems(file: OpenFile, max: number): Promise<ReadonlyArray<ReadItem>> {
  if (file.at >= file.held.length) {
    const step = await file.chunks.next();
    if (step.done === true) return [];
    file.held = step.value;
    file.at = 0;
  }
  const from = file.at;
  const to = Math.min(file.held.length, from + max);
  file.at = to;
  return from === 0 && to === file.held.length ? file.held : file.held.slice(from, to);
}

/**
 * How items name a matched file: relative to the stream's folder (or absolute, as
 * an absolute pattern gives it), with forward slashes and without `./`, so that
 * rejects are the same on every machine and from any working folder.
 */
export function stableName(name: string): string {
  return path.posix.normalize(name.split(path.sep).join("/"));
}

/** Paths relative to baseDir (or absolute, for an absolute pattern), sorted by code unit. */
async function resolvePattern(pattern: string, baseDir: string): Promise<IoResult<{ names: string[] }>> {
  const shown = displayPath(path.resolve(baseDir, pattern));
  // Loaded here: fast-glob is some 30 CommonJS modules, which `check` and streams without file sources do not need.
  const { default: fg } = await import("fast-glob");
  if (!fg.isDynamicPattern(pattern)) {
    const abs = path.resolve(baseDir, pattern);
    try {
      const stat = await fs.promises.stat(abs);
      if (!isReadableKind(stat)) return failure(`source path is ${stat.isDirectory() ? "a directory" : "neither a file nor a pipe"}: ${shown}`, shown);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return failure(code === "ENOENT" ? `source file not found: ${shown}` : `cannot read source file ${shown}: ${describeError(e)}`, shown);
    }
    return right({ names: [pattern.split(path.sep).join("/")] });
  }
  let names: string[];
  try {
    names = await fg(pattern, { cwd: baseDir, onlyFiles: true, followSymbolicLinks: true });
  } catch (e) {
    return failure(`cannot expand the glob ${shown}: ${describeError(e)}`);
  }
  if (names.length === 0) return failure(`no file matches the source pattern ${shown}`);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return right({ names });
}

export async function openFileSource(options: FileSourceOptions): Promise<IoResult<{ source: FileSource }>> {
  if (options.batch !== undefined && !(Number.isInteger(options.batch) && options.batch > 0)) {
    return failure(`batch size must be a positive whole number, got ${options.batch}`);
  }
  const resolved = await resolvePattern(options.pattern, options.baseDir);
  if (isLeft(resolved)) return resolved;
  const names = resolved.right.names;
  const displays = names.map((n) => displayPath(path.resolve(options.baseDir, n)));
  const resume = options.resume ?? START;

  // The first file to read, and how many of its items were already returned.
  let nextIndex = 0;
  if (resume.kind === "after") {
    while (nextIndex < names.length && names[nextIndex]! < resume.file) nextIndex++;
  }
  let current: OpenFile | undefined;
  let position: SourcePosition = resume;
  let failed: IoError | undefined;

  async function openNext(): Promise<IoResult<{ file: OpenFile | undefined }>> {
    if (nextIndex >= names.length) return right({ file: undefined });
    const name = names[nextIndex]!;
    const display = displays[nextIndex]!;
    nextIndex++;
    const opened = await openFileChunks(path.resolve(options.baseDir, name), stableName(name), {
      format: options.format,
      what: "source file",
      shown: display,
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    });
    if (isLeft(opened)) return opened;
    const file: OpenFile = { name, display, chunks: opened.right.chunks, close: opened.right.close, held: [], at: 0, consumed: 0, lastLine: 0 };
    if (resume.kind === "after" && name === resume.file && resume.item > 0) {
      // Skip what an earlier invocation returned, checking the file still starts the same way.
      let last: Item | undefined;
      skip: while (file.consumed < resume.item) {
        const items = await nextItems(file, resume.item - file.consumed);
        if (items.length === 0) break;
        for (const item of items) {
          if (item.kind === "error") {
            await file.close();
            return left(item.error);
          }
          last = item;
          file.consumed++;
          if (file.consumed >= resume.item) break skip;
        }
      }
      if (file.consumed < resume.item || last === undefined || last.line !== resume.line) {
        await file.close();
        return failure(
          `cannot resume ${display}: the saved position is after item ${resume.item} (line ${resume.line}), ` +
            `but the file no longer matches it (was it rewritten?). Restore the file, or move the state file away to start fresh.`,
          display,
        );
      }
      file.lastLine = last.line;
    }
    return right({ file });
  }

  async function next(): Promise<IoResult<{ batch: FileBatch | undefined }>> {
    if (failed !== undefined) return left(failed);
    const items: Item[] = [];
    const files: string[] = [];
    let taken = 0;
    let opened = false;
    // The position moves only when a batch is returned, never on a failed call.
    let reached: SourcePosition | undefined;
    const fail = async (error: IoError): Promise<IoResult<never>> => {
      failed = error;
      await closeSource();
      return left(error);
    };
    try {
      for (;;) {
        if (current === undefined) {
          // Without `batch`, one call is one file: stop once a file was read to its end.
          if (options.batch === undefined && opened) break;
          const o = await openNext();
          if (isLeft(o)) return await fail(o.left);
          if (o.right.file === undefined) break;
          current = o.right.file;
          opened = true;
          files.push(current.display);
        }
        if (options.batch !== undefined && taken >= options.batch) break;
        const got = await nextItems(current, options.batch === undefined ? Number.POSITIVE_INFINITY : options.batch - taken);
        if (got.length === 0) {
          reached = { kind: "after", file: current.name, line: current.lastLine, item: current.consumed };
          await current.close();
          current = undefined;
          continue;
        }
        if (files[files.length - 1] !== current.display) files.push(current.display);
        for (const item of got) {
          if (item.kind === "error") return await fail(item.error);
          items.push(item);
          current.consumed++;
          current.lastLine = item.line;
          taken++;
        }
      }
    } catch (e) {
      return await fail(ioError(`cannot read source ${options.pattern}: ${describeError(e)}`));
    }
    if (current !== undefined) reached = { kind: "after", file: current.name, line: current.lastLine, item: current.consumed };
    if (reached !== undefined) position = reached;
    if (items.length === 0 && !opened) return right({ batch: undefined });
    return right({ batch: { items, files } });
  }

  async function closeSource(): Promise<void> {
    const c = current;
    current = undefined;
    nextIndex = names.length;
    if (c !== undefined) await c.close();
  }

  const source: FileSource = {
    files: displays,
    next,
    position: () => position,
    close: closeSource,
  };
  return right({ source });
}
