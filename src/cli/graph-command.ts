// `interpret graph FILE [--format svg|mermaid|dot] [--direction tb|lr] [-o FILE]`:
// a picture of the stream. SVG (the default) is laid out and drawn in-process;
// mermaid and dot are text for other tools. Top to bottom by default: a
// stream of twenty steps fits a screen that way. Exit 0, 1 when the stream has
// errors, 2 for bad usage or a file that cannot be read or written.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { streamGraph } from "../graph/model.js";
import { renderSvg } from "../graph/svg.js";
import { renderDot, renderMermaid, type Direction } from "../graph/text.js";
import { loadPlan } from "./plan-command.js";
import { EXIT, type Command } from "./cli-io.js";

const USAGE = "usage: interpret graph FILE.stream [--format svg|mermaid|dot] [--direction tb|lr] [-o FILE]";
const FORMATS = ["svg", "mermaid", "dot"] as const;
type Format = (typeof FORMATS)[number];

interface Args {
  readonly file: string;
  readonly format: Format;
  readonly direction: Direction;
  readonly output?: string;
}

function parseArgs(argv: ReadonlyArray<string>): Args | string {
  const files: string[] = [];
  let format: string = "svg";
  let direction = "tb";
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const [flag, inline] = a.startsWith("--") && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--format" || flag === "-f") {
      const v = value();
      if (v === undefined) return "--format needs a value: svg, mermaid or dot";
      format = v;
    } else if (flag === "--direction") {
      const v = value();
      if (v === undefined) return "--direction needs a value: lr or tb";
      direction = v.toLowerCase();
    } else if (flag === "-o" || flag === "--output") {
      const v = value();
      if (v === undefined) return `${flag} needs a file name`;
      output = v;
    } else if (a.startsWith("-") && a !== "-") return `unknown option \`${a}\``;
    else files.push(a);
  }
  if (!(FORMATS as ReadonlyArray<string>).includes(format)) return `unknown format \`${format}\`: use svg, mermaid or dot`;
  if (direction !== "lr" && direction !== "tb") return `unknown direction \`${direction}\`: use lr (left to right) or tb (top to bottom)`;
  if (files.length !== 1) return files.length ? "name one stream" : "name the stream to draw";
  return { file: files[0]!, format: format as Format, direction: direction.toUpperCase() as Direction, ...(output !== undefined ? { output } : {}) };
}

export const graphCommand: Command = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`${args}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const loaded = await loadPlan(args.file, io);
  if (!loaded.ok) return loaded.exit;
  const graph = streamGraph(loaded.plan);
  const text = args.format === "svg" ? renderSvg(graph, args.direction) : args.format === "mermaid" ? renderMermaid(graph, args.direction) : renderDot(graph, args.direction);
  if (args.output === undefined) {
    io.stdout(text);
    return EXIT.ok;
  }
  try {
    await writeFile(path.resolve(io.cwd, args.output), text);
  } catch (error) {
    io.stderr(`cannot write ${args.output}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
};
