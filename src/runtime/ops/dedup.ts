// dedup: keeps the first record of each key; keys are remembered with the run
// clock they were first seen at, for `within` of the run clock.
//
// The state keeps the keys of one run together, as one chunk `[seenAtMs, keys]`
// per run: a run adds one chunk and drops the chunks whose window has passed,
// so the next state reuses the earlier chunks as they are and a run costs what
// its own batch costs, not what every remembered key costs.
import { DEFAULT_DEDUP_WITHIN, type DedupStep } from "../../plan/plan.js";
import { Duration, type Rec, type Value } from "../../values/value.js";
import { groupKey, singleKey } from "../../values/keys.js";
import { newFrame, type Frame } from "../../plan/env.js";
import { perSite, siteFactory } from "../../values/per-site.js";
import { KeyTable } from "../../values/key-table.js";
import type { DedupKeys } from "../state.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export type SeenChunk = readonly [number, ReadonlyArray<string>];
export type SeenState = ReadonlyArray<SeenChunk>;
/**
 * Key -> the chunk it was first seen in (a KeyTable, not a Map: see there). The
 * chunk, not its run clock: a clock in ms is no small integer, so V8 would box a
 * fresh number per key.
 */
export type SeenKeys = KeyTable<SeenChunk>;

export function dedupWindow(step: DedupStep, ctx: OpContext): number {
  const w = step.within({}, newFrame(ctx.env, 0));
  return w instanceof Duration ? w.ms : DEFAULT_DEDUP_WITHIN.ms;
}

/**
 * The lookup table of each state this module produced, so the next run takes it
 * over instead of rebuilding it. A table is handed over once: a second run from
 * the same state (a rerun, a test) rebuilds its own from the chunks.
 */
const live = new WeakMap<SeenState, SeenKeys>();

export function takeSeenKeys(saved: SeenState): SeenKeys {
  const map = live.get(saved);
  if (map) {
    live.delete(saved);
    return map;
  }
  const rebuilt: SeenKeys = new KeyTable(saved.reduce((n, chunk) => n + chunk[1].length, 0));
  for (const chunk of saved) for (const k of chunk[1]) if (!rebuilt.has(k)) rebuilt.set(k, chunk);
  return rebuilt;
}

/** The chunks still inside their window; keys of the others leave the table. */
export function expireChunks(saved: SeenState, seen: SeenKeys, windowMs: number, nowMs: number): SeenChunk[] {
  const kept: SeenChunk[] = [];
  for (const chunk of saved) {
    if (chunk[0] + windowMs > nowMs) kept.push(chunk);
    else for (const k of chunk[1]) seen.delete(k, chunk);
  }
  return kept;
}

/** The next state: the kept chunks as they are, and this run's keys (`added[1]`) as one new chunk. */
export function nextSeenState(kept: SeenChunk[], seen: SeenKeys, added: SeenChunk): SeenState {
  if (added[1].length) {
    // Frozen in place: its keys' table entries point at this very chunk.
    Object.freeze(added[1]);
    kept.push(Object.freeze(added));
  }
  const next = Object.freeze(kept);
  live.set(next, seen);
  return next;
}

/** The in-memory key store: the state's chunks, with their lookup table (used by hosts and specs). */
export class ChunkKeys implements DedupKeys {
  private readonly seen: SeenKeys;
  private readonly kept: SeenChunk[];
  /** This run's chunk, filled as keys are added and frozen at close: the table's value for its keys. */
  private readonly added: SeenChunk;
  private readonly keys: string[] = [];

  constructor(saved: SeenState, windowMs: number, nowMs: number) {
    this.seen = takeSeenKeys(saved);
    this.kept = expireChunks(saved, this.seen, windowMs, nowMs);
    this.added = [nowMs, this.keys];
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }

  add(key: string): void {
    this.seen.set(key, this.added);
    this.keys.push(key);
  }

  /** The next state's chunks. */
  close(): SeenState {
    return nextSeenState(this.kept, this.seen, this.added);
  }
}

/**
 * A chunk's first sightings on `main`, the others on `duplicates`; copied per step
 * (values/per-site.ts), so its calls see one step's key and records.
 */
const deduping = siteFactory(
  (keys: DedupStep["keys"], singleKey: (v: Value) => string, groupKey: (vs: ReadonlyArray<Value>) => string) =>
    (input: ReadonlyArray<Rec>, seen: DedupKeys, frame: Frame): Ports => {
      // Made at the chunk's size and cut to the first sightings (push from empty allocates about three times).
      const keep: Rec[] = new Array(input.length);
      let kept = 0;
      const dups: Rec[] = [];
      const n = keys.length;
      const values: Value[] = new Array(n);
      // One key: the value's own string where it can be (see singleKey).
      const single = n === 1 ? keys[0]! : undefined;
      for (let i = 0; i < input.length; i++) {
        const rec = input[i]!;
        let k: string;
        if (single) k = singleKey(single(rec, frame));
        else {
          for (let j = 0; j < n; j++) values[j] = keys[j]!(rec, frame);
          k = groupKey(values);
        }
        if (seen.has(k)) dups.push(rec);
        else {
          seen.add(k);
          keep[kept++] = rec;
        }
      }
      keep.length = kept;
      return new Map([["main", keep], ["duplicates", dups]]);
    },
);

/** Each step's copy, made once: a copy per run would start cold every run. */
const runs = new WeakMap<DedupStep, ReturnType<typeof deduping>>();
function runOf(step: DedupStep): ReturnType<typeof deduping> {
  let run = runs.get(step);
  if (!run) runs.set(step, (run = perSite(deduping)(step.keys, singleKey, groupKey)));
  return run;
}

/**
 * The operator: opens the remembered keys (the state's chunks, or the runner's
 * key store), passes first sightings on, and hands back one more chunk (a store
 * stages the run's keys itself, so the state value keeps none).
 */
export const openDedup: OpenOperator<DedupStep> = (step, saved, ctx) => {
  const windowMs = dedupWindow(step, ctx);
  const frame = newFrame(ctx.env, 0);
  const run = runOf(step);
  if (saved.keys) {
    const stored = saved.keys.openKeys(step.name, windowMs, ctx.nowMs);
    return { take: (_input, records) => run(records, stored, frame), finish: () => undefined, close: () => ({}) };
  }
  const keys = new ChunkKeys(saved.dedup ?? [], windowMs, ctx.nowMs);
  return {
    take: (_input, records) => run(records, keys, frame),
    finish: () => undefined,
    close: () => ({ state: { dedup: keys.close() } }),
  };
};
