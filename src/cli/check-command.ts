// `interpret check FILE…`: diagnostics only. Exit 0 with a one-line summary per
// clean file, 1 with every diagnostic when a file has errors, 2 when a file
// cannot be read.
import { EXIT, type Command } from "./cli-io.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";

const USAGE = "usage: interpret check FILE.stream…";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export const checkCommand: Command = async (argv, io) => {
  const files: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-") && a !== "-") {
      io.stderr(`interpret check: unknown option \`${a}\`\n${USAGE}\n`);
      return EXIT.usage;
    }
    files.push(a);
  }
  if (files.length === 0) {
    io.stderr(`interpret check: name the stream to check\n${USAGE}\n`);
    return EXIT.usage;
  }
  let exit: number = EXIT.ok;
  for (const file of files) {
    const loaded = await loadStream(io.cwd, file);
    if (!loaded.ok) {
      io.stderr(`interpret check: ${loaded.message}\n`);
      exit = Math.max(exit, EXIT.usage);
      continue;
    }
    const warnings = loaded.diagnostics.filter((d) => d.severity === "warning").length;
    if (!loaded.plan) {
      io.stdout(renderDiagnostics(loaded));
      exit = Math.max(exit, EXIT.streamErrors);
      continue;
    }
    if (warnings) io.stdout(renderDiagnostics(loaded) + "\n");
    io.stdout(`${loaded.display}: ok (${plural(loaded.plan.steps.length, "step")}, ${plural(warnings, "warning")})\n`);
  }
  return exit;
};
