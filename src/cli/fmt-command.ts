// `interpret fmt FILE… [--write | --check]`: the canonical formatting of a
// stream. Prints it by default; `--write` rewrites the files that differ;
// `--check` lists them and exits 1 (for CI). A file with syntax errors is not
// formatted (exit 1).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { formatDiagnostics, countSummary } from "../diagnostics/render.js";
import { parse } from "../syntax/parse.js";
import { printStream } from "../syntax/print.js";
import { EXIT, type Command } from "./cli-io.js";
import { readText, shownPath } from "./paths.js";

const USAGE = "usage: interpret fmt FILE.stream… [--write | --check]";

export const fmtCommand: Command = async (argv, io) => {
  let mode: "print" | "write" | "check" = "print";
  const files: string[] = [];
  for (const a of argv) {
    if (a === "--write" || a === "-w") mode = mode === "check" ? "check" : "write";
    else if (a === "--check") mode = "check";
    else if (a.startsWith("-")) {
      io.stderr(`interpret fmt: unknown option \`${a}\`\n${USAGE}\n`);
      return EXIT.usage;
    } else files.push(a);
  }
  if (argv.includes("--write") && argv.includes("--check")) {
    io.stderr(`interpret fmt: give --write or --check, not both\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (files.length === 0) {
    io.stderr(`interpret fmt: name the stream to format\n${USAGE}\n`);
    return EXIT.usage;
  }
  let exit: number = EXIT.ok;
  for (const file of files) {
    const absolute = path.resolve(io.cwd, file);
    const display = shownPath(io.cwd, absolute);
    const read = await readText(absolute, display);
    if (!read.ok) {
      io.stderr(`interpret fmt: ${read.message}\n`);
      exit = Math.max(exit, EXIT.usage);
      continue;
    }
    const text = read.text;
    const { ast, diagnostics } = parse(text, display);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      io.stderr(`${formatDiagnostics(errors, { [display]: text })}\n\n${countSummary(errors)}\n${display}: not formatted (fix the syntax errors first)\n`);
      exit = Math.max(exit, EXIT.streamErrors);
      continue;
    }
    const formatted = printStream(ast, text);
    if (mode === "print") io.stdout(formatted);
    else if (formatted === text) continue;
    else if (mode === "check") {
      io.stdout(`${display}: not formatted\n`);
      exit = Math.max(exit, EXIT.streamErrors);
    } else {
      try {
        await writeFile(absolute, formatted);
        io.stdout(`${display}: formatted\n`);
      } catch (error) {
        io.stderr(`interpret fmt: cannot write ${display}: ${error instanceof Error ? error.message : String(error)}\n`);
        exit = Math.max(exit, EXIT.usage);
      }
    }
  }
  return exit;
};
