// Where a run's records go: every sink's file, and the built-in rejects and
// audit logs. Each run's records become one commit (with the state file), so a
// process killed at any moment leaves the previous run's files or the new run's.
import fs from "node:fs";
import path from "node:path";
import micromatch from "micromatch";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { addToJsonArray, jsonArrayEnd, writeCsv, writeJsonl, type CommitFile, type FileText, type JsonArrayEnd, type JsonRecord } from "../io/index.js";
import type { Plan, RunResult, SinkEncoder } from "../index.js";
import { shownPath } from "./paths.js";

export interface Output {
  /** A sink's name, or `rejects` / `audit` for the built-in outputs. */
  readonly name: string;
  readonly builtin: boolean;
  readonly format: "jsonl" | "csv" | "json";
  readonly columns: ReadonlyArray<string>;
  readonly absolute: string;
  readonly display: string;
  /** Records written by this invocation. */
  written: number;
  /** A `json` sink's file: where its array's next elements go (each commit adds before the closing bracket). */
  jsonEnd?: JsonArrayEnd;
}

/** The built-in outputs sit beside the sinks of a stream that writes to `out/`. */
export const BUILTIN_DIR = "out";

/**
 * Every output's file. `base` is `--out DIR` or the stream file's folder; sink
 * paths and the built-ins' `out/rejects.jsonl`, `out/audit.jsonl` resolve against it.
 */
export function planOutputs(plan: Plan, base: string, cwd: string): Either<string[], Output[]> {
  const outputs: Output[] = [];
  for (const step of plan.steps) {
    // A `to nats` sink publishes to its subject in cluster mode; it writes no file.
    if (step.kind !== "sink" || step.format === "nats") continue;
    const absolute = path.resolve(base, step.path);
    outputs.push({ name: step.name, builtin: false, format: step.format, columns: step.columns, absolute, display: shownPath(cwd, absolute), written: 0 });
  }
  for (const name of ["rejects", "audit"]) {
    const absolute = path.resolve(base, BUILTIN_DIR, `${name}.jsonl`);
    outputs.push({ name, builtin: true, format: "jsonl", columns: [], absolute, display: shownPath(cwd, absolute), written: 0 });
  }
  const errors: string[] = [];
  // The checker refuses sink paths that leave the output folder (E2024); this keeps that true
  // for any plan, whoever compiled it.
  for (const o of outputs) {
    const rel = path.relative(base, o.absolute);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) errors.push(`${describe(o)} would write ${o.display}, outside the output folder ${shownPath(cwd, base)}`);
  }
  const byPath = new Map<string, Output>();
  for (const o of outputs) {
    const other = byPath.get(o.absolute);
    if (other) errors.push(`${describe(other)} and ${describe(o)} both write ${o.display}; give each its own file`);
    else byPath.set(o.absolute, o);
  }
  return errors.length ? left(errors) : right(outputs);
}

const describe = (o: Output): string => (o.builtin ? `the built-in ${o.name} output` : `sink \`${o.name}\``);

/** A file that must not be written by an output: what reads it, and its absolute path. */
export interface Guarded {
  readonly what: string;
  readonly absolute: string;
  /** For a file source's glob: the pattern (absolute), which also guards files it does not match yet. */
  readonly glob?: string;
}

