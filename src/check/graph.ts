// The step graph: which steps feed which, a topological order, and cycles.
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";

export function stepInputs(d: A.StepDecl): ReadonlyArray<A.InputRef> {
  switch (d.kind) {
    case "Source":
      return [];
    case "Merge":
    case "Sink":
      return d.inputs;
    default:
      return [d.input];
  }
}

/**
 * Orders steps so that each comes after the steps it reads, keeping source
 * order among independent steps. Steps on a cycle are reported and left out.
 */
export function orderSteps(ctx: CheckContext, steps: ReadonlyArray<A.StepDecl>): A.StepDecl[] {
  const byName = new Map(steps.map((s) => [s.name.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const order: A.StepDecl[] = [];
  const onCycle = new Set<string>();

  const visit = (s: A.StepDecl, path: A.StepDecl[]): void => {
    const name = s.name.name;
    const st = state.get(name);
    if (st === "done") return;
    if (st === "visiting") {
      const cycle = path.slice(path.indexOf(s));
      if (!cycle.some((c) => onCycle.has(c.name.name))) {
        cycle.forEach((c) => onCycle.add(c.name.name));
        const names = [...cycle, s].map((c) => c.name.name).join(" -> ");
        ctx.report("E1004", { names }, s.name.span, {
          secondary: cycle.slice(1).map((c) => ({ span: c.name.span, message: "on the cycle" })),
          hint: "a step cannot read, directly or indirectly, its own output",
        });
      }
      return;
    }
    state.set(name, "visiting");
    for (const input of stepInputs(s)) {
      const dep = byName.get(input.name.name);
      if (dep) visit(dep, [...path, s]);
    }
    state.set(name, "done");
    order.push(s);
  };
  for (const s of steps) visit(s, []);
  return order.filter((s) => !onCycle.has(s.name.name));
}
