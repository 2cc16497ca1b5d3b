// dedup: keeps the first record of each key; keys are remembered with the run
// clock they were first seen at, for `within` of the run clock.
import type { DedupStep } from "../../plan/plan.js";
import { Duration, groupKey, type Rec, type Value } from "../../values/value.js";
import { frameFor, type OpContext, type Ports } from "./types.js";

export type SeenKeys = Map<string, number>;

export function dedupWindow(step: DedupStep, ctx: OpContext): number {
  const w = step.within({}, frameFor(ctx.env, 0));
  return w instanceof Duration ? w.ms : 7 * 86_400_000;
}

/** Forgets keys whose window has passed by the run clock. */
export function expireKeys(seen: SeenKeys, windowMs: number, nowMs: number): void {
  for (const [k, at] of seen) if (at + windowMs <= nowMs) seen.delete(k);
}

export function runDedup(step: DedupStep, input: ReadonlyArray<Rec>, seen: SeenKeys, ctx: OpContext): Ports {
  const frame = frameFor(ctx.env, 0);
  const keep: Rec[] = [];
  const dups: Rec[] = [];
  const keys = step.keys;
  const single = keys.length === 1 ? keys[0]! : undefined;
  const values: Value[] = new Array(keys.length);
  for (const rec of input) {
    let k: string;
    if (single) {
      values.length = 1;
      values[0] = single(rec, frame);
    } else for (let i = 0; i < keys.length; i++) values[i] = keys[i]!(rec, frame);
    k = groupKey(values);
    if (seen.has(k)) dups.push(rec);
    else {
      seen.set(k, ctx.nowMs);
      keep.push(rec);
    }
  }
  return new Map([["main", keep], ["duplicates", dups]]);
}
