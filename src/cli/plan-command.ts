// `interpret plan FILE [--json]`: the execution plan in plan order, each step
// with its inputs, what it does, and the schema and destination of each output
// port. Exit 0, 1 when the stream has errors, 2 for bad usage or an unreadable file.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { clusterStages, describePlan, planText, stagesText, type Plan } from "../index.js";
import { flagOption, usageError, withCommand } from "./args.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { PLAN } from "./commands.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";

/**
 * Reads and compiles a stream for a command that shows it. Diagnostics go to
 * standard error: errors give exit 1 (the Left), warnings are shown and the plan is returned.
 */
export async function loadPlan(file: string, io: CliIO): Promise<Either<number, Plan>> {
  const stream = await loadStream(io.cwd, file);
  if (isLeft(stream)) {
    io.stderr(`interpret: ${stream.left}\n`);
    return left(EXIT.usage);
  }
  if (stream.right.diagnostics.length) io.stderr(renderDiagnostics(stream.right, io));
  return stream.right.plan ? right(stream.right.plan) : left(EXIT.streamErrors);
}

export const planCommand: Command = (argv, io) =>
  withCommand(PLAN, argv, io, async (parsed) => {
    const files = parsed.positionals;
    if (files.length !== 1) {
      io.stderr(usageError(PLAN, files.length ? "name one stream" : "name the stream to plan"));
      return EXIT.usage;
    }
    const loaded = await loadPlan(files[0]!, io);
    if (isLeft(loaded)) return loaded.left;
    const plan = loaded.right;
    // The cluster stages (docs/cluster.md): where a keyed step makes records cross between workers.
    const stages = clusterStages(plan).map((s) => ({ stage: s.index, key: s.keyedBy ? s.key : null, keyedBy: s.keyedBy ?? null, steps: s.steps }));
    io.stdout(flagOption(parsed, "json") ? JSON.stringify({ ...describePlan(plan), stages }, null, 2) + "\n" : `${planText(plan)}\ncluster stages:\n${stagesText(plan).replace(/^/gm, "  ")}\n`);
    return EXIT.ok;
  });
