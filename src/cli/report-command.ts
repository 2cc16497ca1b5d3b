// `interpret report RUN.json [-o FILE]`: the HTML page of a report saved with
// `interpret FILE --json`, the same page `--report FILE` writes at the end of a
// run. `-` reads the report from standard input.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { text as streamText } from "node:stream/consumers";
import { isLeft } from "fp-ts/lib/Either.js";
import { decodeReport, reportHtml } from "../index.js";
import { describeError, parseJsonText } from "../io/index.js";
import { stringOption, usageError, withCommand } from "./args.js";
import { EXIT, type Command } from "./cli-io.js";
import { REPORT } from "./commands.js";
import { readText, shownPath } from "./paths.js";

export const reportCommand: Command = (argv, io) =>
  withCommand(REPORT, argv, io, async (parsed) => {
    const files = parsed.positionals;
    if (files.length !== 1) {
      io.stderr(usageError(REPORT, files.length ? "name one report" : "name the report to draw, saved with `interpret FILE.stream --json > RUN.json`"));
      return EXIT.usage;
    }
    const file = files[0]!;
    const shown = file === "-" ? "standard input" : shownPath(io.cwd, path.resolve(io.cwd, file));
    let text: string;
    if (file === "-") text = await streamText(io.stdin);
    else {
      const read = await readText(path.resolve(io.cwd, file), shown);
      if (isLeft(read)) return (io.stderr(`interpret: ${read.left}\n`), EXIT.usage);
      text = read.right;
    }
    let value: unknown;
    try {
      value = parseJsonText(text.replace(/^\uFEFF/, ""));
    } catch (error) {
      io.stderr(`interpret: ${shown} is not JSON (${error instanceof Error ? error.message : String(error)}); save the report with \`interpret FILE.stream --json > RUN.json\`\n`);
      return EXIT.usage;
    }
    const report = decodeReport(value);
    if (isLeft(report)) {
      io.stderr(`interpret: ${shown} is not a report of \`interpret FILE.stream --json\`: ${report.left}\n`);
      return EXIT.usage;
    }
    const html = reportHtml(report.right);
    const output = stringOption(parsed, "output");
    if (output === undefined) {
      io.stdout(html);
      return EXIT.ok;
    }
    const target = path.resolve(io.cwd, output);
    if (file !== "-" && target === path.resolve(io.cwd, file)) {
      io.stderr(usageError(REPORT, `-o ${output} is the report being read; give the page its own file`));
      return EXIT.usage;
    }
    try {
      await writeFile(target, html);
    } catch (error) {
      io.stderr(`interpret: cannot write ${shownPath(io.cwd, target)}: ${describeError(error)}\n`);
      return EXIT.usage;
    }
    return EXIT.ok;
  });
