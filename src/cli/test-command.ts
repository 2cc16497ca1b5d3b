// `interpret test FILE… [--filter TEXT] [--json]`: runs the `test` blocks of a
// stream and of the `NAME.test.stream` beside it, prints one line per test and
// a diff for every failure. Exit 0 when every test passes, 1 when one fails (or
// the stream has errors, or no test ran), 2 for bad usage or an unreadable file.
import { access } from "node:fs/promises";
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { collectTests, formatDiagnostics, hasErrors, runTests, type TestResult } from "../index.js";
import { flagOption, stringOption, usageError, withCommand } from "./args.js";
import { EXIT, useColor, type CliIO, type Command } from "./cli-io.js";
import { TEST } from "./commands.js";
import { readText, shownPath } from "./paths.js";
import { loadTables } from "./load-tables.js";

interface Args {
  readonly files: ReadonlyArray<string>;
  readonly filter?: string;
  readonly json: boolean;
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
  if (isLeft(streamText)) {
    io.stderr(`interpret: ${streamText.left}${where.tests ? ` (the stream that ${shownPath(io.cwd, where.tests)} tests)` : ""}\n`);
    return { exit: EXIT.usage, results: [] };
  }
  const sources: Record<string, string> = { [streamShown]: streamText.right };
  let testFile: { text: string; file: string } | undefined;
  if (where.tests) {
    const testsShown = shownPath(io.cwd, where.tests);
    const testText = await readText(where.tests, testsShown);
    if (isLeft(testText)) {
      io.stderr(`interpret: ${testText.left}\n`);
      return { exit: EXIT.usage, results: [] };
    }
    sources[testsShown] = testText.right;
    testFile = { text: testText.right, file: testsShown };
  }
  const suite = collectTests({ text: streamText.right, file: streamShown }, testFile);
  if (hasErrors(suite.diagnostics) || !suite.plan) {
    io.stderr(formatDiagnostics(suite.diagnostics, sources, { summary: false, color: useColor(io), links: true }) + "\n");
    return { exit: EXIT.streamErrors, results: [] };
  }

  // The same table loading as a run: every unreadable file or row is reported, nothing runs.
  const loaded = await loadTables(suite.plan, path.dirname(where.stream));
  if (isLeft(loaded)) {
    for (const e of loaded.left) io.stderr(`interpret: ${e}\n`);
    return { exit: EXIT.usage, results: [] };
  }
  return { results: runTests(suite.plan, suite.cases, { tables: loaded.right, ...(args.filter !== undefined ? { filter: args.filter } : {}) }) };
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

export const testCommand: Command = (argv, io) =>
  withCommand(TEST, argv, io, async (parsed) => {
    if (!parsed.positionals.length) {
      io.stderr(usageError(TEST, "name the stream to test"));
      return EXIT.usage;
    }
    const filter = stringOption(parsed, "filter");
    const args: Args = { files: parsed.positionals, json: flagOption(parsed, "json"), ...(filter !== undefined ? { filter } : {}) };
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
});
