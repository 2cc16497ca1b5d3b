import * as t from "io-ts";

/**
 * Where a file source stands, saved in the state file so that a later invocation
 * resumes exactly after the last batch it committed. Files are read in name order:
 * `after` means every file named before `file` is done, and the first `item` items
 * (records and rejects) of `file` were returned, the last of them starting on `line`.
 * A file that grows later is read on from there; a new file that sorts before
 * `file` is not read (name files so that new ones sort last, e.g. by date).
 */
export type SourcePosition =
  | { readonly kind: "start" }
  | { readonly kind: "after"; readonly file: string; readonly line: number; readonly item: number };

const NonNegativeInt = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, "NonNegativeInt");

export const SourcePositionCodec: t.Type<SourcePosition> = t.union([
  t.readonly(t.strict({ kind: t.literal("start") })),
  t.readonly(t.strict({ kind: t.literal("after"), file: t.string, line: NonNegativeInt, item: NonNegativeInt })),
]) as t.Type<SourcePosition>;

export const START: SourcePosition = { kind: "start" };
