// A CSV file whose header reads as one column is nearly always a file
// separated by another character than the stream says (`;` exports from a
// spreadsheet, tabs). Before the first run, the first line of each CSV source's
// first file and of each CSV table is looked at, and such a header gets a hint
// naming the `delimiter` to write. Nothing is changed: the run reads as declared.
import fs from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import type { Plan } from "../index.js";
import { shownPath } from "./paths.js";

const CANDIDATES: ReadonlyArray<[string, string]> = [
  [";", '";"'],
  ["\t", '"\\t"'],
  ["|", '"|"'],
  [",", '","'],
];

/** The first line of a file (up to 64 KiB), or undefined when it cannot be read. */
function firstLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    // Asked before opening: opening a pipe and closing it would throw away what the run must read.
    if (!fs.statSync(file).isFile()) return undefined;
    fd = fs.openSync(file, "r");
    const buffer = Buffer.alloc(65536);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The hint for one header, or undefined when it reads as more than one column or no other separator fits. */
export function delimiterHint(header: string, delimiter: string, declared: ReadonlyArray<string>, where: string): string | undefined {
  if (header.includes(delimiter) || header.trim() === "") return undefined;
  for (const [sep, written] of CANDIDATES) {
    if (sep === delimiter) continue;
    const cells = header.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    if (cells.length < 2 || !cells.some((c) => declared.includes(c))) continue;
    const shown = header.length > 60 ? `${header.slice(0, 59)}…` : header;
    const what = delimiter === "," ? "comma-separated (the default)" : `separated by ${JSON.stringify(delimiter)}`;
    return `the header of ${where} reads as one column \`${shown}\`: the stream reads it as ${what}, but it looks separated by ${written}; write \`delimiter ${written}\` after the file's path`;
  }
  return undefined;
}

/** Hints for every CSV source's first file and every CSV table whose header reads as one column. */
export async function csvHeaderHints(plan: Plan, streamDir: string, cwd: string): Promise<string[]> {
  const hints: string[] = [];
  const look = async (pattern: string, delimiter: string | undefined, declared: ReadonlyArray<string>, what: string) => {
    const files = fg.isDynamicPattern(pattern)
      ? (await fg(pattern, { cwd: streamDir, onlyFiles: true, absolute: true }).catch(() => [] as string[])).sort()
      : [path.resolve(streamDir, pattern)];
    const file = files[0];
    const header = file !== undefined ? firstLine(file) : undefined;
    if (header === undefined) return;
    const hint = delimiterHint(header, delimiter ?? ",", declared, `${shownPath(cwd, file!)} (${what})`);
    if (hint) hints.push(hint);
  };
  for (const s of plan.steps) {
    if (s.kind === "source" && s.file?.format === "csv") await look(s.file.path, s.file.delimiter, s.fields.map((f) => f.path[0]!), `source \`${s.name}\``);
  }
  for (const t of plan.tables) if (t.format === "csv") await look(t.path, t.delimiter, t.fields.map((f) => f.path[0]!), `table \`${t.name}\``);
  return hints;
}
