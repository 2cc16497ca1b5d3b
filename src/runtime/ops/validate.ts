// validate: every rule is evaluated and every failure kept; a record with any
// failure goes to `invalid` with an `errors` list of {rule, message}.
import type { ValidateStep } from "../../plan/plan.js";
import type { Rec, Value } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export function runValidate(step: ValidateStep, input: ReadonlyArray<Rec>, ctx: OpContext): Ports {
  const frame = newFrame(ctx.env, 0);
  const ok: Rec[] = [];
  const invalid: Rec[] = [];
  const rules = step.rules;
  const make = step.invalidRecord;
  for (const rec of input) {
    let errors: Rec[] | undefined;
    for (const r of rules) {
      // The error records are immutable and shared by every record that fails the rule.
      if (r.test(rec, frame) !== true) (errors ??= []).push(r.error);
    }
    if (errors === undefined) ok.push(rec);
    else invalid.push(make ? make(rec, errors as Value) : { ...withoutErrors(rec), errors: errors as Value });
  }
  return new Map([["main", ok], ["invalid", invalid]]);
}

/** A record that already carries `errors` (validated twice) keeps only the latest ones. */
function withoutErrors(rec: Rec): Rec {
  if (!Object.prototype.hasOwnProperty.call(rec, "errors")) return rec;
  const { errors: _drop, ...rest } = rec as Record<string, Value>;
  return rest;
}

export const openValidate: OpenOperator<ValidateStep> = (step, _saved, ctx) => ({
  take: (_input, records) => runValidate(step, records, ctx),
  finish: () => undefined,
  close: () => ({}),
});
