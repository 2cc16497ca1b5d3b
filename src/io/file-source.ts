import { isLeft, left, right } from "fp-ts/lib/Either.js";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { displayPath } from "./display-path.js";
import { describeError, failure, ioError, type Format, type IoError, type IoResult, type Item, type ReadChunk } from "./item.js";
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
  /** JSON lines as LineItems, parsed when decoded (see LineItem). */
  readonly lazyJson?: boolean;
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
  readonly chunks: AsyncGenerator<ReadChunk>;
  readonly close: () => Promise<void>;
  readonly seekable: boolean;
  readonly readAt: (at: number, length: number) => Promise<Buffer>;
  /** The chunk read from `chunks` and not yet all returned: its items from `at` on. */
  held: ReadChunk;
  at: number;
  consumed: number;
  lastLine: number;
  /** Where to read on after the items returned: the last one that ends with an LF (SeekPoint). */
  seekOffset: number;
  seekLines: number;
  seekSkip: number;
  /** The check of the bytes before `checkFor` (a position is taken once per batch; this saves reading them twice). */
  checkFor: number;
  check: { length: number; sha256: string } | undefined;
}

const NO_ITEMS: ReadChunk = { items: [], ends: [] };

/** Bytes before a saved offset that a resume checks: the last item or so, never the file. */
const CHECK_BYTES = 1024;

function digest(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 32);
}

/**
 * The next items of a file, at most `max` of them, as the range [from, to) of `file.held`
 * (empty once the file is read to its end). The file's seek point moves past them.
 */
async function nextItems(file: OpenFile, max: number): Promise<{ from: number; to: number }> {
  if (file.at >= file.held.items.length) {
    const step = await file.chunks.next();
    if (step.done === true) return { from: 0, to: 0 };
    file.held = step.value;
    file.at = 0;
  }
  const { items, ends, endLines } = file.held;
  const from = file.at;
  const to = Math.min(items.length, from + max);
  file.at = to;
  // Only the last item that ends with an LF matters: look back from the range's end.
  let k = to - 1;
  while (k >= from && ends[k]! < 0) k--;
  if (k >= from) {
    file.seekOffset = ends[k]!;
    file.seekLines = endLines !== undefined ? endLines[k]! : (items[k] as Item).line;
    file.seekSkip = to - 1 - k;
  } else file.seekSkip += to - from;
  return { from, to };
}

/** Where `file` stands, as a resume position; `seek` for a seekable file, its check read back from the file. */
async function positionOf(file: OpenFile): Promise<SourcePosition> {
  const base = { kind: "after" as const, file: file.name, line: file.lastLine, item: file.consumed };
  if (!file.seekable) return base;
  if (file.check === undefined || file.checkFor !== file.seekOffset) {
    const length = Math.min(file.seekOffset, CHECK_BYTES);
    const bytes = await file.readAt(file.seekOffset - length, length);
    // Read back from the file rather than kept from the reader's pieces: the bytes of a file
    // read on are the bytes it read; a file rewritten meanwhile is caught on the resume after.
    file.check = { length: bytes.length, sha256: digest(bytes) };
    file.checkFor = file.seekOffset;
  }
  return { ...base, seek: { offset: file.seekOffset, lines: file.seekLines, skip: file.seekSkip, ...file.check } };
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
    const resuming = resume.kind === "after" && name === resume.file && resume.item > 0 ? resume : undefined;
    const seek = resuming?.seek;
    const opened = await openFileChunks(path.resolve(options.baseDir, name), stableName(name), {
      format: options.format,
      what: "source file",
      shown: display,
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      ...(seek !== undefined ? { start: { offset: seek.offset, line: seek.lines } } : {}),
      ...(options.lazyJson === true ? { lazyJson: true } : {}),
    });
    if (isLeft(opened)) return opened;
    const { chunks, close, seekable, readAt } = opened.right;
    const file: OpenFile = {
      name, display, chunks, close, seekable, readAt,
      held: NO_ITEMS, at: 0, consumed: 0, lastLine: 0, seekOffset: 0, seekLines: 0, seekSkip: 0, checkFor: -1, check: undefined,
    };
    if (resuming === undefined) return right({ file });
    const mismatch = async (): Promise<IoResult<never>> => {
      await file.close();
      return failure(
        `cannot resume ${display}: the saved position is after item ${resuming.item} (line ${resuming.line}), ` +
          `but the file no longer matches it (was it rewritten?). Restore the file, or move the state file away to start fresh.`,
        display,
      );
    };
    // With a seek point (a seekable file), reading started at its offset: check the bytes
    // before it are the ones saved, then skip only the items returned after it. Without one
    // (a position of an older build, a `json` file, a pipe), skip every item returned,
    // reading the file from its start, and check the last of them starts on the saved line.
    let skip = resuming.item;
    if (seek !== undefined && seekable) {
      const bytes = await readAt(seek.offset - seek.length, seek.length);
      if (bytes.length !== seek.length || digest(bytes) !== seek.sha256 || seek.skip > resuming.item) return await mismatch();
      file.consumed = resuming.item - seek.skip;
      file.lastLine = resuming.line;
      file.seekOffset = seek.offset;
      file.seekLines = seek.lines;
      file.check = { length: seek.length, sha256: seek.sha256 };
      file.checkFor = seek.offset;
      skip = seek.skip;
    }
    if (skip === 0) return right({ file });
    let last: Item | undefined;
    let skipped = 0;
    skip: while (skipped < skip) {
      const { from, to } = await nextItems(file, skip - skipped);
      if (to === from) break;
      for (let i = from; i < to; i++) {
        const item = file.held.items[i]!;
        if (item.kind === "error") {
          await file.close();
          return left(item.error);
        }
        last = item;
        skipped++;
        file.consumed++;
        if (skipped >= skip) break skip;
      }
    }
    if (skipped < skip || last === undefined || last.line !== resuming.line) return await mismatch();
    file.lastLine = last.line;
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
        const { from, to } = await nextItems(current, options.batch === undefined ? Number.POSITIVE_INFINITY : options.batch - taken);
        if (to === from) {
          reached = await positionOf(current);
          await current.close();
          current = undefined;
          continue;
        }
        if (files[files.length - 1] !== current.display) files.push(current.display);
        const got = current.held.items;
        for (let i = from; i < to; i++) {
          const item = got[i]!;
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
    if (current !== undefined) {
      try {
        reached = await positionOf(current);
      } catch (e) {
        return await fail(ioError(`cannot read source ${options.pattern}: ${describeError(e)}`));
      }
    }
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
