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
import { newFrame } from "../../plan/env.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export type SeenChunk = readonly [number, ReadonlyArray<string>];
export type SeenState = ReadonlyArray<SeenChunk>;
/** Key -> run clock (ms) it was first seen at. */
export type SeenKeys = Map<string, number>;

export function dedupWindow(step: DedupStep, ctx: OpContext): number {
  const w = step.within({}, newFrame(ctx.env, 0));
  return w instanceof Duration ? w.ms : DEFAULT_DEDUP_WITHIN.ms;
}

/**
 * The lookup Map of each state this module produced, so the next run takes it
 * over instead of rebuilding it. A Map is handed over once: a second run from
 * the same state (a rerun, a test) rebuilds its own from the chunks.
 */
const live = new WeakMap<SeenState, SeenKeys>();

export function takeSeenKeys(saved: SeenState): SeenKeys {
  const map = live.get(saved);
  if (map) {
    live.delete(saved);
    return map;
  }
  const rebuilt: SeenKeys = new Map();
  for (const [at, keys] of saved) for (const k of keys) if (!rebuilt.has(k)) rebuilt.set(k, at);
  return rebuilt;
}

/** The chunks still inside their window; keys of the others leave the Map. */
export function expireChunks(saved: SeenState, seen: SeenKeys, windowMs: number, nowMs: number): SeenChunk[] {
  const kept: SeenChunk[] = [];
  for (const chunk of saved) {
    const [at, keys] = chunk;
    if (at + windowMs > nowMs) kept.push(chunk);
    else for (const k of keys) if (seen.get(k) === at) seen.delete(k);
  }
  return kept;
}

/** The next state: the kept chunks as they are, and this run's keys as one new chunk. */
export function nextSeenState(kept: SeenChunk[], seen: SeenKeys, added: string[], nowMs: number): SeenState {
  if (added.length) kept.push(Object.freeze([nowMs, Object.freeze(added)] as const));
  const next = Object.freeze(kept);
  live.set(next, seen);
  return next;
}

export function runDedup(step: DedupStep, input: ReadonlyArray<Rec>, seen: SeenKeys, ctx: OpContext, added: string[]): Ports {
  const frame = newFrame(ctx.env, 0);
  const keep: Rec[] = [];
  const dups: Rec[] = [];
  const keys = step.keys;
  const n = keys.length;
  const values: Value[] = new Array(n);
  // One key: the value's own string where it can be (see singleKey).
  const single = n === 1 ? keys[0]! : undefined;
  for (const rec of input) {
    let k: string;
    if (single) k = singleKey(single(rec, frame));
    else {
      for (let i = 0; i < n; i++) values[i] = keys[i]!(rec, frame);
      k = groupKey(values);
    }
    if (seen.has(k)) dups.push(rec);
    else {
      seen.set(k, ctx.nowMs);
      added.push(k);
      keep.push(rec);
    }
  }
  return new Map([["main", keep], ["duplicates", dups]]);
}

/** The operator: opens the remembered keys, passes first sightings on, and hands back one more chunk. */
export const openDedup: OpenOperator<DedupStep> = (step, saved, ctx) => {
  const chunks = saved.dedup ?? [];
  const seen = takeSeenKeys(chunks);
  const kept = expireChunks(chunks, seen, dedupWindow(step, ctx), ctx.nowMs);
  const added: string[] = [];
  return {
    take: (_input, records) => runDedup(step, records, seen, ctx, added),
    finish: () => undefined,
    close: () => ({ state: { dedup: nextSeenState(kept, seen, added, ctx.nowMs) } }),
  };
};
