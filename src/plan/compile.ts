// Text -> plan: parse, check, lower. All diagnostics of the file in one pass.
import { parse } from "../syntax/parse.js";
import { check } from "../check/check.js";
import type { CheckedStream } from "../check/checked.js";
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { builtins, type FunctionDef } from "../values/functions/registry.js";
import { hostFunctionDefs, type HostFunction } from "./host-functions.js";
import { lower } from "./lower.js";
import type { Plan } from "./plan.js";

export interface CompileOptions {
  readonly filename?: string;
  readonly functions?: Readonly<Record<string, HostFunction>>;
}

export interface CompileOutcome {
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  readonly checked?: CheckedStream;
  /** Present when there are no errors. */
  readonly plan?: Plan;
}

export function compileStream(text: string, options: CompileOptions = {}): CompileOutcome {
  const filename = options.filename ?? "stream.stream";
  const { ast, diagnostics: syntax } = parse(text, filename);
  const functions = new Map<string, FunctionDef>(builtins);
  const host = hostFunctionDefs(options.functions ?? {}, new Set(builtins.keys()));
  // A host function is not in the file, so its diagnostic points at no span.
  const hostErrors: Diagnostic[] = host.errors.map((message) => ({ severity: "error", code: "E1016", message, file: filename, labels: [], notes: [] }));
  for (const d of host.defs) functions.set(d.name, d);
  let checkDiagnostics: ReadonlyArray<Diagnostic>;
  let checked: CheckedStream | undefined;
  try {
    const r = check(ast, text, functions);
    checked = r.checked;
    checkDiagnostics = r.diagnostics;
  } catch (error) {
    // A check that crashes is a defect of ours; the user gets a diagnostic, not a stack trace.
    checkDiagnostics = [diagnostic(filename, "E1999", `internal error in the checker: ${error instanceof Error ? error.message : String(error)}`, ast.span)];
  }
  const diagnostics = sortDiagnostics([...syntax, ...hostErrors, ...checkDiagnostics]);
  if (hasErrors(diagnostics) || !checked) return { diagnostics, ...(checked ? { checked } : {}) };
  try {
    return { diagnostics, checked, plan: lower(checked, diagnostics) };
  } catch (error) {
    return { diagnostics: [...diagnostics, diagnostic(filename, "E1999", `internal error in the planner: ${error instanceof Error ? error.message : String(error)}`, ast.span)], checked };
  }
}
