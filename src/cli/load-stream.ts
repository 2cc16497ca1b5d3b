// Reads and compiles a stream file for `check` and `run`: the text, the
// diagnostics, and the plan when there are no errors.
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { countSummary, formatDiagnostics } from "../diagnostics/render.js";
import { compileStream } from "../plan/compile.js";
import type { Plan } from "../plan/plan.js";
import { readText, shownPath } from "./paths.js";

export interface LoadedStream {
  readonly ok: true;
  readonly absolute: string;
  /** The file as shown in messages (relative to the working folder). */
  readonly display: string;
  readonly text: string;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** Present when the stream has no errors. */
  readonly plan?: Plan;
}

export type LoadResult = LoadedStream | { readonly ok: false; readonly message: string };

export async function loadStream(cwd: string, file: string): Promise<LoadResult> {
  const absolute = path.resolve(cwd, file);
  const display = shownPath(cwd, absolute);
  const read = await readText(absolute, display);
  if (!read.ok) return read;
  const text = read.text;
  const compiled = compileStream(text, { filename: display });
  return { ok: true, absolute, display, text, diagnostics: compiled.diagnostics, ...(compiled.plan ? { plan: compiled.plan } : {}) };
}

/** Every diagnostic with its source excerpt, then the count line. */
export function renderDiagnostics(stream: LoadedStream): string {
  return `${formatDiagnostics(stream.diagnostics, { [stream.display]: stream.text })}\n\n${countSummary(stream.diagnostics)}\n`;
}
