// Renders diagnostics as text: `file:line:col`, the source line, a caret
// underline under the span, the code, and notes such as hints. On request in
// colour (ANSI, for a terminal) and with a line linking the code's docs page.
import { codeDocs } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";

export interface RenderOptions {
  /** ANSI colours: the severity, the arrows and gutter, the carets. */
  readonly color?: boolean;
  /** A last line `= see docs/codes.md#e1002` naming the code's page. */
  readonly links?: boolean;
}

type Paint = (text: string) => string;
const ansi = (open: string): Paint => (text) => (text === "" ? "" : `\x1b[${open}m${text}\x1b[0m`);
const plain: Paint = (text) => text;

interface Palette {
  readonly severity: Paint;
  readonly primary: Paint;
  readonly secondary: Paint;
  readonly gutter: Paint;
  readonly bold: Paint;
}

const palette = (color: boolean, severity: Diagnostic["severity"]): Palette =>
  color
    ? {
        severity: ansi(severity === "error" ? "1;31" : "1;33"),
        primary: ansi(severity === "error" ? "1;31" : "1;33"),
        secondary: ansi("1;34"),
        gutter: ansi("1;34"),
        bold: ansi("1"),
      }
    : { severity: plain, primary: plain, secondary: plain, gutter: plain, bold: plain };

export interface SourceMap {
  /** The text of each file a diagnostic may point into. */
  readonly [file: string]: string;
}

function lineAt(text: string, line: number): string {
  const lines = text.split(/\r?\n/);
  return lines[line - 1] ?? "";
}

/** One diagnostic as text. `sources` supplies the file text for the excerpt. */
export function renderDiagnostic(d: Diagnostic, sources: SourceMap, options: RenderOptions = {}): string {
  const p = palette(options.color === true, d.severity);
  const out: string[] = [`${p.severity(`${d.severity}[${d.code}]`)}${p.bold(`: ${d.message}`)}`];
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  const text = Object.hasOwn(sources, d.file) ? sources[d.file] : undefined;
  const gutter = " ".repeat(1 + Math.max(1, ...d.labels.map((l) => String(l.span.line).length)));
  if (primary) {
    out.push(`  ${p.gutter("-->")} ${d.file}:${primary.span.line}:${primary.span.column}`);
    if (text !== undefined) {
      const labels = [...d.labels].sort((a, b) => a.span.start - b.span.start);
      const width = String(Math.max(...labels.map((l) => l.span.line))).length;
      const pad = " ".repeat(width);
      out.push(p.gutter(`${pad} |`));
      // Each source line once, with the marks of every label on it beneath.
      let shown = -1;
      for (const label of labels) {
        const source = lineAt(text, label.span.line).replace(/\t/g, " ");
        const start = label.span.column - 1;
        const spanText = text.slice(label.span.start, label.span.end);
        const firstLine = spanText.split(/\r?\n/)[0] ?? "";
        const length = Math.max(1, Math.min(firstLine.length, source.length - start));
        const paint = label.primary ? p.primary : p.secondary;
        const mark = (label.primary ? "^" : "-").repeat(length);
        if (label.span.line !== shown) out.push(`${p.gutter(`${String(label.span.line).padStart(width)} |`)} ${source}`);
        shown = label.span.line;
        out.push(`${p.gutter(`${pad} |`)} ${" ".repeat(start)}${paint(`${mark}${label.message ? " " + label.message : ""}`)}`);
      }
    }
  } else {
    out.push(`  ${p.gutter("-->")} ${d.file}`);
  }
  for (const note of d.notes) out.push(`${gutter}${p.gutter("=")} ${note}`);
  if (options.links) out.push(`${gutter}${p.gutter("=")} see ${codeDocs(d.code)}`);
  return out.join("\n");
}

/** All diagnostics, separated by blank lines (`countSummary` gives the closing summary line). */
export function formatDiagnostics(diagnostics: ReadonlyArray<Diagnostic>, sources: SourceMap, options: RenderOptions = {}): string {
  const blocks = diagnostics.map((d) => renderDiagnostic(d, sources, options));
  return blocks.join("\n\n");
}

export function countSummary(diagnostics: ReadonlyArray<Diagnostic>): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}
