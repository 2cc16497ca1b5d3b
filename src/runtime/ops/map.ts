// map and enrich: one new record per input (map with `for each`: one per item).
import type { EnrichStep, MapStep } from "../../plan/plan.js";
import type { Rec, Value } from "../../values/value.js";
import { isMap } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import { MAIN } from "../../model/ports.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export function runMap(step: MapStep | EnrichStep, input: ReadonlyArray<Rec>, ctx: OpContext): Ports {
  const frame = newFrame(ctx.env, step.block.slots);
  const out: Rec[] = [];
  const build = step.block.build;
  const each = step.kind === "map" ? step.forEach : undefined;
  if (!each) {
    for (const rec of input) out.push(build(rec, frame));
    return new Map([["main", out]]);
  }
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
  const each = step.kind === "map" && step.forEach !== undefined;
  let absorbed = 0;
  let created = 0;
  return {
    take(_input, records) {
      const ports = runMap(step, records, ctx);
      if (each) {
        absorbed += records.length;
        created += ports.get(MAIN)!.length;
      }
      return ports;
    },
    finish: () => undefined,
    close: () => (each ? { balance: { absorbed, created } } : {}),
  };
};
