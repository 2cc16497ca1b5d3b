// `interpret check FILE…`: diagnostics only. Exit 0 with a one-line summary per
// clean file, 1 with every diagnostic when a file has errors, 2 when a file
// cannot be read.
import { isLeft } from "fp-ts/lib/Either.js";
import { usageError, withCommand } from "./args.js";
import { EXIT, type Command } from "./cli-io.js";
import { CHECK } from "./commands.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export const checkCommand: Command = (argv, io) =>
  withCommand(CHECK, argv, io, async ({ positionals: files }) => {
    if (files.length === 0) {
      io.stderr(usageError(CHECK, "name the stream to check"));
      return EXIT.usage;
    }
    let exit: number = EXIT.ok;
    for (const file of files) {
      const loaded = await loadStream(io.cwd, file);
      if (isLeft(loaded)) {
        io.stderr(`interpret: ${loaded.left}\n`);
        exit = Math.max(exit, EXIT.usage);
        continue;
      }
      const stream = loaded.right;
      const warnings = stream.diagnostics.filter((d) => d.severity === "warning").length;
      if (!stream.plan) {
        io.stdout(renderDiagnostics(stream));
        exit = Math.max(exit, EXIT.streamErrors);
        continue;
      }
      if (warnings) io.stdout(renderDiagnostics(stream) + "\n");
      io.stdout(`${stream.display}: ok (${plural(stream.plan.steps.length, "step")}, ${plural(warnings, "warning")})\n`);
    }
    return exit;
  });
