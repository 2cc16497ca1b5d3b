// Reads and compiles a stream file for the commands: the text, the
// diagnostics, and the plan when there are no errors.
import path from "node:path";
import { isLeft, right, type Either } from "fp-ts/lib/Either.js";
import { compile, formatDiagnostics, type Diagnostic, type Plan } from "../index.js";
import { readText, shownPath } from "./paths.js";

export interface LoadedStream {
  readonly absolute: string;
  /** The file as shown in messages (relative to the working folder). */
  readonly display: string;
  readonly text: string;
  /** Every error, or the plan's warnings. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** Present when the stream has no errors. */
  readonly plan?: Plan;
}

/** The stream, or the message saying why its file cannot be read. */
export async function loadStream(cwd: string, file: string): Promise<Either<string, LoadedStream>> {
  const absolute = path.resolve(cwd, file);
  const display = shownPath(cwd, absolute);
  const read = await readText(absolute, display);
  if (isLeft(read)) return read;
  const text = read.right;
  const compiled = compile(text, { filename: display });
  return right(isLeft(compiled) ? { absolute, display, text, diagnostics: compiled.left } : { absolute, display, text, diagnostics: compiled.right.warnings, plan: compiled.right });
}

/** Every diagnostic with its source excerpt, then the count line. */
export function renderDiagnostics(stream: LoadedStream): string {
  return `${formatDiagnostics(stream.diagnostics, { [stream.display]: stream.text })}\n`;
}
