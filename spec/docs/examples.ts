// Reading the examples out of the Markdown pages, and comparing what a command
// printed with what a page shows. The convention is in docs/internals.md,
// "Examples in the docs".
import fs from "node:fs";
import path from "node:path";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The pages whose examples are checked. */
export const PAGES: ReadonlyArray<string> = ["README.md", ...fs.readdirSync(path.join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

export interface Block {
  readonly page: string;
  /** The line of the opening fence, from 1. */
  readonly line: number;
  readonly lang: string;
  /** The info string's words after the language: `with=FILE`, `file=NAME`, `sketch`. */
  readonly attrs: Readonly<Record<string, string | true>>;
  readonly body: string;
  /** The ```text block right after this one (no heading and no other block between): what it gives. */
  readonly gives?: Block;
  /** The last line of prose before the block ("For example (`spec/cases/…`):"). */
  readonly intro: string;
  /** For a `gives` block: the prose between its example and it ("gives", "parsing it alone gives …"). */
  readonly between?: string;
}

export const where = (b: Block): string => `${b.page}:${b.line}`;

/** Every fenced block of a page, in order. */
export function blocks(page: string): Block[] {
  const lines = fs.readFileSync(path.join(REPO, page), "utf8").split("\n");
  const out: { block: Block; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const [lang = "", ...words] = open[1]!.trim().split(/\s+/).filter((w) => w !== "");
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") j++;
    if (j === lines.length) throw new Error(`${page}:${start + 1}: the block is never closed`);
    const attrs: Record<string, string | true> = {};
    for (const w of words) {
      const eq = w.indexOf("=");
      if (eq < 0) attrs[w] = true;
      else attrs[w.slice(0, eq)] = w.slice(eq + 1);
    }
    const prevEnd = out.length ? out[out.length - 1]!.end : -1;
    const intro = lines.slice(prevEnd + 1, start).filter((l) => l.trim() !== "").pop() ?? "";
    out.push({ block: { page, line: start + 1, lang, attrs, body: lines.slice(start + 1, j).join("\n"), intro }, end: j });
    i = j;
  }
  return out.map(({ block, end }, k) => {
    const next = out[k + 1];
    if (!next || next.block.lang !== "text") return block;
    const between = lines.slice(end + 1, next.block.line - 1);
    return between.some((l) => l.startsWith("#")) ? block : { ...block, gives: { ...next.block, between: between.join(" ").trim() } };
  });
}

/** A command line as a shell splits it: words, "double" and 'single' quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

export interface Command {
  readonly line: number;
  readonly argv: ReadonlyArray<string>;
  /** From a trailing `# exit N`; 0 without one. */
  readonly exit: number;
  /** The lines the page shows under the command (none: only the exit code is checked). */
  readonly shows: ReadonlyArray<string>;
}

/** The commands of a ```console block: each `$ npx interpret …` line and the lines under it. */
export function commands(b: Block): Command[] {
  const out: { line: number; argv: string[]; exit: number; shows: string[] }[] = [];
  b.body.split("\n").forEach((text, i) => {
    if (text.startsWith("$ ")) {
      const [cmd = "", comment] = text.slice(2).split(/\s+#\s*/, 2);
      const exit = comment ? Number(/^exit (\d)$/.exec(comment)?.[1] ?? NaN) : 0;
      if (Number.isNaN(exit)) throw new Error(`${b.page}:${b.line + 1 + i}: a command's comment is \`# exit N\`, not \`# ${comment}\``);
      const words = shellWords(cmd);
      if (words[0] === "npx") words.shift();
      if (words[0] !== "interpret") throw new Error(`${b.page}:${b.line + 1 + i}: a console example runs \`interpret\` (or \`npx interpret\`), not \`${words[0]}\``);
      out.push({ line: b.line + 1 + i, argv: words.slice(1), exit, shows: [] });
    } else {
      const last = out[out.length - 1];
      if (!last) throw new Error(`${b.page}:${b.line + 1 + i}: a console block starts with a \`$ \` command`);
      last.shows.push(text);
    }
  });
  return out;
}

/**
 * A printed text as the docs compare it: line ends trimmed, runs of spaces as one
 * (columns widen with the figures), and the figures of wall time masked: the first
 * line's `in 0.29 s (28,723 records/s)`, the step table's `ms` and `records/s`
 * columns and a test's `(6 ms)`, which differ from run to run.
 */
export function normalise(lines: ReadonlyArray<string>): string[] {
  let inSteps = false;
  const out: string[] = [];
  for (const raw of lines) {
    let l = raw.replace(/\s+/g, " ").trim();
    if (/^step kind in out ms records\/s$/.test(l)) inSteps = true;
    else if (l === "") inSteps = false;
    else if (inSteps && l !== "…") l = l.split(" ").slice(0, -2).join(" ") + " # #";
    l = l.replace(/ in [\d.]+ s \([\d,]+ records\/s\)/, " in # s (# records/s)");
    if (/^[✓✗] /.test(l)) l = l.replace(/ \([\d.]+ ms\)$/, " (# ms)");
    out.push(l);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

/**
 * Whether `actual` is what the page shows: line by line after `normalise`, where a
 * line `…` of the page stands for any number of lines (the page leaves them out).
 * Returns the first place they part, or undefined.
 */
export function differs(shows: ReadonlyArray<string>, actual: string): string | undefined {
  const want = normalise(shows);
  const got = normalise(actual.split("\n"));
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const k = `${i},${j}`;
    if (memo.has(k)) return memo.get(k)!;
    let r: boolean;
    if (i === want.length) r = j === got.length;
    else if (want[i] === "…") r = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else r = j < got.length && want[i] === got[j] && match(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  if (match(0, 0)) return undefined;
  // The first line of the page that has no counterpart, to say where.
  let j = 0;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "…") continue;
    const at = got.indexOf(want[i]!, j);
    if (at < 0) return `the page shows\n  ${want[i]}\nwhich is not printed (in order); printed:\n${actual}`;
    j = at + 1;
  }
  return `printed more than the page shows:\n${actual}`;
}
