// The static typing of every operator, in one place: unary `-` and `not`,
// arithmetic, `and`/`or`, `==`/`!=`, orderings and `between`, `??`, `in` and
// `matches`. The checker asks these and reports what they refuse; the kernels
// in values/ops.ts compute only what these admit.
//
// `any` and `null` operands are unknown: they are admitted everywhere, so one
// mistake upstream gives one diagnostic.
import type * as A from "../syntax/ast.js";
import { T, assignable, isNumeric, unify, type Type } from "../values/types.js";
import type { ArithmeticOp } from "../values/ops.js";

const unknown = (t: Type): boolean => t.kind === "any" || t.kind === "null";

/**
 * The kinds `<`, `between` (and so `min`/`max`'s intent) order. Bool is not
 * ordered: `a < b` on flags is almost always a slip, and `a and not b` says it.
 */
const ORDERED: ReadonlySet<Type["kind"]> = new Set(["int", "number", "decimal", "string", "timestamp", "duration", "any", "null"]);

/** Operands of `not`, `and`, `or`, and conditions. */
export const isCondition = (t: Type): boolean => t.kind === "bool" || unknown(t);

/** The subject of `matches`. */
export const isText = (t: Type): boolean => t.kind === "string" || unknown(t);

/** `-x`: the operand's own type, or undefined when it is neither numeric nor a duration. */
export function negationType(t: Type): Type | undefined {
  return isNumeric(t) || t.kind === "duration" || unknown(t) ? t : undefined;
}

/** `==` and `!=`: values of types that share no value are never equal, which is an error. */
export const canEqual = (l: Type, r: Type): boolean => unify(l, r) !== undefined;

/** `<`, `<=`, `>`, `>=`, and each bound of `between`: one ordered type (numbers across int/number/decimal). */
export function canOrder(l: Type, r: Type): boolean {
  const u = unify(l, r);
  return u !== undefined && ORDERED.has(u.kind);
}

/** `a ?? b`: the common type of both sides, or undefined. */
export const coalesceType = (l: Type, r: Type): Type | undefined => unify(l, r);

/** `x in COLLECTION` for a list or a map (tables are checked against their key columns). */
export function membership(value: Type, collection: Type): "ok" | "element" | "key" | "collection" {
  if (collection.kind === "list") return unify(value, collection.element) ? "ok" : "element";
  if (collection.kind === "map") return assignable(value, T.string) ? "ok" : "key";
  return unknown(collection) ? "ok" : "collection";
}

function numericResult(l: Type, r: Type): Type {
  if (l.kind === "number" || r.kind === "number") return T.number;
  if (l.kind === "decimal" || r.kind === "decimal") return T.decimal;
  return T.int;
}

/**
 * `left OP right` for `+ - * / %`: the result type, or undefined when the
 * operation is a type error. A null side takes the other side's type.
 */
export function arithmeticType(op: ArithmeticOp, left: Type, right: Type): Type | undefined {
  const l = left.kind;
  const r = right.kind;
  if (l === "any" || r === "any") return T.any;
  if (l === "null") return r === "null" ? T.null : right;
  if (r === "null") return left;
  // int / int is exact: a decimal (ops.ts, DIVISION_PLACES), so money divided stays money.
  if (isNumeric(left) && isNumeric(right)) return op === "/" && l === "int" && r === "int" ? T.decimal : numericResult(left, right);
  switch (op) {
    case "+":
      if (l === "string" && r === "string") return T.string;
      if ((l === "timestamp" && r === "duration") || (l === "duration" && r === "timestamp")) return T.timestamp;
      if (l === "duration" && r === "duration") return T.duration;
      return undefined;
    case "-":
      if (l === "timestamp" && r === "duration") return T.timestamp;
      if (l === "timestamp" && r === "timestamp") return T.duration;
      if (l === "duration" && r === "duration") return T.duration;
      return undefined;
    case "*":
      if ((isNumeric(left) && r === "duration") || (l === "duration" && isNumeric(right))) return T.duration;
      return undefined;
    case "/":
      if (l === "duration" && isNumeric(right)) return T.duration;
      if (l === "duration" && r === "duration") return T.decimal;
      return undefined;
    case "%":
      return undefined;
  }
}

/** Arithmetic that mixes an exact decimal with a floating-point number (the result is a number): W1010. */
export const losesExactness = (left: Type, right: Type): boolean =>
  (left.kind === "decimal" && right.kind === "number") || (left.kind === "number" && right.kind === "decimal");

export const isArithmetic = (op: A.BinaryOp): op is ArithmeticOp => op === "+" || op === "-" || op === "*" || op === "/" || op === "%";
