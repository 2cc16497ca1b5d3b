// merge: the union of the inputs, in input order; records of an input whose
// field order differs are rebuilt in the output's order.
import type { MergeStep } from "../../plan/plan.js";
import { setField, type Rec, type Value } from "../../values/value.js";
import type { Ports } from "./types.js";

export function runMerge(step: MergeStep, inputs: ReadonlyArray<ReadonlyArray<Rec>>): Ports {
  const out: Rec[] = [];
  inputs.forEach((records, i) => {
    const order = step.reorder[i];
    if (!order) {
      for (const r of records) out.push(r);
      return;
    }
    for (const r of records) {
      const o: Record<string, Value> = {};
      for (const name of order) setField(o, name, (r as Record<string, Value | undefined>)[name] ?? null);
      out.push(o);
    }
  });
  return new Map([["main", out]]);
}
