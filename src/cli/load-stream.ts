// Reads and compiles a stream file for the commands: the text, the
// diagnostics, and the plan when there are no errors.
import path from "node:path";
import type { Readable } from "node:stream";
import { text as readAll } from "node:stream/consumers";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { countSummary, formatDiagnostics as renderAll } from "../diagnostics/render.js";
// The API's compile, without the rest of the API (the runtime, graph drawing, the report
// page): `interpret check` loads only what it needs (docs/internals.md, "Start-up").
import { compilePlan as compile } from "../plan/compiled.js";
import type { Plan } from "../plan/plan.js";
import { STDIN_FILE, STDIN_NAME, useColor, type CliIO } from "./cli-io.js";
import { readText, shownPath, withoutBom } from "./paths.js";

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

/** A stream file's text: `-` is standard input (shown as `<stdin>`, its folder the working folder). */
export async function readStreamText(cwd: string, file: string, stdin?: Readable): Promise<Either<string, { absolute: string; display: string; text: string }>> {
  if (file === STDIN_FILE && stdin) {
    try {
      return right({ absolute: path.join(cwd, STDIN_NAME), display: STDIN_NAME, text: withoutBom(await readAll(stdin)) });
    } catch (error) {
      return left(`cannot read standard input: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const absolute = path.resolve(cwd, file);
  const display = shownPath(cwd, absolute);
  const read = await readText(absolute, display);
  return isLeft(read) ? read : right({ absolute, display, text: read.right });
}

/** The stream, or the message saying why its file cannot be read. With `stdin`, `-` reads it. */
export async function loadStream(cwd: string, file: string, stdin?: Readable): Promise<Either<string, LoadedStream>> {
  const read = await readStreamText(cwd, file, stdin);
  if (isLeft(read)) return read;
  const { absolute, display } = read.right;
  const text = read.right.text;
  const compiled = compile(text, { filename: display });
  return right(isLeft(compiled) ? { absolute, display, text, diagnostics: compiled.left } : { absolute, display, text, diagnostics: compiled.right.warnings, plan: compiled.right });
}

/** Every diagnostic with its source excerpt and the link to its code's page, then the count line; in colour when `io` says so. */
export function renderDiagnostics(stream: LoadedStream, io: Pick<CliIO, "env" | "isTTY">): string {
  return `${renderAll(stream.diagnostics, { [stream.display]: stream.text }, { color: useColor(io), links: true })}\n\n${countSummary(stream.diagnostics)}\n`;
}
