// The embedding API of peppa-stream, and nothing else. A host, the CLI and the
// test runner's CLI use exactly this: compiling, running, formatting, showing a
// plan, drawing a graph and running a stream's tests. What can fail gives an
// fp-ts Either; only `createRunner`, `runner.run` and `runner.finish` throw,
// RunnerError, when a host hands them bad input (a defect of the host).
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { formatDiagnostics as renderAll, countSummary, type RenderOptions } from "./diagnostics/render.js";
import { streamGraph } from "./graph/model.js";
import { renderSvg } from "./graph/svg.js";
import { renderDot, renderMermaid, type Direction } from "./graph/text.js";
import type { CompileOptions } from "./plan/compile.js";
import { compiledPlans as compiled, compilePlan } from "./plan/compiled.js";
import { describePlan as describe, formatPlan, type PlanDescription } from "./plan/describe.js";
import type { Plan } from "./plan/plan.js";
import { RunnerError, prepareRunner as prepare, type Prepared, type Runner, type RunnerOptions, type RunnerTuning } from "./runtime/runner.js";
import { splitStages, type Stage } from "./plan/stages.js";
import { describeValue } from "./values/host-data.js";
import { parse } from "./syntax/parse.js";
import { printStream } from "./syntax/print.js";

export type { Diagnostic, Label, Severity } from "./diagnostics/diagnostic.js";
export type { Plan, SourceStep } from "./plan/plan.js";
export type { PlanDescription } from "./plan/describe.js";
export type { Stage, StageCrossing } from "./plan/stages.js";
export { KEY_FIELD } from "./plan/stages.js";
export type { HostFunction } from "./plan/host-functions.js";
export type { Runner, RunnerOptions, RunnerTuning, RunRequest, Clock, Prepared } from "./runtime/runner.js";
export type { RunResult, JsonRecord } from "./runtime/run.js";
export type { SinkEncoder, SinkText } from "./runtime/ops/types.js";
export type { SourceBatch } from "./runtime/ops/source.js";
export { UNDECLARED_NAMES } from "./runtime/ops/undeclared.js";
export type { RunReport, StepReport, Balance } from "./runtime/report.js";
export type { State, KeyStore, DedupKeys } from "./runtime/state.js";
export type { CompileOptions } from "./plan/compile.js";
export type { Timestamp } from "./values/value.js";
export type { Direction } from "./graph/text.js";
export type { SourceText, TestCase, TestOptions, TestResult, TestFailure, TestStatus, TestSuite } from "./testing/index.js";
export { RunnerError, toTimestamp } from "./runtime/runner.js";
export { StateCodec } from "./runtime/state.js";
export { addBalances, balanceHolds, ZERO_BALANCE } from "./runtime/report.js";
export { collectTests, runTests } from "./testing/index.js";
export { countSummary } from "./diagnostics/render.js";
export type { RenderOptions } from "./diagnostics/render.js";
export { codeDocs, CODES_PAGE } from "./diagnostics/codes.js";
export { hasErrors } from "./diagnostics/diagnostic.js";
export { didYouMean } from "./diagnostics/suggest.js";
export { streamGraph, type StreamGraph, type GraphNode, type GraphEdge, type NodeKind } from "./graph/model.js";
export { reportHtml } from "./report/html.js";
export { decodeReport, SAMPLES_PER_REASON, type InvocationReport } from "./report/report.js";

/** The edge's tuning: step times from the host's clock. */
const EDGE_TUNING: RunnerTuning = { timer: () => performance.now() };

/**
 * Parses, checks and plans a stream: the plan (its warnings in `plan.warnings`),
 * or every diagnostic of the file. Never throws: a text that is not a string or
 * bad options are a Left too.
 */
export function compile(text: string, options: CompileOptions = {}): Either<ReadonlyArray<Diagnostic>, Plan> {
  return compilePlan(text, options);
}

/**
 * The runner over a plan, or every problem with the tables, params or state: what
 * `createRunner` throws, as data. Step times in the report come from the host's
 * clock (`performance.now`); a `tuning` given replaces that default whole (its
 * `timer`, or none: every step time 0, as specs that compare reports want).
 */
export function prepareRunner(plan: Plan, options: RunnerOptions = {}, tuning: RunnerTuning = EDGE_TUNING): Prepared {
  // A plan is made by compile; anything else is a host's mistake, not a plan to trust.
  let known: boolean;
  try {
    known = compiled.has(plan);
  } catch {
    known = false;
  }
  if (!known) return left([`createRunner takes a plan that compile() returned (its \`right\`), got ${describeValue(plan)}`]);
  return prepare(plan, options, tuning);
}

/** A runner over the plan; throws RunnerError listing every problem with the plan, tables, params or state. */
export function createRunner(plan: Plan, options: RunnerOptions = {}, tuning: RunnerTuning = EDGE_TUNING): Runner {
  const prepared = prepareRunner(plan, options, tuning);
  if (isLeft(prepared)) throw new RunnerError(prepared.left);
  return prepared.right;
}

/**
 * Diagnostics as text with source excerpts and carets. `sources` is the stream's
 * text, or the text of each file by name. The count line ends it unless `summary: false`.
 */
export function formatDiagnostics(
  diagnostics: ReadonlyArray<Diagnostic>,
  sources: string | Readonly<Record<string, string>>,
  options: { readonly summary?: boolean } & RenderOptions = {},
): string {
  const map = typeof sources === "string" ? Object.fromEntries(diagnostics.map((d) => [d.file, sources])) : sources;
  const text = renderAll(diagnostics, map, options);
  return options.summary === false ? text : `${text}\n\n${countSummary(diagnostics)}`;
}

/** The canonical formatting of a stream (`interpret fmt`), or its syntax errors. */
export function formatStream(text: string, filename = "stream.stream"): Either<ReadonlyArray<Diagnostic>, string> {
  const { ast, diagnostics } = parse(text, filename);
  const errors = diagnostics.filter((d) => d.severity === "error");
  return errors.length ? left(errors) : right(printStream(ast, text));
}

/** The plan in plan order, each step with its inputs and each port's schema (`interpret plan --json`). */
export const describePlan = (plan: Plan): PlanDescription => describe(plan);

/** The plan as text (`interpret plan`). */
export const planText = (plan: Plan): string => formatPlan(describe(plan));

export const GRAPH_FORMATS = ["svg", "mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** A picture of the stream: SVG laid out in-process, or mermaid or dot text for other tools. */
export function drawGraph(plan: Plan, format: GraphFormat = "svg", direction: Direction = "TB"): string {
  const graph = streamGraph(plan);
  return format === "svg" ? renderSvg(graph, direction) : format === "mermaid" ? renderMermaid(graph, direction) : renderDot(graph, direction);
}

/**
 * The plan cut into cluster stages at each keyed stateful step whose key is not
 * the records' current partitioning (src/plan/stages.ts); each stage's `plan`
 * is one `prepareRunner` accepts.
 */
export function clusterStages(plan: Plan): ReadonlyArray<Stage> {
  const stages = splitStages(plan);
  for (const s of stages) compiled.add(s.plan);
  return stages;
}

/** The stages as `interpret plan` shows them: each with its partitioning key and its steps. */
export function stagesText(plan: Plan): string {
  return splitStages(plan)
    .map((s) => `stage ${s.index} ${s.keyedBy ? `by ${s.key.join(", ")} (from \`${s.keyedBy}\`)` : "by message id"}: ${s.steps.join(", ")}`)
    .join("\n");
}
