// Text -> plan: parse, check, lower. All diagnostics of the file in one pass.
import { parse } from "../syntax/parse.js";
import { check } from "../check/check.js";
import type { CheckedStream } from "../check/checked.js";
import { diagnostic, hasErrors, primarySpan, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message } from "../diagnostics/codes.js";
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
  const hostErrors: Diagnostic[] = host.errors.map((m) => ({ severity: "error", code: m.code, message: m.text, file: filename, labels: [], notes: [] }));
  for (const d of host.defs) functions.set(d.name, d);
  let checkDiagnostics: ReadonlyArray<Diagnostic>;
  let checked: CheckedStream | undefined;
  try {
    const r = check(ast, text, functions, syntax.flatMap((d) => (d.severity === "error" && primarySpan(d) ? [primarySpan(d)!] : [])));
    checked = r.checked;
    checkDiagnostics = r.diagnostics;
  } catch (error) {
    // Each check is isolated at its declaration (CheckContext.isolated); this is the last net, for the checker's own frame.
    checkDiagnostics = [diagnostic(filename, message("E1999.check", { reason: reason(error) }), ast.span)];
  }
  const diagnostics = sortDiagnostics([...syntax, ...hostErrors, ...checkDiagnostics]);
  if (hasErrors(diagnostics) || !checked) return { diagnostics, ...(checked ? { checked } : {}) };
  try {
    return { diagnostics, checked, plan: lower(checked, diagnostics) };
  } catch (error) {
    return { diagnostics: [...diagnostics, diagnostic(filename, message("E1999.plan", { reason: reason(error) }), ast.span)], checked };
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
