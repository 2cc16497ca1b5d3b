// The raw items the readers produce and the result shape every io function returns.
// Records are RAW: whatever JSON parsing or CSV splitting gave; decoding against a
// schema happens elsewhere.

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

export type Item = RecordItem | RejectItem;

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

export type IoResult<T extends object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: IoError };

export function ioError(message: string, file?: string, line?: number): IoError {
  return { message, ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) };
}

export function failure(message: string, file?: string, line?: number): { readonly ok: false; readonly error: IoError } {
  return { ok: false, error: ioError(message, file, line) };
}

/** A short description of an unexpected exception (fs errors carry a code). */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
