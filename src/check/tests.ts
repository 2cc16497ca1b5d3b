// `test` blocks: what they give and expect must name sources, tables, sinks,
// ports or the built-in outputs.
import type * as A from "../syntax/ast.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { CheckContext } from "./context.js";
import type { StepInfo } from "./checked.js";
import { MAIN } from "../model/ports.js";

export const BUILTIN_OUTPUTS = ["rejects", "audit"] as const;

export function checkTests(ctx: CheckContext, tests: ReadonlyArray<A.TestDecl>, steps: ReadonlyMap<string, StepInfo>): void {
  const seen = new Map<string, A.TestDecl>();
  for (const t of tests) {
    const first = seen.get(t.title.value);
    if (first) ctx.report("E1001.test", { title: t.title.value }, t.title.span, { secondary: [{ span: first.title.span, message: "first here" }] });
    seen.set(t.title.value, t);
    ctx.isolated(t.title.span, () => walk(ctx, t.body, steps));
  }
}

function walk(ctx: CheckContext, body: ReadonlyArray<A.TestStmt>, steps: ReadonlyMap<string, StepInfo>): void {
  const sources = [...steps.values()].filter((s) => s.decl.kind === "Source").map((s) => s.name);
  for (const stmt of body) {
    if (stmt.kind === "TestRun") walk(ctx, stmt.body, steps);
    else if (stmt.kind === "TestGiven") {
      const name = stmt.target.name;
      if (!sources.includes(name) && !ctx.tables.has(name)) {
        ctx.report("E1017", { name }, stmt.target.span, {
          hint: didYouMean(name, [...sources, ...ctx.tables.keys()]),
        });
      }
    } else if (stmt.kind === "TestExpect") {
      const name = stmt.target.name.name;
      const port = stmt.target.port?.name;
      if ((BUILTIN_OUTPUTS as ReadonlyArray<string>).includes(name) && !port) continue;
      const step = steps.get(name);
      if (!step) {
        ctx.report("E1018", { name }, stmt.target.name.span, {
          hint: didYouMean(name, [...steps.keys(), ...BUILTIN_OUTPUTS]),
        });
      } else if (step.decl.kind !== "Sink" && !step.ports.has(port ?? MAIN)) {
        const ports = [...step.ports.keys()];
        ctx.report("E1003.noPort", { step: name, port: port ?? MAIN }, stmt.target.port?.span ?? stmt.target.span, {
          hint: (port !== undefined ? didYouMean(port, ports) : undefined) ?? `its ports: ${ports.map((p) => (p === MAIN ? name : `${name}.${p}`)).join(", ")}`,
        });
      }
    }
  }
}
