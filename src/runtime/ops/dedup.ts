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

/**
 * The live key Map of each state list this module produced, so the next run can
 * take it over instead of rebuilding it from the list. A Map is taken at most
 * once: a second run from the same state rebuilds its own from the list.
 */
const liveKeys = new WeakMap<ReadonlyArray<readonly [string, number]>, SeenKeys>();

/** The earliest first-seen clock of each state list this module produced. */
const earliest = new WeakMap<ReadonlyArray<readonly [string, number]>, number>();

/** Whether any key of a state list may have left its window (unknown lists: yes). */
export function mayExpire(saved: ReadonlyArray<readonly [string, number]>, windowMs: number, nowMs: number): boolean {
  if (saved.length === 0) return false;
  const min = earliest.get(saved);
  return min === undefined || min + windowMs <= nowMs;
}

/** The keys of a state list as a Map the caller may change. */
export function takeSeenKeys(saved: ReadonlyArray<readonly [string, number]>): SeenKeys {
  const live = liveKeys.get(saved);
  if (live) {
    liveKeys.delete(saved);
    return live;
  }
  return new Map(saved);
}

/**
 * The next state list: the saved entries still in their window (reused, in
 * first-seen order), then the keys added in this run. It is what `[...seen]`
 * gives, built without a new tuple per remembered key, and frozen here so
 * immer does not walk it entry by entry.
 */
export function nextSeenList(
  saved: ReadonlyArray<readonly [string, number]>,
  seen: SeenKeys,
  added: ReadonlyArray<[string, number]>,
  windowMs: number,
  nowMs: number,
): [string, number][] {
  let list: [string, number][];
  let min = Infinity;
  if (mayExpire(saved, windowMs, nowMs)) {
    list = [];
    for (const e of saved) {
      if (e[1] + windowMs > nowMs) {
        list.push(e as [string, number]);
        if (e[1] < min) min = e[1];
      }
    }
  } else {
    // Nothing left its window: keep the whole list, without looking at each entry.
    list = saved.slice() as [string, number][];
    min = saved.length ? earliest.get(saved)! : Infinity;
  }
  for (const e of added) {
    list.push(e);
    if (e[1] < min) min = e[1];
  }
  // A saved list with a repeated key (not one this module wrote): the Map is the truth.
  if (list.length !== seen.size) {
    list = [...seen].map((e) => Object.freeze(e) as [string, number]);
    min = Infinity;
    for (const e of list) if (e[1] < min) min = e[1];
  } else if (!earliest.has(saved)) for (const e of saved) Object.freeze(e);
  Object.freeze(list);
  earliest.set(list, min);
  liveKeys.set(list, seen);
  return list;
}

export function runDedup(step: DedupStep, input: ReadonlyArray<Rec>, seen: SeenKeys, ctx: OpContext, added?: [string, number][]): Ports {
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
      if (added) added.push(Object.freeze([k, ctx.nowMs]) as [string, number]);
      keep.push(rec);
    }
  }
  return new Map([["main", keep], ["duplicates", dups]]);
}
