// merge: the union of the inputs, in input order (the run loop hands over an
// input's records only once every earlier input is complete, see Operator); records of an
// input whose field order differs are rebuilt in the output's order.
import type { MergeStep } from "../../plan/plan.js";
import { setField, type Rec, type Value } from "../../values/value.js";
import type { OpenOperator, Ports } from "./types.js";

export function runMerge(step: MergeStep, input: number, records: ReadonlyArray<Rec>): Ports {
  const order = step.reorder[input];
  if (!order) return new Map([["main", records as Rec[]]]);
  const out: Rec[] = [];
  for (const r of records) {
    const o: Record<string, Value> = {};
    for (const name of order) setField(o, name, (r as Record<string, Value | undefined>)[name] ?? null);
    out.push(o);
  }
  return new Map([["main", out]]);
}

export const openMerge: OpenOperator<MergeStep> = (step) => ({
  take: (input, records) => runMerge(step, input, records),
  finish: () => undefined,
  close: () => ({}),
});
