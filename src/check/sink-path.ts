// Where a sink may write: a relative path that stays inside the output folder (`--out DIR`, or
// the stream's folder without it). Checked on the text alone, before anything runs, so a
// stream never writes outside the folder its user chose (docs/language.md, "Formats and paths").
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";

export function checkSinkPath(ctx: CheckContext, sink: string, p: A.StringLit): void {
  const text = p.value;
  const fail = (why: string, hint: string) => ctx.report("E2026", { sink, why }, p.span, { hint });
  if (text.trim() === "") return fail("is empty", 'name the file to write, e.g. "out/lines.jsonl"');
  const inside = "sink paths are relative to the output folder and stay in it; to write elsewhere, choose the folder with `--out DIR`";
  if (/^[\\/]/.test(text) || /^[A-Za-z]:/.test(text)) return fail("is absolute", inside);
  let depth = 0;
  const segments = text.split(/[\\/]/);
  for (const s of segments) {
    if (s === "..") depth--;
    else if (s !== "." && s !== "") depth++;
    if (depth < 0) return fail("leaves the output folder with `..`", inside);
  }
  const last = segments.at(-1)!;
  if (last === "" || last === "." || last === ".." || depth === 0) return fail("names a folder, not a file", 'end it with a file name, e.g. "out/lines.jsonl"');
}
