// Diagnostics are data: a stable code, a message, labelled spans and notes.
// Rendering (render.ts) turns them into text with a source excerpt.
import type { Span } from "./span.js";
import { codeInfo, type Code, type Message } from "./codes.js";

export type Severity = "error" | "warning";

export interface Label {
  readonly span: Span;
  readonly message: string;
  readonly primary: boolean;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: Code;
  readonly message: string;
  /** The file the spans point into. */
  readonly file: string;
  readonly labels: ReadonlyArray<Label>;
  /** Extra lines shown after the excerpt, e.g. "hint: did you mean `validate`?". */
  readonly notes: ReadonlyArray<string>;
}

export interface DiagnosticOptions {
  /** Text under the caret. */
  readonly label?: string;
  readonly hint?: string;
  readonly notes?: ReadonlyArray<string>;
  readonly secondary?: ReadonlyArray<{ readonly span: Span; readonly message: string }>;
}

/** Builds a diagnostic from a registry message (see `message` in codes.ts); the severity comes from the code's entry. */
export function diagnostic(file: string, m: Message, span: Span, options: DiagnosticOptions = {}): Diagnostic {
  const notes = [...(options.notes ?? [])];
  if (options.hint !== undefined) notes.push(`hint: ${options.hint}`);
  return {
    severity: codeInfo(m.code).severity,
    code: m.code,
    message: m.text,
    file,
    labels: [
      { span, message: options.label ?? "", primary: true },
      ...(options.secondary ?? []).map((s) => ({ span: s.span, message: s.message, primary: false })),
    ],
    notes,
  };
}

export const hasErrors = (diagnostics: ReadonlyArray<Diagnostic>): boolean =>
  diagnostics.some((d) => d.severity === "error");

export const primarySpan = (d: Diagnostic): Span | undefined => d.labels.find((l) => l.primary)?.span;

/** Orders diagnostics by file and position, so output is stable. */
export function sortDiagnostics(diagnostics: ReadonlyArray<Diagnostic>): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    const sa = primarySpan(a)?.start ?? 0;
    const sb = primarySpan(b)?.start ?? 0;
    return sa - sb || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  });
}
