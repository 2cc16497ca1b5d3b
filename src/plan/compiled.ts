// `compile` of the API (src/index.ts), and the plans it made in this process: the
// only ones a runner accepts. Here rather than in index.ts so that `interpret check`
// compiles without loading what else the API imports (the runtime, graph drawing,
// the report page, the test runner): module load is most of a short command's time.
import { left, right, type Either } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { compileStream, type CompileOptions } from "./compile.js";
import { readCompileInput } from "./host-options.js";
import type { Plan } from "./plan.js";

/** Plans made by `compilePlan` (and the stages split from them) in this process. */
export const compiledPlans = new WeakSet<object>();

/** The diagnostic of a bad call, which points into no file. */
const hostDiagnostic = (code: "E1016" | "E3002", message: string, file: string): Diagnostic => ({ severity: "error", code, message, file, labels: [], notes: [] });

/**
 * Parses, checks and plans a stream: the plan (its warnings in `plan.warnings`),
 * or every diagnostic of the file. Never throws: a text that is not a string or
 * bad options are a Left too.
 */
export function compilePlan(text: string, options: CompileOptions = {}): Either<ReadonlyArray<Diagnostic>, Plan> {
  const read = readCompileInput(text, options);
  if (!read.input) {
    return left(read.problems.map((p) => hostDiagnostic(p.function ? "E1016" : "E3002", p.message, "stream.stream")));
  }
  const { filename, functions } = read.input;
  const outcome = compileStream(read.input.text, { filename, functions });
  if (!outcome.plan) return left(outcome.diagnostics);
  compiledPlans.add(outcome.plan);
  return right(outcome.plan);
}
