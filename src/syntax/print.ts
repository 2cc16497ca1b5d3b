// The canonical formatter (`interpret fmt`): AST -> text. Layout rules:
// 2-space indent; `=` aligned within a block; `else` messages of rules at column
// 50 (or further, aligned within the block); runs of one-line declarations of one
// kind align their clauses up to the first clause that lists several items;
// blank lines between declarations and statements are kept (at most one);
// full-line comments stay before what they precede, trailing comments keep their
// column when the code still fits before it.
import type { Comment, StreamFile } from "./ast.js";
import { printDecl, type Line } from "./print-decl.js";
import { sourceOf } from "./source-text.js";

interface Out {
  indent: number;
  text: string;
  start: number;
  end: number;
  role: Line["role"] | "comment";
  trailing?: Comment;
}

/** Pads the cells of a run of one-line declarations into columns. */
function alignRun(run: Line[]): Line[] {
  if (run.length < 2) return run;
  const cells = run.map((l) => l.cells!);
  const columns = Math.min(...cells.map((c) => c.length));
  const widths: number[] = [];
  for (let i = 0; i < columns - 1; i++) {
    widths.push(Math.max(...cells.map((c) => c[i]!.text.length)));
    if (cells.some((c) => c[i + 1]!.list)) break;
  }
  return run.map((line) => ({
    ...line,
    text: line.cells!.map((c, i) => (i < widths.length ? c.text.padEnd(widths[i]!) : c.text)).join(" "),
  }));
}

const blankBetween = (source: string | undefined, from: number, to: number): boolean =>
  source !== undefined && from < to && /\n[ \t]*\r?\n/.test(source.slice(from, to));

function isTrailing(source: string | undefined, c: Comment): boolean {
  if (source === undefined) return false;
  const lineStart = source.lastIndexOf("\n", c.span.start - 1) + 1;
  return source.slice(lineStart, c.span.start).trim() !== "";
}

export function printStream(ast: StreamFile, source: string | undefined = sourceOf(ast)): string {
  // Lines of all declarations; runs of one-liners of one kind are aligned.
  const lines: Line[] = [];
  let run: Line[] = [];
  let runKind = "";
  const flushRun = () => { lines.push(...alignRun(run)); run = []; };
  const commentBetween = (a: number, b: number) => ast.comments.some((c) => c.span.start >= a && c.span.start < b);
  for (const decl of ast.decls) {
    const declLines = printDecl(decl);
    const single = declLines.length === 1 && declLines[0]!.cells !== undefined;
    const prev = run.at(-1);
    if (!single || decl.kind !== runKind || (prev && (blankBetween(source, prev.end, decl.span.start) || commentBetween(prev.end, decl.span.start)))) flushRun();
    if (single) { run.push(declLines[0]!); runKind = decl.kind; }
    else { lines.push(...declLines); runKind = ""; }
  }
  flushRun();

  const out: Out[] = lines.map((l) => ({ ...l }));
  // Comments: trailing ones go to the last line starting at or before them; full-line
  // ones before the first line that starts after them.
  for (const c of ast.comments) {
    if (isTrailing(source, c)) {
      const host = [...out].reverse().find((o) => o.role !== "comment" && o.start <= c.span.start && o.trailing === undefined);
      if (host) { host.trailing = c; continue; }
    }
    const at = out.findIndex((o) => o.role !== "comment" && o.start > c.span.start);
    const next = at < 0 ? undefined : out[at];
    const indent = next === undefined ? 0 : next.role === "close" ? next.indent + 2 : next.indent;
    const entry: Out = { indent, text: c.text.trimEnd(), start: c.span.start, end: c.span.end, role: "comment" };
    if (at < 0) out.push(entry);
    else out.splice(at, 0, entry);
  }

  const texts: string[] = [];
  out.forEach((o, i) => {
    const prev = out[i - 1];
    if (prev && prev.role !== "open" && o.role !== "close" && blankBetween(source, prev.end, o.start)) { texts.push(""); }
    texts.push(" ".repeat(o.indent) + o.text);
  });
  placeTrailingComments(out, texts, source);
  return texts.join("\n").replace(/\n*$/, "\n");
}

/** Trailing comments keep their source column when the code fits before it;
 * consecutive lines whose comments shared a column keep sharing one. */
function placeTrailingComments(out: Out[], texts: string[], source: string | undefined): void {
  const byText = new Map<number, Out>();
  let t = 0;
  out.forEach((o, i) => {
    const prev = out[i - 1];
    if (prev && prev.role !== "open" && o.role !== "close" && blankBetween(source, prev.end, o.start)) t++;
    byText.set(t, o);
    t++;
  });
  const rows = [...byText.entries()].filter(([, o]) => o.trailing).map(([row, o]) => ({ row, comment: o.trailing!, column: o.trailing!.span.column - 1 }));
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    while (j < rows.length && rows[j]!.row === rows[j - 1]!.row + 1 && rows[j]!.column === rows[i]!.column) j++;
    const group = rows.slice(i, j);
    const column = Math.max(...group.map((r) => Math.max(r.column, texts[r.row]!.length + 2)));
    for (const r of group) texts[r.row] = `${texts[r.row]!.padEnd(column)}${r.comment.text.trimEnd()}`;
    i = j;
  }
}
