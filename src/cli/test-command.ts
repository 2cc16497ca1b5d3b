// `interpret test FILE… [--filter TEXT] [--json]`: runs the `test` blocks of a
// stream and of the `NAME.test.stream` beside it, prints one line per test and
// a diff for every failure. Exit 0 when every test passes, 1 when one fails (or
// the stream has errors, or no test ran), 2 for bad usage or an unreadable file.
import { access } from "node:fs/promises";
import path from "node:path";
import { compileStream } from "../plan/compile.js";
import { parse } from "../syntax/parse.js";
import { formatDiagnostics } from "../diagnostics/render.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { checkTestFile, runTests, type TestCase, type TestResult } from "../testing/index.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { readText, shownPath } from "./paths.js";
import { loadTables } from "./load-tables.js";

const USAGE = "usage: interpret test FILE.stream|FILE.test.stream… [--filter TEXT] [--json]";

interface Args {
  readonly files: string[];
  readonly filter?: string;
  readonly json: boolean;
}

function parseArgs(argv: ReadonlyArray<string>): Args | string {
  const files: string[] = [];
  let filter: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a === "--filter") {
      const v = argv[++i];
      if (v === undefined) return "--filter needs a text: --filter \"unknown tenant\"";
      filter = v;
    } else if (a.startsWith("--filter=")) filter = a.slice("--filter=".length);
    else if (a.startsWith("-") && a !== "-") return `unknown option \`${a}\``;
    else files.push(a);
  }
  if (!files.length) return "name the stream to test";
  return { files, json, ...(filter !== undefined ? { filter } : {}) };
}

/** The stream a FILE argument stands for, and its test file when there is one. */
async function locate(cwd: string, file: string): Promise<{ stream: string; tests?: string }> {
  const abs = path.resolve(cwd, file);
  if (abs.endsWith(".test.stream")) return { stream: abs.slice(0, -".test.stream".length) + ".stream", tests: abs };
  const beside = abs.replace(/\.stream$/, "") + ".test.stream";
  const exists = await access(beside).then(() => true, () => false);
  return exists ? { stream: abs, tests: beside } : { stream: abs };
}

interface StreamOutcome {
  readonly exit?: number;
  readonly results: TestResult[];
}

async function testStream(io: CliIO, where: { stream: string; tests?: string }, args: Args): Promise<StreamOutcome> {
  const streamShown = shownPath(io.cwd, where.stream);
  const streamText = await readText(where.stream, streamShown);
  if (!streamText.ok) {
    io.stderr(streamText.message + (where.tests ? ` (the stream that ${shownPath(io.cwd, where.tests)} tests)` : "") + "\n");
    return { exit: EXIT.usage, results: [] };
  }
  const compiled = compileStream(streamText.text, { filename: streamShown });
  const sources: Record<string, string> = { [streamShown]: streamText.text };
  let diagnostics: Diagnostic[] = [...compiled.diagnostics];
  const cases: TestCase[] = (compiled.checked?.tests ?? []).map((decl) => ({ decl, file: streamShown }));
  if (where.tests) {
    const testsShown = shownPath(io.cwd, where.tests);
    const testText = await readText(where.tests, testsShown);
    if (!testText.ok) {
      io.stderr(testText.message + "\n");
      return { exit: EXIT.usage, results: [] };
    }
    sources[testsShown] = testText.text;
    const parsed = parse(testText.text, testsShown);
    diagnostics.push(...parsed.diagnostics);
    if (compiled.checked) diagnostics.push(...checkTestFile(parsed.ast, compiled.checked));
    for (const d of parsed.ast.decls) if (d.kind === "Test") cases.push({ decl: d, file: testsShown });
  }
  diagnostics = sortDiagnostics(diagnostics);
  if (hasErrors(diagnostics) || !compiled.plan) {
    io.stderr(formatDiagnostics(diagnostics, sources) + "\n");
    return { exit: EXIT.streamErrors, results: [] };
  }

  // The same table loading as a run: every unreadable file or row is reported, nothing runs.
  const loaded = await loadTables(compiled.plan, path.dirname(where.stream));
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`${e}\n`);
    return { exit: EXIT.usage, results: [] };
  }
  const tables = loaded.tables;
  return { results: runTests(compiled.plan, cases, { tables, ...(args.filter !== undefined ? { filter: args.filter } : {}) }) };
}

/** A failure's details: where the test stands, then each failing expectation with its diff. */
export function formatFailure(r: TestResult): string {
  const out = [`✗ ${r.title}   (${r.file}:${r.span.line}:${r.span.column})`];
  for (const f of r.failures) {
    out.push(`    ${f.what}  (line ${f.span.line})`);
    for (const line of f.lines) out.push(`      ${line}`);
  }
  return out.join("\n");
}

export const testCommand: Command = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`${args}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const seen = new Set<string>();
  const results: TestResult[] = [];
  let exit: number = EXIT.ok;
  for (const file of args.files) {
    const where = await locate(io.cwd, file);
    if (seen.has(where.stream)) continue;
    seen.add(where.stream);
    const outcome = await testStream(io, where, args);
    if (outcome.exit !== undefined) exit = Math.max(exit, outcome.exit);
    results.push(...outcome.results);
  }
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.length - passed;
  if (args.json) {
    io.stdout(
      JSON.stringify({
        tests: results.map((r) => ({ title: r.title, file: r.file, line: r.span.line, column: r.span.column, status: r.status, ms: Math.round(r.ms), failures: r.failures.map((f) => ({ what: f.what, line: f.span.line, column: f.span.column, lines: f.lines })) })),
        passed,
        failed,
      }) + "\n",
    );
  } else {
    for (const r of results) io.stdout(r.status === "passed" ? `✓ ${r.title} (${Math.round(r.ms)} ms)\n` : `✗ ${r.title}${r.status === "error" ? " (error)" : ""}\n`);
    const failures = results.filter((r) => r.status !== "passed");
    if (failures.length) io.stdout("\n" + failures.map(formatFailure).join("\n\n") + "\n");
    if (exit === EXIT.ok && results.length === 0) {
      io.stdout(args.filter !== undefined ? `no test title contains "${args.filter}"\n` : "no tests found\n");
    }
    if (exit === EXIT.ok || results.length) io.stdout(`\n${passed} passed, ${failed} failed\n`);
  }
  if (exit !== EXIT.ok) return exit;
  return failed || results.length === 0 ? EXIT.streamErrors : EXIT.ok;
};
