// The raw items the readers produce and the result type every io function returns.
// Records are RAW: whatever JSON parsing or CSV splitting gave; decoding against a
// schema happens elsewhere.

import { left, type Either } from "fp-ts/lib/Either.js";

export type { Format } from "../model/formats.js";

export type RawRecord = Readonly<Record<string, unknown>>;

export interface RecordItem {
  readonly kind: "record";
  /**
   * The file as the stream names it, the same on every machine and from any working
   * folder: relative to the stream's folder (a source's files), as the user gave it
   * (`--input`), or "-" for standard input. Messages use the display path instead.
   */
  readonly file: string;
  /** 1-based line the record starts on (for `json`, the line its element starts on). */
  readonly line: number;
  readonly record: RawRecord;
}

export interface RejectItem {
  readonly kind: "reject";
  readonly file: string;
  readonly line: number;
  /** Starts with "line N: " so it reads well on its own. */
  readonly reason: string;
  /** The offending source text (a line, a CSV row, a JSON element). */
  readonly text: string;
}

/**
 * A JSON line not yet parsed, from a reader asked for `lazyJson`: parsed with
 * `parseJsonLine` when its record is decoded, so that the parsed object dies young
 * instead of living in the heap with the whole batch. Only non-blank lines of a piece
 * whose numbers a double holds exactly become one (the others are parsed as read).
 */
export interface LineItem {
  readonly kind: "line";
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export type Item = RecordItem | RejectItem | LineItem;

export interface IoError {
  /** Names the file, and the line where there is one; ready to print. */
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}

/** A failure that ends an item stream (unreadable file, broken header, I/O error). */
export interface ReadFailure {
  readonly kind: "error";
  readonly error: IoError;
}

/** What a reader yields: items, and at most one failure, which is then the last element. */
export type ReadItem = Item | ReadFailure;

/**
 * Items a reader has ready together, and where each ends in the file: `ends[i]` is the
 * byte offset just after the LF that ends `items[i]`'s last line, or -1 where reading
 * cannot start after it (no LF follows it, or the reader cannot tell). `endLines[i]` is
 * that last line, where it can differ from `items[i].line` (a CSV row over several lines).
 * One number per item, so that a file source can save where to read on.
 */
export interface ReadChunk {
  readonly items: ReadItem[];
  readonly ends: number[];
  readonly endLines?: number[];
}

/** Where a reader starts: a byte offset just after an LF (or 0), and how many lines come before it. */
export interface ReadStart {
  readonly offset: number;
  readonly line: number;
}

/** What every io function returns: the result, or the error that stopped it (fp-ts Either, as everywhere in src/). */
export type IoResult<T> = Either<IoError, T>;

export function ioError(message: string, file?: string, line?: number): IoError {
  return { message, ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) };
}

export function failure(message: string, file?: string, line?: number): Either<IoError, never> {
  return left(ioError(message, file, line));
}

/** Plain words for the file system's errors a user meets; the path is already in the message around them. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  EEXIST: "the file already exists",
};

/**
 * A short description of an unexpected exception. An fs error's own message
 * repeats its code and path (`ENOENT: no such file or directory, open 'x'`):
 * give its words once, without the path the caller's message already names.
 */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) return e.message;
    const words = ERRNO_WORDS[code];
    if (words) return words;
    // `CODE: description, syscall 'path'` -> `description (CODE)`
    const m = /^[A-Z0-9_]+: ([^,]*)/.exec(e.message);
    return m ? `${m[1]} (${code})` : `${e.message} (${code})`;
  }
  return String(e);
}
