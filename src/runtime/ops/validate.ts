// validate: every rule is evaluated and every failure kept; a record with any
// failure goes to `invalid` with an `errors` list of {rule, message}.
import type { ValidateStep } from "../../plan/plan.js";
import type { Rec, Value } from "../../values/value.js";
import { newFrame, type Frame } from "../../plan/env.js";
import { generated } from "../../values/record-maker.js";
import { perSite, siteFactory } from "../../values/per-site.js";
import type { OpenOperator, Ports } from "./types.js";

type Check = (rec: Rec, frame: Frame) => Rec[] | undefined;

/** Every rule's check of a record: its failures' error records (immutable, shared by every record that fails the rule), or undefined. */
function loopCheck(rules: ValidateStep["rules"]): Check {
  return (rec, frame) => {
    let errors: Rec[] | undefined;
    for (const r of rules) if (r.test(rec, frame) !== true) (errors ??= []).push(r.error);
    return errors;
  };
}

/**
 * The same check generated per step, a call site per rule, so V8 can inline each
 * rule's test (a loop makes one call site see every rule of every validate step).
 */
const checks = new WeakMap<ValidateStep, Check>();
function checkOf(step: ValidateStep): Check {
  let check = checks.get(step);
  if (check) return check;
  const rules = step.rules;
  const body = rules.map((_, i) => `if (t[${i}](rec, frame) !== true) (errors ??= []).push(e[${i}]);`).join("\n");
  const make = generated<(t: ReadonlyArray<ValidateStep["rules"][number]["test"]>, e: ReadonlyArray<Rec>) => Check>([], ["t", "e"], `return (rec, frame) => {\nlet errors;\n${body}\nreturn errors;\n};`);
  check = make?.(rules.map((r) => r.test), rules.map((r) => r.error)) ?? loopCheck(rules);
  checks.set(step, check);
  return check;
}

/** A chunk's records on `main` and `invalid`; copied per step (values/per-site.ts), so its calls see one step's check and records. */
const validating = siteFactory(
  (check: Check, make: ValidateStep["invalidRecord"], withoutErrors: (rec: Rec) => Rec) =>
    (input: ReadonlyArray<Rec>, frame: Frame): Ports => {
      // Made at the chunk's size and cut to what passed: an array grown by push from empty allocates about three times its size.
      const ok: Rec[] = new Array(input.length);
      let passed = 0;
      const invalid: Rec[] = [];
      for (let i = 0; i < input.length; i++) {
        const rec = input[i]!;
        const errors = check(rec, frame);
        if (errors === undefined) ok[passed++] = rec;
        else invalid.push(make ? make(rec, errors as Value) : { ...withoutErrors(rec), errors: errors as Value });
      }
      ok.length = passed;
      return new Map([["main", ok], ["invalid", invalid]]);
    },
);

/** A record that already carries `errors` (validated twice) keeps only the latest ones. */
function withoutErrors(rec: Rec): Rec {
  if (!Object.prototype.hasOwnProperty.call(rec, "errors")) return rec;
  const { errors: _drop, ...rest } = rec as Record<string, Value>;
  return rest;
}

/** Each step's copy, made once: a copy per run would start cold every run. */
const runs = new WeakMap<ValidateStep, ReturnType<typeof validating>>();
function runOf(step: ValidateStep): ReturnType<typeof validating> {
  let run = runs.get(step);
  if (!run) runs.set(step, (run = perSite(validating)(checkOf(step), step.invalidRecord, withoutErrors)));
  return run;
}

export const openValidate: OpenOperator<ValidateStep> = (step, _saved, ctx) => {
  const frame = newFrame(ctx.env, 0);
  const run = runOf(step);
  return {
    take: (_input, records) => run(records, frame),
    finish: () => undefined,
    close: () => ({}),
  };
};
