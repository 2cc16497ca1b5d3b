// source: decodes a batch against the declared schema (records that do not fit
// go to `invalid` with one reason per bad field), or generates a `simulate` batch.
import type { SourceStep } from "../../plan/plan.js";
import { simulationRandom } from "../../values/random.js";
import { rawCopy } from "../../values/convert.js";
import type { Rec, Value } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import { MAIN } from "../../model/ports.js";
import { MAX_NESTING, nestsDeeperThan, tooDeepReason } from "../../model/nesting.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";
import { describeValue, thrownMessage } from "../../values/host-data.js";
import { own } from "../../model/dict.js";
import { collectUndeclared, fieldTree, type FieldTree } from "./undeclared.js";

/** One source's input for a run. */
export interface SourceBatch {
  /** Raw records as parsed from JSON or CSV, or handed in by a host. */
  readonly records: ReadonlyArray<unknown>;
  /** File and line of each record, when read from files. */
  readonly origins?: ReadonlyArray<{ readonly file: string; readonly line: number } | undefined>;
  /** Lines or rows that could not be parsed at all. */
  readonly malformed?: ReadonlyArray<{ readonly file: string; readonly line: number; readonly reason: string; readonly text: string }>;
  /** Records are CSV text from a reader that cannot tell "" from no value: an empty string is absent. */
  readonly csv?: boolean;
  /**
   * Set by a reader that hands JSON lines over unparsed: a record that is a string is
   * the text of its line (at `origins`), parsed when it is decoded, so that the parsed
   * object dies young instead of living through the batch; a line that is no JSON
   * object goes to `invalid` as a malformed line would, with the reason given here.
   */
  readonly parse?: (text: string, line: number) => { readonly record: unknown } | { readonly reason: string };
  /**
   * The host gives the arrays up: the run empties `records` and `origins` entry by entry as it
   * decodes them (and does not copy them first), so a large batch is not kept whole for the
   * whole run. The host must not read them afterwards.
   */
  readonly release?: boolean;
}

const asInt = (v: Value, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : fallback);

/** The names of a source's undeclared fields found so far, and its declared fields to tell them by. */
export interface UndeclaredNames {
  readonly fields: FieldTree;
  readonly names: Set<string>;
}

/**
 * Decodes records `from` until `to` of a batch into `main` and `invalid` (its
 * malformed lines are not included); returns the count of undeclared fields,
 * and adds their names to `undeclared` from the records that had some. `main`
 * is made at its largest and cut to what decoded: an array grown by push from
 * empty allocates about three times its size.
 */
export function decodeRecords(step: SourceStep, batch: SourceBatch, from: number, to: number, main: Rec[], invalid: Rec[], undeclaredNames?: UndeclaredNames): number {
  const decode = batch.csv ? step.decodeCsv : step.decode;
  const origins = batch.origins;
  const records = batch.records;
  const parse = batch.parse;
  const fast = decode.fast;
  const counter = { dropped: 0 };
  let undeclared = 0;
  let decoded = main.length;
  main.length = decoded + (to - from);
  for (let i = from; i < to; i++) {
    let raw: unknown;
    let d;
    try {
      raw = records[i];
      if (parse !== undefined && typeof raw === "string") {
        const origin = origins?.[i];
        const parsed = parse(raw, origin?.line ?? 0);
        if ("reason" in parsed) {
          invalid.push(malformedRecord({ file: origin?.file ?? "", line: origin?.line ?? 0, reason: parsed.reason, text: raw }));
          continue;
        }
        raw = parsed.record;
      }
      const before = counter.dropped;
      const record = fast?.(raw, counter);
      if (record !== undefined) {
        main[decoded++] = record;
        if (undeclaredNames && counter.dropped > before) collectUndeclared(raw, undeclaredNames.fields, undeclaredNames.names);
        continue;
      }
      d = decode(raw);
    } catch (e) {
      // A host's record may be a Proxy or have a getter that throws: a reject of that record.
      const origin = origins?.[i];
      invalid.push({ errors: [{ rule: SCHEMA_RULE, message: `the record cannot be read: ${thrownMessage(e)}` }], file: origin?.file ?? null, line: origin?.line ?? null, record: null });
      continue;
    }
    if (d.ok) {
      main[decoded++] = d.record;
      undeclared += d.dropped;
      if (undeclaredNames && d.dropped > 0) collectUndeclared(raw, undeclaredNames.fields, undeclaredNames.names);
    } else {
      const origin = origins?.[i];
      invalid.push({ errors: d.reasons.map(schemaError), file: origin?.file ?? null, line: origin?.line ?? null, record: rawValue(raw) });
    }
  }
  main.length = decoded;
  return undeclared + counter.dropped;
}

/**
 * Every reject's `errors` is a list of `{rule, message}` (docs/language.md section 6): a
 * validate rule's text, or one of these fixed rules for what a source finds.
 */
export const SCHEMA_RULE = "schema";
export const FORMAT_RULE = "format";
const schemaError = (message: string): Rec => ({ rule: SCHEMA_RULE, message });

/** The `invalid` record of a line or row that could not be parsed at all. */
export const malformedRecord = (m: NonNullable<SourceBatch["malformed"]>[number]): Rec => ({ errors: [{ rule: FORMAT_RULE, message: m.reason }], file: m.file, line: m.line, record: m.text });

