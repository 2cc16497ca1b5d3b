// The compiler's diagnostics as LSP diagnostics: the primary label's exact
// range, the code, the message with its label and notes (hints), the other
// labels as related locations, and the quick fixes in `data`.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver";
import { primarySpan, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Analysis, FileIndex } from "./analysis.js";
import { fixesFor, type Fix } from "./code-actions.js";
import { documentOf, rangeOf } from "./positions.js";

export interface FixData {
  readonly fixes: ReadonlyArray<Fix>;
}

export function toLspDiagnostics(file: FileIndex, analysis: Analysis): LspDiagnostic[] {
  const doc = documentOf(file.uri, file.text);
  return file.diagnostics.map((d) => toLsp(d, file, analysis, doc));
}

function toLsp(d: Diagnostic, file: FileIndex, analysis: Analysis, doc: ReturnType<typeof documentOf>): LspDiagnostic {
  const span = primarySpan(d) ?? { start: 0, end: 0 };
  const label = d.labels.find((l) => l.primary)?.message;
  const message = [d.message, ...(label ? [label] : []), ...d.notes].join("\n");
  const related = d.labels
    .filter((l) => !l.primary)
    .map((l) => ({ location: { uri: file.uri, range: rangeOf(doc, l.span) }, message: l.message || d.message }));
  const data: FixData = { fixes: fixesFor(d, file, analysis) };
  return {
    range: rangeOf(doc, span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "peppa-stream",
    message,
    ...(related.length ? { relatedInformation: related } : {}),
    data,
  };
}
