// The direct sub-expressions of an expression, so analyses that look for one
// kind of node need not repeat the traversal.
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
