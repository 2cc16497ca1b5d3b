// Arithmetic and comparison kernels, null-propagating and total (never throw).
// Their static typing (what the checker admits) is check/operator-types.ts.
//
// Numeric rules: int and number are both JS numbers; a decimal (big.js) with an
// int gives a decimal; anything with `number` gives a number. At run time an int
// and a number look alike, so the generic kernels treat a JS number meeting a
// decimal as exact (decimal arithmetic); `compileBinary`, which knows the static
// types, turns the decimal into a number when the other side is typed `number`.
// Division: int / int is exact when divisible and otherwise the fractional
// number (its static type is `number`); decimal division keeps big.js's default
// 20 decimal places (half-up). Division or remainder by zero gives null, as do
// non-finite results.
import Big from "big.js";
import { Duration, Timestamp, compareValues, valueEquals, type Value } from "./value.js";
import type { Type } from "./types.js";

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

const finite = (n: number): Value => (Number.isFinite(n) ? n : null);

function toBig(v: number | Big): Big | undefined {
  return typeof v === "number" ? (Number.isFinite(v) ? new Big(v) : undefined) : v;
}

function numberArith(op: ArithmeticOp, a: number, b: number): Value {
  switch (op) {
    case "+":
      return finite(a + b);
    case "-":
      return finite(a - b);
    case "*":
      return finite(a * b);
    case "/":
      return b === 0 ? null : finite(a / b);
    case "%":
      return b === 0 ? null : finite(a % b);
  }
}

function decimalArith(op: ArithmeticOp, a: Big, b: Big): Value {
  switch (op) {
    case "+":
      return a.plus(b);
    case "-":
      return a.minus(b);
    case "*":
      return a.times(b);
    case "/":
      return b.eq(0) ? null : a.div(b);
    case "%":
      return b.eq(0) ? null : a.mod(b);
  }
}

const scale = (d: Duration, n: number | Big): Value => {
  const f = typeof n === "number" ? n : Number(n.toString());
  const ms = Math.round(d.ms * f);
  return Number.isFinite(ms) ? new Duration(ms) : null;
};

/** `a OP b` on runtime values; null when either side is null or the operation is undefined. */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return numberArith(op, a, b);
  if ((typeof a === "number" || a instanceof Big) && (typeof b === "number" || b instanceof Big)) {
    const x = toBig(a);
    const y = toBig(b);
    return x && y ? decimalArith(op, x, y) : null;
  }
  if (typeof a === "string" && typeof b === "string") return op === "+" ? a + b : null;
  if (a instanceof Timestamp) {
    if (b instanceof Duration) return op === "+" ? new Timestamp(a.ms + b.ms) : op === "-" ? new Timestamp(a.ms - b.ms) : null;
    if (b instanceof Timestamp) return op === "-" ? new Duration(a.ms - b.ms) : null;
    return null;
  }
  if (a instanceof Duration) {
    if (b instanceof Duration) {
      if (op === "+") return new Duration(a.ms + b.ms);
      if (op === "-") return new Duration(a.ms - b.ms);
      if (op === "/") return b.ms === 0 ? null : a.ms / b.ms;
      return null;
    }
    if (b instanceof Timestamp) return op === "+" ? new Timestamp(a.ms + b.ms) : null;
    if (typeof b === "number" || b instanceof Big) {
      if (op === "*") return scale(a, b);
      if (op === "/") {
        const f = typeof b === "number" ? b : Number(b.toString());
        return f === 0 ? null : scale(a, 1 / f);
      }
    }
    return null;
  }
  if ((typeof a === "number" || a instanceof Big) && b instanceof Duration) return op === "*" ? scale(b, a) : null;
  return null;
}

/** Unary minus; null for null and non-numeric values. */
export function negate(a: Value): Value {
  if (typeof a === "number") return a === 0 ? 0 : -a;
  if (a instanceof Big) return a.neg();
  if (a instanceof Duration) return new Duration(a.ms === 0 ? 0 : -a.ms);
  return null;
}

/**
 * Comparisons. `==` and `!=` treat null as a value (null == null is true,
 * null == 5 is false, and `!=` is always the negation of `==`); ordering
 * comparisons involving null, or incomparable values, are false.
 */
export function compare(op: ComparisonOp, a: Value, b: Value): boolean {
  switch (op) {
    case "==":
      return a === null || b === null ? a === b : valueEquals(a, b);
    case "!=":
      return a === null || b === null ? a !== b : !valueEquals(a, b);
    default: {
      const c = compareValues(a, b);
      if (c === undefined) return false;
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
  }
}

/**
 * A kernel specialised for the operands' static types, compiled once per
 * expression: `number` with `decimal` computes in floating point, as the static
 * type promises.
 */
export function compileBinary(op: ArithmeticOp, left: Type, right: Type): (a: Value, b: Value) => Value {
  if (left.kind === "int" || left.kind === "number") {
    if (right.kind === "int" || right.kind === "number") {
      return (a, b) => (typeof a === "number" && typeof b === "number" ? numberArith(op, a, b) : arithmetic(op, a, b));
    }
  }
  const toNumber = (v: Value): Value => (v instanceof Big ? Number(v.toString()) : v);
  if (left.kind === "number" && right.kind === "decimal") return (a, b) => arithmetic(op, a, toNumber(b));
  if (left.kind === "decimal" && right.kind === "number") return (a, b) => arithmetic(op, toNumber(a), b);
  return (a, b) => arithmetic(op, a, b);
}
