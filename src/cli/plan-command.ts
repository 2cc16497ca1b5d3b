// `interpret plan FILE [--json]`: the execution plan in plan order, each step
// with its inputs, what it does, and the schema and destination of each output
// port. Exit 0, 1 when the stream has errors, 2 for bad usage or an unreadable file.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { compileStream } from "../plan/compile.js";
import { describePlan, formatPlan } from "../plan/describe.js";
import type { Plan } from "../plan/plan.js";
import { countSummary, formatDiagnostics } from "../diagnostics/render.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";

const USAGE = "usage: interpret plan FILE.stream [--json]";

/** A path as the user sees it: relative to the working folder when inside it. */
const shown = (cwd: string, abs: string): string => {
  const rel = path.relative(cwd, abs);
  return (rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel).split(path.sep).join("/");
};

/**
 * Reads and compiles a stream for a command that shows it. Diagnostics go to
 * standard error: errors give exit 1, warnings are shown and the plan is returned.
 */
export async function loadPlan(file: string, io: CliIO): Promise<{ ok: true; plan: Plan } | { ok: false; exit: number }> {
  const abs = path.resolve(io.cwd, file);
  const display = shown(io.cwd, abs);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : error instanceof Error ? error.message : String(error);
    io.stderr(`cannot read ${display}: ${why}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  const compiled = compileStream(text, { filename: display });
  if (compiled.diagnostics.length) io.stderr(`${formatDiagnostics(compiled.diagnostics, { [display]: text })}\n\n${countSummary(compiled.diagnostics)}\n`);
  if (!compiled.plan) return { ok: false, exit: EXIT.streamErrors };
  return { ok: true, plan: compiled.plan };
}

export const planCommand: Command = async (argv, io) => {
  let json = false;
  const files: string[] = [];
  for (const a of argv) {
    if (a === "--json") json = true;
    else if (a.startsWith("-") && a !== "-") {
      io.stderr(`unknown option \`${a}\`\n${USAGE}\n`);
      return EXIT.usage;
    } else files.push(a);
  }
  if (files.length !== 1) {
    io.stderr(`${files.length ? "name one stream" : "name the stream to plan"}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const loaded = await loadPlan(files[0]!, io);
  if (!loaded.ok) return loaded.exit;
  const description = describePlan(loaded.plan);
  io.stdout(json ? JSON.stringify(description, null, 2) + "\n" : formatPlan(description));
  return EXIT.ok;
};