/** The same file, seen through symbolic links and `./` alike; a missing file by its resolved path. */
export function samePath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    try {
      return path.join(fs.realpathSync.native(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

/** The files an invocation reads or keeps: its state file and journal, `--input` files, every file source's files, tables. */
export async function guardedFiles(
  plan: Plan,
  where: { readonly streamDir: string; readonly cwd: string; readonly inputs: Readonly<Record<string, string>>; readonly journal: string; readonly statePath?: string },
): Promise<Guarded[]> {
  const out: Guarded[] = [];
  if (where.statePath !== undefined) out.push({ what: "the state file", absolute: where.statePath });
  out.push({ what: "the commit journal", absolute: where.journal });
  for (const [name, file] of Object.entries(where.inputs)) {
    if (file !== "-") out.push({ what: `the input of source \`${name}\``, absolute: path.resolve(where.cwd, file) });
  }
  for (const step of plan.steps) {
    if (step.kind !== "source" || !step.file) continue;
    const what = `a file of source \`${step.name}\``;
    // fast-glob loads some 30 CommonJS modules: only a stream with file sources pays for them.
    const { default: fg } = await import("fast-glob");
    if (!fg.isDynamicPattern(step.file.path)) out.push({ what, absolute: path.resolve(where.streamDir, step.file.path) });
    else {
      // A glob that cannot be expanded is reported when the source opens; here it guards nothing.
      const names = await fg(step.file.path, { cwd: where.streamDir, onlyFiles: true, absolute: true }).catch(() => []);
      for (const absolute of names) out.push({ what, absolute });
      // An output the glob would match, even one not written yet, is read back as input by the next invocation.
      out.push({ what, absolute: path.resolve(where.streamDir, step.file.path), glob: path.resolve(where.streamDir, step.file.path) });
    }
  }
  for (const t of plan.tables) out.push({ what: `the file of table \`${t.name}\``, absolute: path.resolve(where.streamDir, t.path) });
  return out;
}

/**
 * Before any run: no output may be one of the files the invocation reads or keeps (the state
 * file and its journal, an `--input`, a file source's files, a table), which a commit would
 * overwrite. Each clash is one message naming both.
 */
export function outputClashes(outputs: ReadonlyArray<Output>, guarded: ReadonlyArray<Guarded>, cwd: string): string[] {
  const byPath = new Map<string, Guarded>();
  for (const g of guarded) if (g.glob === undefined && !byPath.has(samePath(g.absolute))) byPath.set(samePath(g.absolute), g);
  const globs = guarded.filter((g) => g.glob !== undefined);
  const errors: string[] = [];
  for (const o of outputs) {
    const g = byPath.get(samePath(o.absolute));
    if (g) {
      errors.push(`${describe(o)} would overwrite ${shownPath(cwd, o.absolute)}, which is ${g.what}; give the output its own file`);
      continue;
    }
    const matched = globs.find((x) => micromatch.isMatch(o.absolute, x.glob!) || micromatch.isMatch(samePath(o.absolute), x.glob!));
    if (matched) errors.push(`${describe(o)} writes ${shownPath(cwd, o.absolute)}, which the pattern of ${matched.what.replace(/^a file of /, "")} matches, so a later run would read it back as input; give the output a path outside the pattern`);
  }
  return errors;
}

/**
 * Before the first run of an invocation that appends (with `--state`): checks
 * that a `json` sink's existing file is one JSON array and remembers where it
 * ends, so that every commit adds the run's records before its closing bracket
 * and the file stays one valid array. No record is kept in memory.
 */
export function loadJsonArrays(outputs: ReadonlyArray<Output>, append: boolean): string[] {
  const errors: string[] = [];
  for (const o of outputs) {
    if (o.format !== "json") continue;
    o.jsonEnd = undefined;
    if (!append) continue;
    let text: string;
    try {
      text = fs.readFileSync(o.absolute, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      errors.push(`cannot read ${o.display} to append to it: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    try {
      const parsed: unknown = text.trim() === "" ? [] : JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error("not an array");
      o.jsonEnd = jsonArrayEnd(text, parsed.length === 0);
    } catch {
      errors.push(`cannot append to ${o.display}: it is not a JSON array (move it away to start it fresh)`);
    }
  }
  return errors;
}

const isEmptyOrMissing = (file: string): boolean => {
  try {
    return fs.statSync(file).size === 0;
  } catch {
    return true;
  }
};

/** The run's records of one output. */
function recordsOf(o: Output, result: RunResult): ReadonlyArray<JsonRecord> {
  if (o.builtin) return o.name === "rejects" ? result.rejects : result.audit;
  return result.outputs[o.name] ?? [];
}

/**
 * How the sinks written as CSV or JSON lines encode their records: handed to each run
 * (RunRequest.encode), so that a run keeps their text rather than a record object per
 * output record. A `json` sink's array is added to as records (addToJsonArray).
 */
export function sinkEncoders(outputs: ReadonlyArray<Output>): Record<string, SinkEncoder> {
  const encoders = Object.create(null) as Record<string, SinkEncoder>;
  for (const o of outputs) {
    if (o.builtin || o.format === "json") continue;
    encoders[o.name] = o.format === "csv" ? (records) => writeCsv(records, { columns: o.columns, header: false }) : writeJsonl;
  }
  return encoders;
}

/**
 * The commit of one run's outputs. `fresh`: this is an invocation's first commit
 * without `--state`, which replaces what an earlier invocation wrote.
 */
export function outputFiles(outputs: ReadonlyArray<Output>, result: RunResult, fresh: boolean): CommitFile[] {
  const files: CommitFile[] = [];
  for (const o of outputs) {
    const encoded = o.builtin || result.texts === undefined || !Object.prototype.hasOwnProperty.call(result.texts, o.name) ? undefined : result.texts[o.name];
    let text: FileText;
    if (encoded) {
      o.written += encoded.records;
      const header = o.format === "csv" && (fresh || isEmptyOrMissing(o.absolute));
      // The chunks as they are: joining them would copy the whole output once more.
      text = header ? [writeCsv([], { columns: o.columns, header: true }), ...encoded.chunks] : encoded.chunks;
      files.push(fresh ? { path: o.absolute, replace: text } : { path: o.absolute, append: text });
      continue;
    }
    const records = recordsOf(o, result);
    o.written += records.length;
    if (o.format === "json") {
      const added = addToJsonArray(o.jsonEnd, records);
      o.jsonEnd = added.end;
      if (added.file) files.push({ path: o.absolute, ...added.file });
      continue;
    }
    if (o.format === "csv") text = writeCsv(records, { columns: o.columns, header: fresh || isEmptyOrMissing(o.absolute) });
    else text = writeJsonl(records);
    files.push(fresh ? { path: o.absolute, replace: text } : { path: o.absolute, append: text });
  }
  return files;
}

/** `--report FILE` must be neither an output nor a file the invocation reads or keeps. */
export function reportClash(report: string, outputs: ReadonlyArray<Output>, guarded: ReadonlyArray<Guarded>, cwd: string): string | undefined {
  const target = samePath(report);
  const output = outputs.find((o) => samePath(o.absolute) === target);
  if (output) return `--report ${shownPath(cwd, report)} is also the file of ${describe(output)}; give the report its own file`;
  const g = guarded.find((x) => samePath(x.absolute) === target);
  if (g) return `--report ${shownPath(cwd, report)} would overwrite ${g.what}; give the report its own file`;
  return undefined;
}
