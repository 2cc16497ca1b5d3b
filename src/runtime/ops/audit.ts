// audit: passes records on unchanged and emits one audit event each, stamped
// with the stream, run, step and run clock.
import type { AuditStep } from "../../plan/plan.js";
import type { Rec } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export function runAudit(step: AuditStep, input: ReadonlyArray<Rec>, ctx: OpContext, events: Rec[]): Ports {
  const frame = newFrame(ctx.env, step.block.slots);
  const stamp = { stream: ctx.stream, run: ctx.env.run, step: step.name, time: ctx.env.now };
  for (const rec of input) events.push({ ...stamp, ...step.block.build(rec, frame) });
  return new Map([["main", input as Rec[]]]);
}

/** The operator keeps its events for the run's audit output. */
export const openAudit: OpenOperator<AuditStep> = (step, _saved, ctx) => {
  const events: Rec[] = [];
  return {
    take: (_input, records) => runAudit(step, records, ctx, events),
    finish: () => undefined,
    close: () => ({ audit: events }),
  };
};
