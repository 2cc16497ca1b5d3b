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

/** How many steps of a cycle its diagnostic names. */
const SHOWN = 12;

/**
 * Orders steps so that each comes after the steps it reads, keeping source
 * order among independent steps. Steps on a cycle are reported and left out.
 * A depth-first search with an explicit stack: a chain of thousands of steps
 * must not exhaust the call stack.
 */
export function orderSteps(ctx: CheckContext, steps: ReadonlyArray<A.StepDecl>): A.StepDecl[] {
  const byName = new Map(steps.map((s) => [s.name.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const order: A.StepDecl[] = [];
  const onCycle = new Set<string>();
  /** The steps being visited, outermost first, each with the index of its next input to follow. */
  const path: Array<{ step: A.StepDecl; next: number }> = [];

  const reportCycle = (s: A.StepDecl): void => {
    const cycle = path.slice(path.findIndex((p) => p.step === s)).map((p) => p.step);
    if (cycle.some((c) => onCycle.has(c.name.name))) return;
    cycle.forEach((c) => onCycle.add(c.name.name));
    // A long cycle is named by its ends, so the message stays readable.
    const names = [...cycle, s].map((c) => c.name.name);
    const shown = names.length <= SHOWN ? names.join(" -> ") : `${names.slice(0, SHOWN / 2).join(" -> ")} -> … -> ${names.slice(-SHOWN / 2).join(" -> ")} (${cycle.length} steps)`;
    ctx.report("E1004", { names: shown }, s.name.span, {
      secondary: cycle.slice(1, SHOWN).map((c) => ({ span: c.name.span, message: "on the cycle" })),
      hint: "a step cannot read, directly or indirectly, its own output",
    });
  };
  const enter = (s: A.StepDecl): void => {
    const st = state.get(s.name.name);
    if (st === "visiting") reportCycle(s);
    if (st !== undefined) return;
    state.set(s.name.name, "visiting");
    path.push({ step: s, next: 0 });
  };

  for (const root of steps) {
    enter(root);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const inputs = stepInputs(top.step);
      if (top.next < inputs.length) {
        const dep = byName.get(inputs[top.next++]!.name.name);
        if (dep) enter(dep);
        continue;
      }
      path.pop();
      state.set(top.step.name.name, "done");
      order.push(top.step);
    }
  }
  const ordered = order.filter((s) => !onCycle.has(s.name.name));
  limitChains(ctx, ordered, byName);
  return ordered;
}

/**
 * How many steps a path from a source to a sink, both included, may pass (docs/language.md,
 * "Limits"). A run
 * hands each chunk of records on from step to step down the path, one call deeper per step.
 */
export const MAX_CHAIN = 1000;

/** E1021 at the first step (in order) whose path from a source is longer than MAX_CHAIN. */
function limitChains(ctx: CheckContext, ordered: ReadonlyArray<A.StepDecl>, byName: ReadonlyMap<string, A.StepDecl>): void {
  const length = new Map<string, number>();
  for (const s of ordered) {
    let longest = 0;
    for (const input of stepInputs(s)) longest = Math.max(longest, length.get(byName.get(input.name.name)?.name.name ?? "") ?? 0);
    length.set(s.name.name, longest + 1);
    if (longest + 1 > MAX_CHAIN) {
      ctx.report("E1021", { name: s.name.name, position: longest + 1, limit: MAX_CHAIN }, s.name.span, {
        hint: `a path from a source to a sink, both included, may pass at most ${MAX_CHAIN} steps; fold steps that only pass records on into one`,
      });
      return;
    }
  }
}
