// Every example of README.md and docs/*.md compiles and prints what the page says
// (the convention: docs/internals.md, "Examples in the docs"). Streams are checked
// in-process, console examples run as written (README's through the real
// executable, the others in-process), TypeScript examples run with tsx.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { primarySpan, type Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compileStream } from "../../src/plan/compile.js";
import { parse } from "../../src/syntax/parse.js";
import { checkTestFile } from "../../src/testing/check-test-file.js";
import { interpret } from "../cli/helpers.js";
import { blocks, commands, differs, PAGES, REPO, where, type Block } from "./examples.js";

const STREAM_KEYWORDS = /^(stream|param|const|trigger|source|table|validate|enrich|map|dedup|route|merge|aggregate|audit|sink|test)\s/;

/** A temp folder laid out like the repository for the commands: a copy of streams/ (no outputs). */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-docs-"));
  fs.cpSync(path.join(REPO, "streams"), path.join(dir, "streams"), {
    recursive: true,
    filter: (src) => path.basename(src) !== "out" && !src.endsWith(".state"),
  });
  return dir;
}

interface Diag {
  readonly code: string;
  readonly range: { readonly start: { readonly line: number; readonly column: number } };
}

/** `CODE line:column` of each diagnostic a ```text block shows (rendered as `check` prints them). */
function shownDiagnostics(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n");
  lines.forEach((l, i) => {
    const m = /^(?:error|warning|note)\[(\w+)\]/.exec(l);
    if (!m) return;
    const at = /^\s*--> .*:(\d+):(\d+)$/.exec(lines[i + 1] ?? "");
    out.push(at ? `${m[1]} ${at[1]}:${at[2]}` : m[1]!);
  });
  return out.sort();
}

/**
 * `CODE line:column` of what the page says gives the shown text: the parser alone
 * ("parsing it alone gives"), the check of a test file against the stream it names
 * ("checked as the test file of `PATH`"), else `interpret check`. The file is named
 * as the page's intro names it (codes.md's golden case), since a test file's name can matter.
 */
async function diagnosticsOf(b: Block, text: string, file: string, dir: string): Promise<string[]> {
  const named = /\(`([^`]+\.stream)`\)/.exec(b.intro)?.[1] ?? path.basename(file);
  const between = b.gives?.between ?? "";
  const at = (ds: ReadonlyArray<Diagnostic>): string[] => ds.map((d) => `${d.code} ${primarySpan(d)!.line}:${primarySpan(d)!.column}`).sort();
  if (between.startsWith("parsing it alone gives")) return at(parse(text, named).diagnostics);
  const tested = /^checked as the test file of `([^`]+)`/.exec(between)?.[1];
  if (tested !== undefined) {
    const stream = compileStream(fs.readFileSync(path.join(REPO, tested), "utf8"), { filename: tested });
    const { ast, diagnostics } = parse(text, named);
    return at([...diagnostics, ...checkTestFile(ast, stream.checked!)]);
  }
  const r = await interpret(["check", "--json", file], { cwd: dir });
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column}`).sort();
}

/** A ```stream block: it compiles clean (and its tests pass), or gives exactly the diagnostics its ```text shows. */
async function checkStream(b: Block, dir: string): Promise<string | undefined> {
  const base = typeof b.attrs["with"] === "string" ? b.attrs["with"] : undefined;
  if (base !== undefined && !fs.existsSync(path.join(REPO, base))) return `with=${base}: no such file`;
  const text = base !== undefined ? `${fs.readFileSync(path.join(REPO, base), "utf8")}\n${b.body}\n` : `${b.body}\n`;
  // Beside the stream it extends, so its tables' paths mean the same; a name of its own, so no `.test.stream` is picked up.
  const file = base !== undefined ? path.join(dir, path.dirname(base), `example-${b.line}.stream`) : path.join(dir, `example-${b.line}.stream`);
  fs.writeFileSync(file, text);
  const shown = b.gives ? shownDiagnostics(b.gives.body) : [];
  if (shown.length) {
    // Positions count in the block as shown; a `with=` block is not a diagnostic example.
    if (base !== undefined) return "a diagnostic example stands alone (no with=)";
    const got = await diagnosticsOf(b, text, file, dir);
    // Exactly those: the same codes at the same lines and columns (one shown without its
    // `-->` line by its code alone).
    const compared = shown.every((s) => s.includes(" ")) ? got : got.map((g) => g.split(" ")[0]!).sort();
    return JSON.stringify(compared) === JSON.stringify(shown) ? undefined : `shows ${shown.join(", ")}; ${b.gives!.between} ${got.join(", ") || "nothing"}`;
  }
  const r = await interpret(["check", "--json", file], { cwd: dir });
  const doc = JSON.parse(r.stdout) as { diagnostics: Diag[] };
  if (doc.diagnostics.length) return `does not compile clean:\n${r.stderr}`;
  if (/^\s*test\s+"/m.test(b.body)) {
    const t = await interpret(["test", file], { cwd: dir });
    if (t.code !== 0) return `its tests fail (exit ${t.code}):\n${t.stdout}${t.stderr}`;
  }
  return undefined;
}

/** The executable as installed (`bin` is dist/src/cli/main.js, built from this file), run from its source. */
function realInterpret(argv: ReadonlyArray<string>, cwd: string): { code: number; stdout: string; stderr: string } {
  // tsx by its path: the command runs in a temp folder, where no node_modules has it.
  const tsx = pathToFileURL(path.join(REPO, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, path.join(REPO, "src", "cli", "main.ts"), ...argv], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function isJson(lines: ReadonlyArray<string>): boolean {
  try {
    JSON.parse(lines.join("\n"));
    return true;
  } catch {
    return false;
  }
}

/** Output shown as JSON is compared as data: the page lays it out for reading. */
function jsonDiffers(shows: ReadonlyArray<string>, stdout: string): string | undefined {
  let got: unknown;
  try {
    got = JSON.parse(stdout);
  } catch {
    return `the page shows JSON; printed:\n${stdout}`;
  }
  const want: unknown = JSON.parse(shows.join("\n"));
  return JSON.stringify(got) === JSON.stringify(want) ? undefined : `printed\n${JSON.stringify(got)}\nthe page shows\n${JSON.stringify(want)}`;
}

/** A ```console block: each command exits as the page says and prints what it shows. */
async function checkConsole(b: Block, dir: string, real: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const c of commands(b)) {
    const r = real ? realInterpret(c.argv, dir) : await interpret(c.argv, { cwd: dir });
    const at = `${b.page}:${c.line}: interpret ${c.argv.join(" ")}`;
    if (r.code !== c.exit) problems.push(`${at}: exit ${r.code}, the page says ${c.exit}\n${r.stdout}${r.stderr}`);
    const shows = [...c.shows];
    while (shows.length && shows[shows.length - 1]!.trim() === "") shows.pop();
    const d = shows.length ? (isJson(shows) ? jsonDiffers(shows, r.stdout) : differs(shows, r.stdout + r.stderr)) : undefined;
    if (d) problems.push(`${at}: ${d}`);
  }
  return problems;
}

