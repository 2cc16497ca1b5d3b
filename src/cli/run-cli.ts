// `interpret`: picks the subcommand and runs it. Pure apart from the CliIO it is
// given, so specs call it in-process; main.ts binds it to the process.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkCommand } from "./check-command.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { fmtCommand } from "./fmt-command.js";
import { graphCommand } from "./graph-command.js";
import { planCommand } from "./plan-command.js";
import { reportCommand } from "./report-command.js";
import { runCommand } from "./run-command.js";
import { testCommand } from "./test-command.js";
import { LSP, overview } from "./commands.js";
import { withCommand } from "./args.js";
import { didYouMean } from "../index.js";

const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  check: checkCommand,
  fmt: fmtCommand,
  plan: planCommand,
  graph: graphCommand,
  test: testCommand,
  report: reportCommand,
  // Loaded on demand: the language server's libraries are not needed to run a stream.
  lsp: (argv, io) => withCommand(LSP, argv, io, async () => (await import("../lsp/server.js")).lspCommand(argv, io)),
};

/** The package's version, from the package.json above this file (in src/ or dist/src/). */
export function version(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "peppa-stream") return pkg.version ?? "unknown";
    } catch {
      // not here; look further up
    }
    dir = path.dirname(dir);
  }
  return "unknown";
}

export async function runCli(argv: ReadonlyArray<string>, io: CliIO): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      io.stderr(`interpret: name a stream to run, e.g. interpret streams/peppa.stream\n\n${overview()}`);
      return EXIT.usage;
    }
    if (first === "--help" || first === "-h" || first === "help") {
      io.stdout(overview());
      return EXIT.ok;
    }
    if (first === "--version" || first === "-V" || first === "-v") {
      io.stdout(`interpret ${version()}\n`);
      return EXIT.ok;
    }
    const command = COMMANDS[first];
    if (command) return await command(rest, io);
    // `interpret FILE.stream …` runs it; a bare word that is not a file is an unknown command.
    if (first.startsWith("-")) return await runCommand(argv, io);
    if (!first.includes(".") && !first.includes("/") && !first.includes(path.sep) && !fs.existsSync(path.resolve(io.cwd, first))) {
      const hint = didYouMean(first, [...Object.keys(COMMANDS), "help"]);
      io.stderr(`interpret: unknown command \`${first}\`${hint ? ` (${hint})` : ""}; commands: ${Object.keys(COMMANDS).join(", ")}, help\n\n${overview()}`);
      return EXIT.usage;
    }
    return await runCommand(argv, io);
  } catch (error) {
    io.stderr(`interpret: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.runFailed;
  }
}
