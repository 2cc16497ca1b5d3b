// Blocks of `let` and `FIELD = EXPR` statements (map, enrich, audit, simulate):
// statements run in order and a later one sees the earlier ones.
import type * as A from "../syntax/ast.js";
import type { FieldType, Schema } from "../values/types.js";
import type { CheckContext } from "./context.js";
import type { ExprChecker, Scope } from "./expr.js";

/**
 * Checks `body` in `scope` and returns the output schema: `base` (the input,
 * for enrich; empty for map) with each assigned field overwritten in place or
 * appended in order.
 */
export function checkBlock(ctx: CheckContext, exprs: ExprChecker, scope: Scope, body: ReadonlyArray<A.BlockStmt>, base: Schema): Schema {
  const out: FieldType[] = base.map((f) => ({ ...f }));
  const assigned = new Map<string, A.Ident>();
  const lets = new Map<string, A.Ident>();
  for (const stmt of body) {
    const type = exprs.type(scope, stmt.value);
    const name = stmt.kind === "Let" ? stmt.name : stmt.target;
    const earlier = assigned.get(name.name) ?? lets.get(name.name);
    if (earlier) {
      ctx.report("E1011.assigned", { name: name.name }, name.span, {
        secondary: [{ span: earlier.span, message: "first assigned here" }],
        hint: "use a `let` for an intermediate value",
      });
    }
    if (stmt.kind === "Let") lets.set(name.name, name);
    else {
      assigned.set(name.name, name);
      const i = out.findIndex((f) => f.name === name.name);
      const field: FieldType = { name: name.name, type, optional: true };
      if (i >= 0) out[i] = field;
      else out.push(field);
    }
    scope.locals.set(name.name, type);
  }
  return out;
}