/** A `simulate` source's batch for this run. */
export function simulate(step: SourceStep, ctx: OpContext): Rec[] {
  const sim = step.simulate!;
  const constants = newFrame(ctx.env, 0);
  const count = Math.max(0, asInt(sim.count({}, constants), 0));
  const seed = sim.seed ? asInt(sim.seed({}, constants), 0) : 0;
  const frame = newFrame(ctx.env, sim.block.slots);
  const out: Rec[] = new Array(count);
  const empty: Rec = {};
  for (let i = 1; i <= count; i++) {
    frame.seq = i;
    frame.random = simulationRandom(seed, ctx.env.run, i);
    out[i - 1] = sim.block.build(empty, frame);
  }
  return out;
}

/** Ranks files in the order first met; a released batch's origins are ranked as they are decoded. */
type FileRank = Map<string, number>;
function rankFile(fileRank: FileRank, file: unknown): number {
  if (typeof file !== "string") return -1;
  let r = fileRank.get(file);
  if (r === undefined) fileRank.set(file, (r = fileRank.size));
  return r;
}

/** Lets go of a released batch's decoded records and their origins (SourceBatch.release), ranking the origins' files first. */
function release(batch: SourceBatch, from: number, to: number, fileRank: FileRank): void {
  const records = batch.records as unknown[];
  const origins = batch.origins as ({ readonly file: string } | undefined)[] | undefined;
  try {
    for (let i = from; i < to; i++) {
      const o = origins?.[i];
      if (o) {
        rankFile(fileRank, o.file);
        origins![i] = undefined;
      }
      records[i] = undefined;
    }
  } catch {
    // A host's array that refuses to be emptied (frozen, a Proxy) keeps its records; its origins' files are ranked at the end.
  }
}

/** Rejects in the order their lines stand in the batch's files (files in the order they were read). */
export function inFileOrder(invalid: Rec[], batch: SourceBatch, fileRank: FileRank = new Map()): void {
  const rank = (file: unknown): number => rankFile(fileRank, file);
  for (const o of batch.origins ?? []) if (o) rank(o.file);
  for (const m of batch.malformed ?? []) rank(m.file);
  const line = (r: Rec): number => (typeof r["line"] === "number" ? r["line"] : 0);
  invalid.sort((a, b) => rank(a["file"]) - rank(b["file"]) || line(a) - line(b));
}

/**
 * Keeps a raw record as a plain JSON-like value for the rejects output. A host's
 * record nested past MAX_NESTING keeps its first levels, the rest replaced by a
 * note (the stack could not hold a copy, nor the writers its text).
 */
function rawValue(raw: unknown): Value {
  if (raw === undefined) return null;
  try {
    return rawCopy(nestsDeeperThan(raw) ? cutDeep(raw, MAX_NESTING, new Set()) : raw);
  } catch {
    return describeValue(raw);
  }
}

/**
 * The operator: decodes its batch a chunk at a time onto `main` (or generates a
 * `simulate` batch at once) and, when the batch is done, hands on every record
 * that did not decode and every malformed line, in file order, on `invalid`.
 */
export const openSource: OpenOperator<SourceStep> = (step, _saved, ctx) => {
  const given = own(ctx.sources, step.name);
  let generate = !given && step.simulate !== undefined;
  const n = given?.records.length ?? 0;
  const malformed = given?.malformed ?? [];
  const invalid: Rec[] = [];
  /** A released batch's files, ranked as its origins go (inFileOrder). */
  const fileRank: FileRank = new Map();
  let from = 0;
  let read = 0;
  let undeclared = 0;
  const names: UndeclaredNames = { fields: fieldTree(step.fields.map((f) => f.path)), names: new Set() };
  const main = (records: Rec[]): Ports => new Map([[MAIN, records]]);
  return {
    pull() {
      if (generate) {
        generate = false;
        const records = simulate(step, ctx);
        read = records.length;
        return main(records);
      }
      if (!given || from >= n) return undefined;
      const to = Math.min(n, from + ctx.chunkSize);
      const records: Rec[] = [];
      undeclared += decodeRecords(step, given, from, to, records, invalid, names);
      if (given.release) release(given, from, to, fileRank);
      from = to;
      return main(records);
    },
    finish() {
      if (!given) return undefined;
      // Every record and malformed line is read once: decoded onto `main` or kept for `invalid`.
      read = n + malformed.length;
      for (const m of malformed) invalid.push(malformedRecord(m));
      // Lines parsed while decoding are in order already, among the records' rejects.
      if (malformed.length) inFileOrder(invalid, given, fileRank);
      return new Map([["invalid", invalid]]);
    },
    close: () => ({
      in: read,
      balance: { read },
      // A simulate source reports undeclared fields only if a host handed it a batch that had some.
      ...(step.origin !== "simulate" || undeclared ? { undeclaredFields: undeclared } : {}),
      ...(names.names.size ? { undeclaredNames: [...names.names] } : {}),
    }),
  };
};

function cutDeep(v: unknown, levels: number, path: Set<object>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return v;
  if (levels === 0) return `(${tooDeepReason()})`;
  if (path.has(v)) throw new TypeError("a cyclic value");
  path.add(v);
  try {
    if (Array.isArray(v)) return v.map((x) => cutDeep(x, levels - 1, path));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: cutDeep((v as Record<string, unknown>)[k], levels - 1, path), enumerable: true, writable: true, configurable: true });
    return out;
  } finally {
    path.delete(v);
  }
}
