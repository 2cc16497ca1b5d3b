// Whether two programs wrote the same outputs, as the file bench and its spec
// decide it. Two output folders (OUT/out/ of `--out OUT`) agree when they hold the
// same files and, file by file:
//
// - a sink (`*.jsonl`, `*.csv`) and `audit.jsonl` hold the same multiset of records:
//   every field of every record equal (names and JSON values; CSV cells as text
//   after unquoting, under the same header), the order of records and of a JSON
//   record's fields aside. Order is left out on purpose: it follows how an
//   aggregate keeps its sessions, which the speed work may change, and SQL has none
//   without an ORDER BY; which records, how many times, and every value, are what a
//   billing consumer depends on.
// - `rejects.jsonl` holds the same number of rejects per run, step, port and reason,
//   where the reason is an error in general words, as the report's "rejects by step
//   and reason" counts them (an object's `message`; a text without its "line N: "
//   prefix, without the parser's own words after "invalid JSON:" and without the
//   offending value after ", got"). The rest of a reject (the record as decoded, the
//   exact parser message) is the interpreter's to shape.
//
// Whether each file is also byte-identical is reported, not required.
import { parse as parseCsv } from "csv-parse/sync";
import fs from "node:fs";
import path from "node:path";

export interface FileComparison {
  readonly file: string;
  /** Records (or rejects) in the reference's file and in the other's; 0 for a missing file. */
  readonly records: readonly [number, number];
  readonly identical: boolean;
  /** Empty when the file agrees. */
  readonly differences: ReadonlyArray<string>;
}

export interface Comparison {
  readonly equal: boolean;
  readonly files: ReadonlyArray<FileComparison>;
}

const SHOWN = 3;

/** A JSON value as text with object keys sorted, so field order does not count. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A reject's error in general words (see the top of this file). */
export function reasonOf(error: unknown): string {
  // A reject's error is `{rule, message}`; the programs of the bench may write the message alone.
  const text = typeof error === "object" && error !== null && "message" in error ? String((error as { message: unknown }).message) : String(error);
  return text
    .replace(/^line \d+: /, "")
    .replace(/^(invalid JSON|malformed CSV): .*$/s, "$1")
    .replace(/, got .*$/s, "");
}

const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");

function jsonRecords(text: string, label: string, problems: string[]): unknown[] {
  const out: unknown[] = [];
  lines(text).forEach((l, i) => {
    try {
      out.push(JSON.parse(l));
    } catch {
      problems.push(`${label} line ${i + 1} is not JSON: ${l.slice(0, 120)}`);
    }
  });
  return out;
}

/** Sink and audit records as counts of their canonical text. */
function recordBag(file: string, text: string, label: string, problems: string[]): Map<string, number> {
  const bag = new Map<string, number>();
  const add = (key: string): void => void bag.set(key, (bag.get(key) ?? 0) + 1);
  if (file.endsWith(".csv")) {
    if (text === "") return bag;
    const rows = parseCsv(text, { relax_column_count: true }) as string[][];
    const [header, ...body] = rows;
    add(`header ${JSON.stringify(header)}`);
    for (const row of body) add(JSON.stringify(row));
  } else for (const r of jsonRecords(text, label, problems)) add(canonical(r));
  return bag;
}

/** Rejects as counts per run, step, port and reason; a reject with several reasons counts under each. */
function rejectBag(text: string, label: string, problems: string[]): Map<string, number> {
  const bag = new Map<string, number>();
  for (const r of jsonRecords(text, label, problems)) {
    const o = (typeof r === "object" && r !== null ? r : {}) as Record<string, unknown>;
    const errors = Array.isArray(o["errors"]) ? (o["errors"] as unknown[]) : [];
    const reasons = new Set(errors.length ? errors.map(reasonOf) : ["(no reason given)"]);
    for (const reason of reasons) {
      const key = `run ${String(o["run"])} · ${String(o["step"])}.${String(o["port"])} · ${reason}`;
      bag.set(key, (bag.get(key) ?? 0) + 1);
    }
  }
  return bag;
}

const total = (bag: Map<string, number>): number => [...bag.values()].reduce((a, b) => a + b, 0);

function bagDifferences(ref: Map<string, number>, other: Map<string, number>, names: readonly [string, string]): string[] {
  const only = (a: Map<string, number>, b: Map<string, number>): string[] =>
    [...a].filter(([k, n]) => n > (b.get(k) ?? 0)).map(([k, n]) => `${n - (b.get(k) ?? 0)}× ${k}`);
  const out: string[] = [];
  for (const [side, list] of [
    [names[0], only(ref, other)],
    [names[1], only(other, ref)],
  ] as const) {
    if (list.length) out.push(`${list.length} kind${list.length === 1 ? "" : "s"} of record more often in ${side}: ${list.slice(0, SHOWN).join("; ")}${list.length > SHOWN ? "; …" : ""}`);
  }
  return out;
}

const filesUnder = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile()).sort() : []);

/**
 * Compares the outputs under `reference` (the interpreter's OUT/out/) with those
 * under `other`. `names` label the two sides in the differences.
 */
export function compareOutputs(reference: string, other: string, names: readonly [string, string] = ["the interpreter", "the other"]): Comparison {
  const all = [...new Set([...filesUnder(reference), ...filesUnder(other)])].sort();
  const files = all.map((file): FileComparison => {
    const read = (dir: string): string | undefined => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : undefined);
    const a = read(reference);
    const b = read(other);
    const differences: string[] = [];
    if (a === undefined || b === undefined) differences.push(`only ${a === undefined ? names[1] : names[0]} wrote ${file}`);
    let bags: [Map<string, number>, Map<string, number>];
    if (file === "rejects.jsonl") bags = [rejectBag(a ?? "", `${names[0]}'s ${file}`, differences), rejectBag(b ?? "", `${names[1]}'s ${file}`, differences)];
    else if (file.endsWith(".jsonl") || file.endsWith(".csv")) {
      bags = [recordBag(file, a ?? "", `${names[0]}'s ${file}`, differences), recordBag(file, b ?? "", `${names[1]}'s ${file}`, differences)];
    } else {
      // Not an output this bench knows: only bytes can tell.
      bags = [new Map([[a ?? "", 1]]), new Map([[b ?? "", 1]])];
    }
    differences.push(...bagDifferences(bags[0], bags[1], names));
    const count = (text: string | undefined, bag: Map<string, number>): number =>
      file === "rejects.jsonl" ? lines(text ?? "").length : file.endsWith(".csv") ? Math.max(0, total(bag) - 1) : total(bag);
    return { file, records: [count(a, bags[0]), count(b, bags[1])], identical: a === b, differences };
  });
  return { equal: files.every((f) => f.differences.length === 0), files };
}

/** The differences as lines for a terminal, or "" when the outputs agree. */
export function describeComparison(c: Comparison): string {
  return c.files
    .filter((f) => f.differences.length)
    .map((f) => `  ${f.file} (${f.records[0]} and ${f.records[1]} records):\n${f.differences.map((d) => `    ${d}`).join("\n")}`)
    .join("\n");
}
