// `interpret fmt FILE… [--write | --check]`: the canonical formatting of a
// stream. Prints it by default; `--write` rewrites the files that differ;
// `--check` lists them and exits 1 (for CI). A file with syntax errors is not
// formatted (exit 1).
import { writeFile } from "node:fs/promises";
import { isLeft } from "fp-ts/lib/Either.js";
import { formatDiagnostics, formatStream } from "../index.js";
import { describeError } from "../io/index.js";
import { flagOption, usageError, withCommand } from "./args.js";
import { EXIT, STDIN_FILE, useColor, type Command } from "./cli-io.js";
import { FMT } from "./commands.js";
import { readStreamText } from "./load-stream.js";

export const fmtCommand: Command = (argv, io) =>
  withCommand(FMT, argv, io, async (parsed) => {
    const files = parsed.positionals;
    if (flagOption(parsed, "write") && flagOption(parsed, "check")) {
      io.stderr(usageError(FMT, "give --write or --check, not both"));
      return EXIT.usage;
    }
    if (files.length === 0) {
      io.stderr(usageError(FMT, "name the stream to format"));
      return EXIT.usage;
    }
    const mode = flagOption(parsed, "check") ? "check" : flagOption(parsed, "write") ? "write" : "print";
    if (files.includes(STDIN_FILE) && mode === "write") {
      io.stderr(usageError(FMT, "--write cannot rewrite standard input (-); print it and redirect, or name the file"));
      return EXIT.usage;
    }
    if (files.filter((f) => f === STDIN_FILE).length > 1) {
      io.stderr(usageError(FMT, "standard input (-) can be read once"));
      return EXIT.usage;
    }
    let exit: number = EXIT.ok;
    for (const file of files) {
      const read = await readStreamText(io.cwd, file, io.stdin);
      if (isLeft(read)) {
        io.stderr(`interpret: ${read.left}\n`);
        exit = Math.max(exit, EXIT.usage);
        continue;
      }
      const { absolute, display, text } = read.right;
      const formatted = formatStream(text, display);
      if (isLeft(formatted)) {
        io.stderr(`${formatDiagnostics(formatted.left, { [display]: text }, { color: useColor(io), links: true })}\n${display}: not formatted (fix the syntax errors first)\n`);
        exit = Math.max(exit, EXIT.streamErrors);
        continue;
      }
      if (mode === "print") io.stdout(formatted.right);
      else if (formatted.right === text) continue;
      else if (mode === "check") {
        io.stdout(`${display}: not formatted\n`);
        exit = Math.max(exit, EXIT.streamErrors);
      } else {
        try {
          await writeFile(absolute, formatted.right);
          io.stdout(`${display}: formatted\n`);
        } catch (error) {
          io.stderr(`interpret: cannot write ${display}: ${describeError(error)}\n`);
          exit = Math.max(exit, EXIT.usage);
        }
      }
    }
    return exit;
  });
