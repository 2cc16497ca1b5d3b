// route: each record goes to the first branch whose condition holds, else to
// the `else` port or `unmatched`.
import type { RouteStep } from "../../plan/plan.js";
import type { Rec } from "../../values/value.js";
import { newFrame } from "../../plan/env.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

export function runRoute(step: RouteStep, input: ReadonlyArray<Rec>, ctx: OpContext): Ports {
  const frame = newFrame(ctx.env, 0);
  const ports: Ports = new Map(step.ports.map((p) => [p.name, [] as Rec[]]));
  const other = ports.get(step.otherwise)!;
  const branches = step.branches.map((b) => ({ when: b.when, out: ports.get(b.port)! }));
  const n = branches.length;
  for (const rec of input) {
    let out = other;
    for (let i = 0; i < n; i++) {
      const b = branches[i]!;
      if (b.when(rec, frame) === true) {
        out = b.out;
        break;
      }
    }
    out.push(rec);
  }
  return ports;
}

export const openRoute: OpenOperator<RouteStep> = (step, _saved, ctx) => ({
  take: (_input, records) => runRoute(step, records, ctx),
  finish: () => undefined,
  close: () => ({}),
});
