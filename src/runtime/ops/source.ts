// source: decodes a batch against the declared schema (records that do not fit
// go to `invalid` with one reason per bad field), or generates a `simulate` batch.
import type { SourceStep } from "../../plan/plan.js";
import { simulationRandom } from "../../values/random.js";
import type { Rec, Value } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import type { OpContext } from "./types.js";

/** One source's input for a run. */
export interface SourceBatch {
  /** Raw records as parsed from JSON or CSV, or handed in by a host. */
  readonly records: ReadonlyArray<unknown>;
  /** File and line of each record, when read from files. */
  readonly origins?: ReadonlyArray<{ readonly file: string; readonly line: number } | undefined>;
  /** Lines or rows that could not be parsed at all. */
  readonly malformed?: ReadonlyArray<{ readonly file: string; readonly line: number; readonly reason: string; readonly text: string }>;
  /** Records are CSV text: an empty cell is absent. */
  readonly csv?: boolean;
}


const asInt = (v: Value, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : fallback);

/**
 * Decodes records `from` until `to` of a batch into `main` and `invalid` (its
 * malformed lines are not included); returns the count of undeclared fields.
 */
export function decodeRecords(step: SourceStep, batch: SourceBatch, from: number, to: number, main: Rec[], invalid: Rec[]): number {
  const decode = batch.csv ? step.decodeCsv : step.decode;
  const origins = batch.origins;
  const records = batch.records;
  const fast = decode.fast;
  const counter = { dropped: 0 };
  let undeclared = 0;
  for (let i = from; i < to; i++) {
    const raw = records[i];
    const record = fast?.(raw, counter);
    if (record !== undefined) {
      main.push(record);
      continue;
    }
    const d = decode(raw);
    if (d.ok) {
      main.push(d.record);
      undeclared += d.dropped;
    } else {
      const origin = origins?.[i];
      invalid.push({ errors: d.reasons.map(schemaError), file: origin?.file ?? null, line: origin?.line ?? null, record: rawValue(raw) });
    }
  }
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

/** Rejects in the order their lines stand in the batch's files (files in the order they were read). */
export function inFileOrder(invalid: Rec[], batch: SourceBatch): void {
  const fileRank = new Map<string, number>();
  const rank = (file: unknown): number => {
    if (typeof file !== "string") return -1;
    let r = fileRank.get(file);
    if (r === undefined) fileRank.set(file, (r = fileRank.size));
    return r;
  };
  for (const o of batch.origins ?? []) if (o) rank(o.file);
  for (const m of batch.malformed ?? []) rank(m.file);
  const line = (r: Rec): number => (typeof r["line"] === "number" ? r["line"] : 0);
  invalid.sort((a, b) => rank(a["file"]) - rank(b["file"]) || line(a) - line(b));
}

/** Keeps a raw record as a plain JSON-like value for the rejects output. */
function rawValue(raw: unknown): Value {
  if (raw === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(raw)) as Value;
  } catch {
    return String(raw);
  }
}
