// `interpret graph FILE [--format svg|mermaid|dot] [--direction tb|lr] [-o FILE]`:
// a picture of the stream. SVG (the default) is laid out and drawn in-process;
// mermaid and dot are text for other tools. Top to bottom by default: a
// stream of twenty steps fits a screen that way. Exit 0, 1 when the stream has
// errors, 2 for bad usage or a file that cannot be read or written.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { drawGraph, GRAPH_FORMATS, type Direction, type GraphFormat } from "../index.js";
import { describeError } from "../io/index.js";
import { stringOption, usageError, withCommand } from "./args.js";
import { EXIT, type Command } from "./cli-io.js";
import { GRAPH } from "./commands.js";
import { loadPlan } from "./plan-command.js";

export const graphCommand: Command = (argv, io) =>
  withCommand(GRAPH, argv, io, async (parsed) => {
    const usage = (message: string): number => (io.stderr(usageError(GRAPH, message)), EXIT.usage);
    const format = stringOption(parsed, "format") ?? "svg";
    const direction = (stringOption(parsed, "direction") ?? "tb").toLowerCase();
    const output = stringOption(parsed, "output");
    const files = parsed.positionals;
    if (!(GRAPH_FORMATS as ReadonlyArray<string>).includes(format)) return usage(`unknown format \`${format}\`: use svg, mermaid or dot`);
    if (direction !== "lr" && direction !== "tb") return usage(`unknown direction \`${direction}\`: use lr (left to right) or tb (top to bottom)`);
    if (files.length !== 1) return usage(files.length ? "name one stream" : "name the stream to draw");
    const loaded = await loadPlan(files[0]!, io);
    if (isLeft(loaded)) return loaded.left;
    const text = drawGraph(loaded.right, format as GraphFormat, direction.toUpperCase() as Direction);
    if (output === undefined) {
      io.stdout(text);
      return EXIT.ok;
    }
    try {
      await writeFile(path.resolve(io.cwd, output), text);
    } catch (error) {
      io.stderr(`interpret: cannot write ${output}: ${describeError(error)}\n`);
      return EXIT.usage;
    }
    return EXIT.ok;
  });
