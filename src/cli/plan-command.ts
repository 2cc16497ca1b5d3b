// `interpret plan FILE [--json]`: the execution plan in plan order, each step
// with its inputs, what it does, and the schema and destination of each output
// port. Exit 0, 1 when the stream has errors, 2 for bad usage or an unreadable file.
import { describePlan, formatPlan } from "../plan/describe.js";
import type { Plan } from "../plan/plan.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";

const USAGE = "usage: interpret plan FILE.stream [--json]";

/**
 * Reads and compiles a stream for a command that shows it. Diagnostics go to
 * standard error: errors give exit 1, warnings are shown and the plan is returned.
 */
export async function loadPlan(file: string, io: CliIO): Promise<{ ok: true; plan: Plan } | { ok: false; exit: number }> {
  const stream = await loadStream(io.cwd, file);
  if (!stream.ok) {
    io.stderr(`${stream.message}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  if (stream.diagnostics.length) io.stderr(renderDiagnostics(stream));
  return stream.plan ? { ok: true, plan: stream.plan } : { ok: false, exit: EXIT.streamErrors };
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
