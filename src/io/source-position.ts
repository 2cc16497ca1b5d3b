import * as t from "io-ts";

/**
 * Where a file source stands, saved in the state file so that a later invocation
 * resumes exactly after the last batch it committed. Files are read in name order:
 * `after` means every file named before `file` is done, and the first `item` items
 * (records and rejects) of `file` were returned, the last of them starting on `line`.
 * A file that grows later is read on from there; a new file that sorts before
 * `file` is not read (name files so that new ones sort last, e.g. by date).
 *
 * `seek` (jsonl and csv from a regular file) says where in the file to read on,
 * so that a resume costs the same however far into the file it is. Without it
 * (positions written by older builds, `json` documents, pipes) a resume reads
 * the file from its start and skips `item` items.
 */
export type SourcePosition =
  | { readonly kind: "start" }
  | { readonly kind: "after"; readonly file: string; readonly line: number; readonly item: number; readonly seek?: SeekPoint };

export interface SeekPoint {
  /** The byte offset just after the line end (LF) of the last item that ends with one. */
  readonly offset: number;
  /** Lines before `offset` (its LFs): the next item's line numbers count on from here. */
  readonly lines: number;
  /**
   * Items returned after `offset`: 0, unless the last item returned ended the file
   * without a line end (or was a CSV row csv-parse could not frame); those are
   * read again and skipped, as a file may have grown since.
   */
  readonly skip: number;
  /** How many bytes before `offset` `sha256` covers (up to 1 KiB). */
  readonly length: number;
  /** The first 32 hex digits of the SHA-256 of those bytes: a resume checks the file still holds them. */
  readonly sha256: string;
}

const NonNegativeInt = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, "NonNegativeInt");

const SeekPointCodec = t.readonly(
  t.strict({ offset: NonNegativeInt, lines: NonNegativeInt, skip: NonNegativeInt, length: NonNegativeInt, sha256: t.string }),
);

export const SourcePositionCodec: t.Type<SourcePosition> = t.union([
  t.readonly(t.strict({ kind: t.literal("start") })),
  // `seek` is optional: positions saved by older builds have none and resume by skipping.
  t.readonly(
    t.exact(
      t.intersection([
        t.type({ kind: t.literal("after"), file: t.string, line: NonNegativeInt, item: NonNegativeInt }),
        t.partial({ seek: SeekPointCodec }),
      ]),
    ),
  ),
]) as unknown as t.Type<SourcePosition>;

export const START: SourcePosition = { kind: "start" };
