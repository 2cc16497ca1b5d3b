// Renders diagnostics as text: `file:line:col`, the source line, a caret
// underline under the span, the code, and notes such as hints.
import type { Diagnostic } from "./diagnostic.js";

export interface SourceMap {
  /** The text of each file a diagnostic may point into. */
  readonly [file: string]: string;
}

function lineAt(text: string, line: number): string {
  const lines = text.split(/\r?\n/);
  return lines[line - 1] ?? "";
}

/** One diagnostic as text. `sources` supplies the file text for the excerpt. */
export function renderDiagnostic(d: Diagnostic, sources: SourceMap): string {
  const out: string[] = [`${d.severity}[${d.code}]: ${d.message}`];
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  const text = Object.hasOwn(sources, d.file) ? sources[d.file] : undefined;
  const gutter = " ".repeat(1 + Math.max(1, ...d.labels.map((l) => String(l.span.line).length)));
  if (primary) {
    out.push(`  --> ${d.file}:${primary.span.line}:${primary.span.column}`);
    if (text !== undefined) {
      const labels = [...d.labels].sort((a, b) => a.span.start - b.span.start);
      const width = String(Math.max(...labels.map((l) => l.span.line))).length;
      const pad = " ".repeat(width);
      out.push(`${pad} |`);
      // Each source line once, with the marks of every label on it beneath.
      let shown = -1;
      for (const label of labels) {
        const source = lineAt(text, label.span.line).replace(/\t/g, " ");
        const start = label.span.column - 1;
        const spanText = text.slice(label.span.start, label.span.end);
        const firstLine = spanText.split(/\r?\n/)[0] ?? "";
        const length = Math.max(1, Math.min(firstLine.length, source.length - start));
        const mark = (label.primary ? "^" : "-").repeat(length);
        if (label.span.line !== shown) out.push(`${String(label.span.line).padStart(width)} | ${source}`);
        shown = label.span.line;
        out.push(`${pad} | ${" ".repeat(start)}${mark}${label.message ? " " + label.message : ""}`);
      }
    }
  } else {
    out.push(`  --> ${d.file}`);
  }
  for (const note of d.notes) out.push(`${gutter}= ${note}`);
  return out.join("\n");
}

/** All diagnostics, separated by blank lines (`countSummary` gives the closing summary line). */
export function formatDiagnostics(diagnostics: ReadonlyArray<Diagnostic>, sources: SourceMap): string {
  const blocks = diagnostics.map((d) => renderDiagnostic(d, sources));
  return blocks.join("\n\n");
}

export function countSummary(diagnostics: ReadonlyArray<Diagnostic>): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}
