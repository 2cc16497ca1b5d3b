// `interpret check FILE… [--json]`: diagnostics only. A clean file is one line
// on standard output; diagnostics go to standard error. Exit 0 when every file
// is clean, 1 with every diagnostic when a file has errors, 2 when a file
// cannot be read. `--json` prints one JSON document for CI annotations instead.
// `-` reads a stream from standard input.
import { isLeft } from "fp-ts/lib/Either.js";
import { codeDocs } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { flagOption, usageError, withCommand } from "./args.js";
import { EXIT, STDIN_FILE, type Command } from "./cli-io.js";
import { CHECK } from "./commands.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A place in a file, 1-based; `end` is the position just past the span's last character. */
export interface JsonPosition {
  readonly line: number;
  readonly column: number;
}

export interface JsonDiagnostic {
  readonly file: string;
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly range?: { readonly start: JsonPosition; readonly end: JsonPosition };
  readonly hint?: string;
  readonly notes: ReadonlyArray<string>;
  readonly related: ReadonlyArray<{ readonly message: string; readonly range: { readonly start: JsonPosition; readonly end: JsonPosition } }>;
  readonly docs: string;
}

function positionAt(text: string, offset: number): JsonPosition {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A diagnostic as data for CI: its primary range, its hint, its other labels. */
export function jsonDiagnostic(d: Diagnostic, text: string): JsonDiagnostic {
  const range = (span: { start: number; end: number; line: number; column: number }) => ({
    start: { line: span.line, column: span.column },
    end: positionAt(text, Math.max(span.start, span.end)),
  });
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  const hint = d.notes.find((n) => n.startsWith("hint: "));
  return {
    file: d.file,
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(primary ? { range: range(primary.span) } : {}),
    ...(hint !== undefined ? { hint: hint.slice("hint: ".length) } : {}),
    notes: d.notes.filter((n) => n !== hint),
    related: d.labels.filter((l) => l !== primary).map((l) => ({ message: l.message, range: range(l.span) })),
    docs: codeDocs(d.code),
  };
}

interface FileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly steps?: number;
  readonly errors: number;
  readonly warnings: number;
  /** Why the file could not be read. */
  readonly unreadable?: string;
}

export const checkCommand: Command = (argv, io) =>
  withCommand(CHECK, argv, io, async (parsed) => {
    const files = parsed.positionals;
    const json = flagOption(parsed, "json");
    if (files.length === 0) {
      io.stderr(usageError(CHECK, "name the stream to check"));
      return EXIT.usage;
    }
    if (files.filter((f) => f === STDIN_FILE).length > 1) {
      io.stderr(usageError(CHECK, "standard input (-) can be read once"));
      return EXIT.usage;
    }
    let exit: number = EXIT.ok;
    const results: FileResult[] = [];
    const diagnostics: JsonDiagnostic[] = [];
    for (const file of files) {
      const loaded = await loadStream(io.cwd, file, io.stdin);
      if (isLeft(loaded)) {
        io.stderr(`interpret: ${loaded.left}\n`);
        results.push({ file, ok: false, errors: 0, warnings: 0, unreadable: loaded.left });
        exit = Math.max(exit, EXIT.usage);
        continue;
      }
      const stream = loaded.right;
      const warnings = stream.diagnostics.filter((d) => d.severity === "warning").length;
      const errors = stream.diagnostics.length - warnings;
      diagnostics.push(...stream.diagnostics.map((d) => jsonDiagnostic(d, stream.text)));
      results.push({ file: stream.display, ok: stream.plan !== undefined, ...(stream.plan ? { steps: stream.plan.steps.length } : {}), errors, warnings });
      if (!stream.plan) exit = Math.max(exit, EXIT.streamErrors);
      if (json) continue;
      if (stream.diagnostics.length) io.stderr(renderDiagnostics(stream, io) + (stream.plan ? "\n" : ""));
      if (stream.plan) io.stdout(`${stream.display}: ok (${plural(stream.plan.steps.length, "step")}, ${plural(warnings, "warning")})\n`);
    }
    if (json) io.stdout(JSON.stringify({ files: results, diagnostics }, null, 2) + "\n");
    return exit;
  });
