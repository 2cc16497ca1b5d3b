// The direct sub-expressions of an expression, so analyses that look for one
// kind of node need not repeat the traversal.
import type * as A from "./ast.js";
import type { Expr } from "./ast.js";

export function childExprs(e: Expr): ReadonlyArray<Expr> {
  switch (e.kind) {
    case "Member":
      return [e.object];
    case "Index":
      return [e.object, ...e.keys];
    case "Call":
      return e.args;
    case "Unary":
      return [e.operand];
    case "Binary":
      return [e.left, e.right];
    case "Matches":
      return [e.subject, e.pattern];
    case "Between":
      return [e.value, e.low, e.high];
    case "If":
      return [e.cond, e.then, e.otherwise];
    case "ListLit":
      return e.items;
    case "RecordLit":
      return e.fields.map((f) => f.value);
    default:
      return [];
  }
}

/**
 * The outermost sub-expressions (in evaluation order) for which `match` holds;
 * the search does not descend into a match.
 */
export function findOutermost<T extends Expr>(e: Expr, match: (x: Expr) => x is T): T[] {
  const out: T[] = [];
  const walk = (x: Expr): void => {
    if (match(x)) out.push(x);
    else childExprs(x).forEach(walk);
  };
  walk(e);
  return out;
}

/** The top-level expressions of a declaration (schema defaults included), for analyses that walk every expression. */
export function declExprs(d: A.Decl): A.Expr[] {
  const block = (b: ReadonlyArray<A.BlockStmt>) => b.map((s) => s.value);
  switch (d.kind) {
    case "Param":
      return d.default ? [d.default] : [];
    case "Const":
      return [d.value];
    case "Trigger":
      return [d.count];
    case "Source":
      return [...(d.origin.kind === "SimulateOrigin" ? [d.origin.count, ...(d.origin.seed ? [d.origin.seed] : [])] : []), ...block(d.fields), ...d.schema.flatMap((f) => (f.default ? [f.default] : []))];
    case "Validate":
      return d.rules.map((r) => r.expr);
    case "Map":
      return [...(d.forEach ? [d.forEach.over] : []), ...block(d.body)];
    case "Enrich":
    case "Audit":
      return block(d.body);
    case "Dedup":
      return [...d.keys, ...(d.within ? [d.within] : [])];
    case "Route":
      return d.branches.map((b) => b.when);
    case "Aggregate":
      return [
        ...d.keys.flatMap((k) => (k.expr ? [k.expr] : [])),
        ...(d.eventTime ? [d.eventTime.at, ...(d.eventTime.lateness ? [d.eventTime.lateness] : [])] : []),
        ...d.fields.flatMap((f) => [f.value, ...(f.by ? [f.by] : [])]),
        ...d.flush.flatMap((t) => (t.kind === "FlushAfterIdle" ? [t.idle] : t.kind === "FlushAt" ? [t.at] : t.kind === "FlushWhen" ? [t.cond] : [])),
      ];
    default:
      return [];
  }
}
