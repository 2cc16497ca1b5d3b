// map and enrich: one new record per input (map with `for each`: one per item).
import type { EnrichStep, MapStep } from "../../plan/plan.js";
import type { Rec, Value } from "../../values/value.js";
import { isMap } from "../../values/value.js";
import { newFrame, type Frame } from "../../plan/env.js";
import { perSite, siteFactory } from "../../values/per-site.js";
import { MAIN } from "../../model/ports.js";
import type { OpenOperator, Ports } from "./types.js";

/** A chunk's records, one built per input; copied per step (values/per-site.ts), so its call sees one step's builder. */
const mapping = siteFactory(
  (build: MapStep["block"]["build"]) =>
    (input: ReadonlyArray<Rec>, frame: Frame): Ports => {
      // Made at its size: an array grown by push from empty allocates about three times its size.
      const n = input.length;
      const out: Rec[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(input[i]!, frame);
      return new Map([["main", out]]);
    },
);

/** Each step's copy, made once: a copy per run would start cold every run. */
const runs = new WeakMap<MapStep | EnrichStep, ReturnType<typeof mapping>>();
function runOf(step: MapStep | EnrichStep): ReturnType<typeof mapping> {
  let run = runs.get(step);
  if (!run) runs.set(step, (run = perSite(mapping)(step.block.build)));
  return run;
}

/** A `for each` map's chunk: one record per item. */
function runEach(step: MapStep, each: NonNullable<MapStep["forEach"]>, input: ReadonlyArray<Rec>, frame: Frame): Ports {
  const out: Rec[] = [];
  const build = step.block.build;
  const [first, second] = each.slots;
  for (const rec of input) {
    const coll = each.over(rec, frame);
    const items: [Value, Value][] = Array.isArray(coll)
      ? (coll as ReadonlyArray<Value>).map((v, i) => [i, v])
      : isMap(coll)
        ? [...coll.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        : [];
    for (const [k, v] of items) {
      // One variable over a list is the item; over a map, the key.
      if (second === undefined) frame.locals[first!] = Array.isArray(coll) ? v : k;
      else {
        frame.locals[first!] = k;
        frame.locals[second] = v;
      }
      out.push(build(rec, frame));
    }
  }
  return new Map([["main", out]]);
}

/** The operator; a `for each` map absorbs its input records and creates one per item. */
export const openMap: OpenOperator<MapStep | EnrichStep> = (step, _saved, ctx) => {
  const each = step.kind === "map" ? step.forEach : undefined;
  const frame = newFrame(ctx.env, step.block.slots);
  const run = each ? undefined : runOf(step);
  let absorbed = 0;
  let created = 0;
  return {
    take(_input, records) {
      if (run) return run(records, frame);
      const ports = runEach(step as MapStep, each!, records, frame);
      absorbed += records.length;
      created += ports.get(MAIN)!.length;
      return ports;
    },
    finish: () => undefined,
    close: () => (each ? { balance: { absorbed, created } } : {}),
  };
};