/** A ```ts block with a ```text after it: run as written (importing this repository for "peppa-stream"). */
function checkTs(b: Block): string | undefined {
  if (!b.gives) return "a ```ts example is followed by the ```text it prints (or tagged `sketch`)";
  const dir = fs.mkdtempSync(path.join(REPO, ".peppa-tmp-docs-"));
  try {
    const file = path.join(dir, "example.ts");
    fs.writeFileSync(file, b.body.replace(/from "peppa-stream"/g, `from ${JSON.stringify(path.join(REPO, "src/index.ts"))}`));
    const r = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0 || r.stderr !== "") return `exit ${r.status}:\n${r.stderr}`;
    return r.stdout.trimEnd() === b.gives.body ? undefined : `prints\n${r.stdout}\nthe page shows\n${b.gives.body}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const page of PAGES) {
  test(`${page}: every example compiles and prints what the page shows`, async () => {
    const dir = workspace();
    const problems: string[] = [];
    try {
      const all = blocks(page);
      const givens = new Set(all.flatMap((b) => (b.gives ? [b.gives] : [])));
      // Streams a console example of the page names (```stream file=NAME), written before any command runs.
      for (const b of all) {
        const name = b.attrs["file"];
        if (b.lang === "stream" && typeof name === "string") fs.writeFileSync(path.join(dir, name), `${b.body}\n`);
      }
      for (const b of all) {
        if (givens.has(b)) continue;
        const sketch = b.attrs["sketch"] === true;
        const say = (p: string | undefined): void => void (p && problems.push(`${where(b)}: ${p}`));
        if (b.lang === "stream" && b.attrs["file"] !== undefined) {
          // A file the page's commands use (written above): what they print is its check.
          continue;
        } else if (b.lang === "stream") {
          if (sketch) say("a ```stream example is never a sketch: it compiles, or shows its diagnostics");
          else say(await checkStream(b, dir));
        } else if (b.lang === "console") {
          problems.push(...(await checkConsole(b, dir, page === "README.md")));
        } else if (b.lang === "ts" && !sketch) {
          say(checkTs(b));
        } else if (b.lang === "json" && !sketch) {
          try {
            JSON.parse(b.body);
          } catch (e) {
            say(`not JSON (tag an abbreviated one \`sketch\`): ${(e as Error).message}`);
          }
        } else if (b.lang === "") {
          const first = b.body.split("\n").find((l) => l.trim() !== "") ?? "";
          if (first.startsWith("$ ")) say("commands with their output are a ```console block");
          else if (STREAM_KEYWORDS.test(first)) say("a stream is a ```stream block (checked), not an untagged one");
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(problems, [], problems.join("\n\n"));
  });
}

/** The rows of the Markdown table under `heading` in README.md: each row's first cell. */
function firstCells(heading: string): string[] {
  const doc = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const rows = doc.slice(doc.indexOf(heading)).split("\n").filter((l) => l.startsWith("| ")).slice(1);
  return rows.map((r) => r.slice(2).split(" | ")[0]!);
}

test("README's tables name every command and every run option that `interpret --help` lists, and no other", async () => {
  const run = await interpret(["run", "--help"]);
  const helpOptions = [...run.stdout.matchAll(/^ {2}(?:-\w, | {4})(--[a-z-]+(?: [A-Z=]+)?)/gm)].map((m) => m[1]!).filter((o) => o !== "--help");
  const readmeOptions = firstCells("| run option |").map((c) => c.replace(/`/g, ""));
  assert.equal(readmeOptions, helpOptions);
  const help = await interpret(["--help"]);
  const usage = help.stdout.slice(help.stdout.indexOf("usage:"), help.stdout.indexOf("\n\n", help.stdout.indexOf("usage:")));
  const helpCommands = new Set([...usage.matchAll(/^ {2}interpret ((?:cluster |state )?[a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== "help"));
  const readme = firstCells("| command |").join(" ");
  for (const c of helpCommands) {
    const [word, sub] = c.split(" ");
    const named = sub === undefined ? readme.includes(`interpret ${word}`) : new RegExp(`interpret ${word} [^\`]*\\b${sub}\\b`).test(readme);
    assert.ok(named, `README's command table does not name \`interpret ${c}\``);
  }
});

test.run();
