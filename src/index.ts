// The embedding API of peppa-stream, and nothing else.
import { left, right, type Either } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { formatDiagnostics as renderAll, countSummary } from "./diagnostics/render.js";
import { compileStream, type CompileOptions } from "./plan/compile.js";
import type { Plan } from "./plan/plan.js";
import { RunnerError, prepareRunner, type Runner, type RunnerOptions } from "./runtime/runner.js";

export type { Diagnostic, Label, Severity } from "./diagnostics/diagnostic.js";
export type { Plan } from "./plan/plan.js";
export type { HostFunction } from "./plan/host-functions.js";
export type { Runner, RunnerOptions, RunRequest, Clock } from "./runtime/runner.js";
export type { RunResult, JsonRecord } from "./runtime/run.js";
export type { RunReport, StepReport, Balance } from "./runtime/report.js";
export type { State } from "./runtime/state.js";
export type { CompileOptions } from "./plan/compile.js";
export { RunnerError } from "./runtime/runner.js";

/** Parses, checks and plans a stream: the plan, or every diagnostic of the file. */
export function compile(text: string, options: CompileOptions = {}): Either<ReadonlyArray<Diagnostic>, Plan> {
  const outcome = compileStream(text, options);
  return outcome.plan ? right(outcome.plan) : left(outcome.diagnostics);
}

/** A runner over the plan; throws RunnerError listing every problem with the tables, params or state. */
export function createRunner(plan: Plan, options: RunnerOptions = {}): Runner {
  // The edge: step times in the report come from the host's clock.
  const prepared = prepareRunner(plan, options, { timer: () => performance.now() });
  if (!prepared.ok) throw new RunnerError(prepared.errors);
  return prepared.runner;
}

/**
 * Diagnostics as text with source excerpts and carets. `sources` is the stream's
 * text, or the text of each file by name.
 */
export function formatDiagnostics(diagnostics: ReadonlyArray<Diagnostic>, sources: string | Readonly<Record<string, string>>): string {
  const map = typeof sources === "string" ? Object.fromEntries(diagnostics.map((d) => [d.file, sources])) : sources;
  return `${renderAll(diagnostics, map)}\n\n${countSummary(diagnostics)}`;
}
