// Runs a stream's `test` blocks (docs/language.md section 9, "Tests") against its plan. Pure:
// the tables come in as rows, the results go out as data; the CLI prints them.
//
// Each test starts from empty state. Without `run` blocks a test is one run;
// with them, each block is one run in order, with state carried over. `now` and
// `given` outside `run` blocks are the defaults of every run; a block's own
// replace them. Every source the test does not give is empty (simulate sources
// too). The last run of a test is final: every open session is flushed, as at
// the end of an invocation without `--state`.
import { isLeft } from "fp-ts/lib/Either.js";
import type * as A from "../syntax/ast.js";
import { MAIN, portKey } from "../model/ports.js";
import type { Plan } from "../plan/plan.js";
import { prepareRunner, toTimestamp, type RunnerOptions } from "../runtime/runner.js";
import type { RunResult } from "../runtime/run.js";
import type { SourceBatch } from "../runtime/ops/source.js";
import { compareCount, compareRecords } from "./compare.js";
import { literalToRaw, recordList } from "./literal.js";
import { dict } from "../model/dict.js";

/** The run clock of a test that writes no `now`. */
export const DEFAULT_TEST_NOW = "1970-01-01T00:00:00Z";

export interface TestCase {
  readonly decl: A.TestDecl;
  /** The file the test stands in (for its location). */
  readonly file: string;
}

export interface TestFailure {
  /** `expect billing`, `run 2: expect audit`, or `error`. */
  readonly what: string;
  readonly span: A.Span;
  readonly lines: ReadonlyArray<string>;
}

export type TestStatus = "passed" | "failed" | "error";

export interface TestResult {
  readonly title: string;
  readonly file: string;
  readonly span: A.Span;
  readonly status: TestStatus;
  readonly ms: number;
  readonly failures: ReadonlyArray<TestFailure>;
}

export interface TestOptions {
  /** Every table's rows, as the CLI or a host loads them (see `prepareRunner`). */
  readonly tables?: RunnerOptions["tables"];
  readonly params?: RunnerOptions["params"];
  /** Runs only the tests whose title contains this text (ignoring case). */
  readonly filter?: string;
  /** Milliseconds for the timing of each test; default `performance.now`. */
  readonly clock?: () => number;
}

interface Expectation {
  readonly stmt: A.TestExpect;
  readonly records?: ReadonlyArray<A.RecordLit>;
  readonly count?: number;
}

interface Scope {
  now?: string;
  readonly sources: Map<string, unknown[]>;
  readonly expects: Expectation[];
}

interface Shape {
  readonly tables: Map<string, unknown[]>;
  readonly top: Scope;
  readonly runs: ReadonlyArray<{ readonly stmt: A.TestRun; readonly scope: Scope }>;
}

type Problem = { readonly message: string; readonly span: A.Span };

export const testMatches = (title: string, filter: string | undefined): boolean =>
  filter === undefined || title.toLowerCase().includes(filter.toLowerCase());

export function runTests(plan: Plan, cases: ReadonlyArray<TestCase>, options: TestOptions = {}): TestResult[] {
  const clock = options.clock ?? (() => performance.now());
  return cases.filter((c) => testMatches(c.decl.title.value, options.filter)).map((c) => {
    const started = clock();
    const failures = runOne(plan, c.decl, options);
    const error = failures.some((f) => f.what === "error");
    return {
      title: c.decl.title.value,
      file: c.file,
      span: c.decl.span,
      status: error ? "error" : failures.length ? "failed" : "passed",
      ms: clock() - started,
      failures,
    };
  });
}

function shapeOf(plan: Plan, decl: A.TestDecl, problems: Problem[]): Shape {
  const sources = new Set(plan.steps.filter((s) => s.kind === "source").map((s) => s.name));
  const tableNames = new Set(plan.tables.map((t) => t.name));
  const tables = new Map<string, unknown[]>();
  const newScope = (): Scope => ({ sources: new Map(), expects: [] });

  const fill = (scope: Scope, body: ReadonlyArray<A.TestStmt>, inRun: boolean, runs: { stmt: A.TestRun; scope: Scope }[]): void => {
    let now: A.TestNow | undefined;
    for (const stmt of body) {
      switch (stmt.kind) {
        case "TestNow":
          if (now) problems.push({ message: "`now` is written twice here; one clock per run", span: stmt.span });
          now = stmt;
          if (!toTimestamp(stmt.value.value)) problems.push({ message: `\`now\` takes an ISO-8601 timestamp such as "2026-11-20T12:00:00Z", not ${JSON.stringify(stmt.value.value)}`, span: stmt.value.span });
          else scope.now = stmt.value.value;
          break;
        case "TestGiven": {
          const name = stmt.target.name;
          const list = recordList(stmt.records, `\`given ${name}\``);
          if (isLeft(list)) {
            problems.push(list.left);
            break;
          }
          // recordList has checked every literal, so each is a Right.
          const raw = list.right.map((r) => (literalToRaw(r) as { right: unknown }).right);
          if (sources.has(name)) {
            if (scope.sources.has(name)) problems.push({ message: `\`${name}\` is given twice here; write all its records in one \`given\``, span: stmt.span });
            scope.sources.set(name, raw);
          } else if (tableNames.has(name)) {
            if (inRun) problems.push({ message: `table \`${name}\` is given for the whole test; move \`given ${name}\` out of the \`run\` block`, span: stmt.span });
            else if (tables.has(name)) problems.push({ message: `table \`${name}\` is given twice`, span: stmt.span });
            tables.set(name, raw);
          }
          break;
        }
        case "TestExpect": {
          const what = `\`expect ${printTarget(stmt.target)}\``;
          if (stmt.count) {
            const n = stmt.count;
            if (n.kind !== "IntLit") problems.push({ message: `${what} count takes a whole number`, span: n.span });
            else scope.expects.push({ stmt, count: Number(n.value) });
          } else if (stmt.records) {
            const list = recordList(stmt.records, what);
            if (isLeft(list)) problems.push(list.left);
            else scope.expects.push({ stmt, records: list.right });
          }
          break;
        }
        case "TestRun":
          if (inRun) {
            problems.push({ message: "`run` blocks do not nest", span: stmt.span });
            break;
          }
          const runScope = newScope();
          fill(runScope, stmt.body, true, runs);
          runs.push({ stmt, scope: runScope });
          break;
      }
    }
  };
  const top = newScope();
  const runs: { stmt: A.TestRun; scope: Scope }[] = [];
  fill(top, decl.body, false, runs);
  return { tables, top, runs };
}

