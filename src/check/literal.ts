// Types of literal expressions (defaults, params, test records), without a scope.
import type * as A from "../syntax/ast.js";
import { T, unify, type Type } from "../values/types.js";

/** The type of a literal, or undefined when the expression is not a literal. */
export function literalType(e: A.Expr): Type | undefined {
  switch (e.kind) {
    case "StringLit":
      return T.string;
    case "IntLit":
      return T.int;
    case "DecimalLit":
      return T.decimal;
    case "BoolLit":
      return T.bool;
    case "NullLit":
      return T.null;
    case "DurationLit":
      return T.duration;
    case "Unary":
      return e.op === "-" ? literalType(e.operand) : undefined;
    case "ListLit": {
      let element: Type | undefined = T.null;
      for (const item of e.items) {
        const t = literalType(item);
        element = t && element && unify(element, t);
        if (!element) return undefined;
      }
      return T.list(element.kind === "null" ? T.any : element);
    }
    case "RecordLit": {
      const fields = [];
      for (const f of e.fields) {
        const t = literalType(f.value);
        if (!t) return undefined;
        fields.push({ name: f.name.name, type: t });
      }
      return T.record(fields);
    }
    default:
      return undefined;
  }
}
