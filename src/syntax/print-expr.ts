// Expressions as canonical text: canonical spacing, the fewest parentheses the
// precedence allows (docs/language.md section 4, "Expressions"), strings re-escaped, back-quotes only
// where a name needs them.
import type { Expr, Ident } from "./ast.js";
import { quoteString } from "./strings.js";

const reserved = new Set(["if", "then", "else", "and", "or", "not", "in", "matches", "between", "true", "false", "null"]);

export function printIdent(id: Ident): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(id.name) && !reserved.has(id.name) ? id.name : `\`${id.name}\``;
}

// Loosest first: if, ??, or, and, not, comparisons, + -, * / %, unary -, postfix, primary.
const enum Level { If = 1, Coalesce, Or, And, Not, Compare, Add, Mul, Unary, Postfix, Primary }

const binaryLevel: Readonly<Record<string, Level>> = {
  "??": Level.Coalesce, or: Level.Or, and: Level.And,
  "==": Level.Compare, "!=": Level.Compare, "<": Level.Compare, "<=": Level.Compare, ">": Level.Compare, ">=": Level.Compare, in: Level.Compare,
  "+": Level.Add, "-": Level.Add, "*": Level.Mul, "/": Level.Mul, "%": Level.Mul,
};

function levelOf(e: Expr): Level {
  switch (e.kind) {
    case "If": return Level.If;
    case "Binary": return binaryLevel[e.op]!;
    case "Matches": case "Between": return Level.Compare;
    case "Unary": return e.op === "not" ? Level.Not : Level.Unary;
    case "Member": case "Index": return Level.Postfix;
    default: return Level.Primary;
  }
}

/** `e` printed so that it reads back as an operand of at least `min` level. */
function operand(e: Expr, min: Level): string {
  const text = printExpr(e);
  return levelOf(e) < min ? `(${text})` : text;
}

const isNumber = (e: Expr) => e.kind === "IntLit" || e.kind === "DecimalLit" || e.kind === "DurationLit";

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "StringLit": return quoteString(e.value);
    case "IntLit": case "DecimalLit": case "DurationLit": return e.text;
    case "BoolLit": return String(e.value);
    case "NullLit": case "ErrorExpr": return "null";
    case "ListLit": return `[${e.items.map(printExpr).join(", ")}]`;
    case "RecordLit":
      return e.fields.length === 0 ? "{}" : `{ ${e.fields.map((f) => `${printIdent(f.name)}: ${printExpr(f.value)}`).join(", ")} }`;
    case "NameRef": return printIdent(e.name);
    case "Call": return `${printIdent(e.callee)}(${e.args.map(printExpr).join(", ")})`;
    case "Member": {
      // `1.x` would read as a malformed number.
      const object = isNumber(e.object) ? `(${printExpr(e.object)})` : operand(e.object, Level.Postfix);
      return `${object}.${printIdent(e.field)}`;
    }
    case "Index": return `${operand(e.object, Level.Postfix)}[${e.keys.map(printExpr).join(", ")}]`;
    case "Unary": {
      if (e.op === "not") return `not ${operand(e.operand, Level.Not)}`;
      const inner = operand(e.operand, Level.Unary);
      return inner.startsWith("-") ? `-(${inner})` : `-${inner}`;
    }
    case "Binary": {
      const level = binaryLevel[e.op]!;
      // Comparisons do not chain: both sides are additive.
      const leftMin = level === Level.Compare ? Level.Add : level;
      return `${operand(e.left, leftMin)} ${e.op} ${operand(e.right, level + 1)}`;
    }
    case "Matches": return `${operand(e.subject, Level.Add)} matches ${operand(e.pattern, Level.Add)}`;
    case "Between": return `${operand(e.value, Level.Add)} between ${operand(e.low, Level.Add)} and ${operand(e.high, Level.Add)}`;
    case "If": return `if ${printExpr(e.cond)} then ${printExpr(e.then)} else ${printExpr(e.otherwise)}`;
  }
}