const printTarget = (t: A.InputRef): string => (t.port ? `${t.name.name}.${t.port.name}` : t.name.name);

function recordsOf(plan: Plan, result: RunResult, target: A.InputRef): ReadonlyArray<unknown> {
  const name = target.name.name;
  const port = target.port?.name;
  if (!port && name === "rejects") return result.rejects;
  if (!port && name === "audit") return result.audit;
  const step = plan.steps.find((s) => s.name === name);
  if (step?.kind === "sink") return result.outputs[name] ?? [];
  return result.ports?.[portKey(name, port ?? MAIN)] ?? [];
}

function judge(e: Expectation, actual: ReadonlyArray<unknown>, prefix: string): TestFailure | undefined {
  const lines = e.records ? compareRecords(e.records, actual) : compareCount(e.count ?? 0, actual);
  return lines.length ? { what: `${prefix}expect ${printTarget(e.stmt.target)}${e.count !== undefined ? ` count ${e.count}` : ""}`, span: e.stmt.span, lines } : undefined;
}

function runOne(plan: Plan, decl: A.TestDecl, options: TestOptions): TestFailure[] {
  const problems: Problem[] = [];
  const shape = shapeOf(plan, decl, problems);
  const expectCount = shape.top.expects.length + shape.runs.reduce((n, r) => n + r.scope.expects.length, 0);
  if (expectCount === 0 && problems.length === 0) {
    problems.push({ message: "this test expects nothing, so it can never fail; add an `expect`", span: decl.title.span });
  }
  if (problems.length) return problems.map((p) => ({ what: "error", span: p.span, lines: [p.message] }));

  const tables = { ...(options.tables ?? {}), ...Object.fromEntries(shape.tables) };
  const prepared = prepareRunner(plan, { tables, ...(options.params ? { params: options.params } : {}) });
  if (isLeft(prepared)) return [{ what: "error", span: decl.title.span, lines: [...prepared.left] }];
  const runner = prepared.right;

  const runs: ReadonlyArray<Scope> = shape.runs.length ? shape.runs.map((r) => r.scope) : [{ sources: new Map(), expects: [] }];
  const failures: TestFailure[] = [];
  const all: RunResult[] = [];
  try {
    runs.forEach((scope, i) => {
      const sources = dict<SourceBatch>();
      for (const s of plan.steps) {
        if (s.kind !== "source") continue;
        sources[s.name] = { records: scope.sources.get(s.name) ?? shape.top.sources.get(s.name) ?? [] };
      }
      const now = scope.now ?? shape.top.now ?? DEFAULT_TEST_NOW;
      const result = runner.run({ sources, now, final: i === runs.length - 1, capture: true });
      all.push(result);
      const prefix = shape.runs.length ? `run ${i + 1}: ` : "";
      for (const e of scope.expects) {
        const f = judge(e, recordsOf(plan, result, e.stmt.target), prefix);
        if (f) failures.push(f);
      }
    });
  } catch (error) {
    return [...failures, { what: "error", span: decl.title.span, lines: [`the run failed: ${error instanceof Error ? error.message : String(error)}`] }];
  }
  if (shape.runs.length) {
    // Outside `run` blocks, an expectation looks at every run of the test together, in order.
    for (const e of shape.top.expects) {
      const f = judge(e, all.flatMap((r) => recordsOf(plan, r, e.stmt.target)), "all runs: ");
      if (f) failures.push(f);
    }
  } else {
    for (const e of shape.top.expects) {
      const f = judge(e, recordsOf(plan, all[0]!, e.stmt.target), "");
      if (f) failures.push(f);
    }
  }
  return failures;
}
