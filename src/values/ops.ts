// Arithmetic and comparison kernels, null-propagating and total (never throw).
// Their static typing (what the checker admits) is check/operator-types.ts.
//
// Numeric rules: a decimal (big.js) with an int gives a decimal; anything with
// `number` gives a number. An int is exact and signed 64-bit: a safe integer is
// a JS number, a larger one a bigint (see value.ts), and a result outside the
// 64-bit range is null. At run time a safe int and a number look alike, so the
// generic kernels treat a JS number meeting a decimal as exact (decimal
// arithmetic) and a bigint meeting an integral JS number as int arithmetic;
// `compileBinary`, which knows the static types, picks the int kernels for
// int with int and turns a decimal or big int into a number when the other
// side is typed `number`.
// Division: int / int is an exact decimal, as decimal division is: a quotient
// that does not end within DIVISION_PLACES places is rounded there, half away
// from zero (big.js's default 20 places, half-up). Division or remainder by zero gives null, as do
// non-finite results and decimals beyond the exponent bound (convert.ts).
import Big from "big.js";
import { DECIMAL_MAX_EXPONENT, Duration, Timestamp, compareValues, intOf, scaleOf, toBigInt, valueEquals, withScale, type Value } from "./value.js";
import { isNumeric, type Type } from "./types.js";

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

const finite = (n: number): Value => (Number.isFinite(n) ? n : null);

function toBig(v: number | bigint | Big): Big | undefined {
  return typeof v === "number" ? (Number.isFinite(v) ? new Big(v) : undefined) : typeof v === "bigint" ? new Big(v.toString()) : v;
}

const isNum = (v: Value): v is number | bigint | Big => typeof v === "number" || typeof v === "bigint" || v instanceof Big;
const toFloat = (v: number | bigint | Big): number => (typeof v === "number" ? v : Number(v.toString()));

/** A decimal result within the exponent bound, else null (a result that large or small cannot be answered). */
const bounded = (d: Big): Value => (d.c.length === 1 && d.c[0] === 0 ? d : d.e > DECIMAL_MAX_EXPONENT || d.e < -DECIMAL_MAX_EXPONENT ? null : d);

/**
 * The places of a quotient that does not end sooner (`1 / 3`): it is rounded
 * half away from zero to this many places. big.js's default (`Big.DP`, which
 * nothing here changes); docs/language.md, "Exact division".
 */
export const DIVISION_PLACES = 20;

/** a / b as an exact decimal (to DIVISION_PLACES places), null for b = 0. */
function intQuotient(a: number | bigint, b: number | bigint): Value {
  if (b === 0 || b === 0n) return null;
  return bounded(new Big(typeof a === "bigint" ? a.toString() : a).div(typeof b === "bigint" ? b.toString() : b));
}

/** int OP int, exactly, on bigints; `/` is the exact quotient as a decimal. */
function bigIntArith(op: ArithmeticOp, a: bigint, b: bigint): Value {
  switch (op) {
    case "+":
      return intOf(a + b);
    case "-":
      return intOf(a - b);
    case "*":
      return intOf(a * b);
    case "%":
      return b === 0n ? null : intOf(a % b);
    case "/":
      return intQuotient(a, b);
  }
}

/** int OP int where the fast path did not answer: bigints, results beyond the safe range, or nulls. */
function intSlow(op: ArithmeticOp, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const x = toBigInt(a);
  const y = toBigInt(b);
  // Not integers after all (a host function typed int that returns 1.5): the generic rules.
  return x !== undefined && y !== undefined ? bigIntArith(op, x, y) : arithmetic(op, a, b);
}

// The int kernels: two safe ints whose double result is a safe integer are
// answered by the double (it is then exact: rounding is monotone and every
// integer up to 2^53 is a double); anything else goes to bigints.
const INT_KERNELS: Record<ArithmeticOp, (a: Value, b: Value) => Value> = {
  "+": (a, b) => {
    if (typeof a === "number" && typeof b === "number") {
      const r = a + b;
      if (Number.isSafeInteger(r)) return r;
    }
    return intSlow("+", a, b);
  },
  "-": (a, b) => {
    if (typeof a === "number" && typeof b === "number") {
      const r = a - b;
      if (Number.isSafeInteger(r)) return r;
    }
    return intSlow("-", a, b);
  },
  "*": (a, b) => {
    if (typeof a === "number" && typeof b === "number") {
      const r = a * b;
      if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
    }
    return intSlow("*", a, b);
  },
  "%": (a, b) => {
    if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
      if (b === 0) return null;
      const r = a % b;
      return r === 0 ? 0 : r;
    }
    return intSlow("%", a, b);
  },
  "/": (a, b) => {
    if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return intQuotient(a, b);
    return intSlow("/", a, b);
  },
};

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
  const r = decimalResult(op, a, b);
  if (r === null || op === "/") return r;
  // A fixed scale carries on (value.ts, SCALES): the larger one for + - %, the sum for *.
  const pa = scaleOf(a);
  const pb = scaleOf(b);
  if (pa === undefined && pb === undefined) return r;
  const places = op === "*" ? (pa ?? 0) + (pb ?? 0) : Math.max(pa ?? 0, pb ?? 0);
  return withScale(r as Big, Math.min(places, DECIMAL_MAX_EXPONENT));
}

function decimalResult(op: ArithmeticOp, a: Big, b: Big): Value {
  switch (op) {
    case "+":
      return bounded(a.plus(b));
    case "-":
      return bounded(a.minus(b));
    case "*":
      return bounded(a.times(b));
    case "/":
      return b.eq(0) ? null : bounded(a.div(b));
    case "%":
      return b.eq(0) ? null : bounded(a.mod(b));
  }
}

const scale = (d: Duration, n: number | bigint | Big): Value => {
  const f = toFloat(n);
  const ms = Math.round(d.ms * f);
  return Number.isFinite(ms) ? new Duration(ms) : null;
};

/** `a OP b` on runtime values; null when either side is null or the operation is undefined. */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return numberArith(op, a, b);
  if (isNum(a) && isNum(b)) {
    if (a instanceof Big || b instanceof Big) {
      const x = toBig(a);
      const y = toBig(b);
      return x && y ? decimalArith(op, x, y) : null;
    }
    // A big int with an integral number is int arithmetic; with a fraction, floating point.
    const x = toBigInt(a);
    const y = toBigInt(b);
    return x !== undefined && y !== undefined ? bigIntArith(op, x, y) : numberArith(op, toFloat(a), toFloat(b));
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
      // A ratio of durations is exact, as `/` between ints is (docs/language.md, Exact division).
      if (op === "/") return intQuotient(a.ms, b.ms);
      return null;
    }
    if (b instanceof Timestamp) return op === "+" ? new Timestamp(a.ms + b.ms) : null;
    if (isNum(b)) {
      if (op === "*") return scale(a, b);
      if (op === "/") {
        const f = toFloat(b);
        return f === 0 ? null : scale(a, 1 / f);
      }
    }
    return null;
  }
  if (isNum(a) && b instanceof Duration) return op === "*" ? scale(b, a) : null;
  return null;
}

/** Unary minus; null for null and non-numeric values, and for the int -2^63 (its negation is past 64 bits). */
export function negate(a: Value): Value {
  if (typeof a === "number") return a === 0 ? 0 : -a;
  if (typeof a === "bigint") return intOf(-a);
  if (a instanceof Big) {
    const p = scaleOf(a);
    return p === undefined ? a.neg() : withScale(a.neg(), p);
  }
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
  // An int with an int, or with a value of unknown type (which may be an int): exact. The
  // int kernels hand anything that is not a pair of integers to the generic rules.
  const loose = (t: Type): boolean => t.kind === "any" || t.kind === "null";
  if ((left.kind === "int" && (right.kind === "int" || loose(right))) || (right.kind === "int" && loose(left))) return INT_KERNELS[op];
  const toNumber = (v: Value): Value => (v instanceof Big || typeof v === "bigint" ? Number(v.toString()) : v);
  if (left.kind === "int" || left.kind === "number") {
    if (right.kind === "int" || right.kind === "number") {
      // One side is a number: floating point, a big int taken as its nearest double.
      return (a, b) => (typeof a === "number" && typeof b === "number" ? numberArith(op, a, b) : arithmetic(op, toNumber(a), toNumber(b)));
    }
  }
  if (left.kind === "number" && right.kind === "decimal") return (a, b) => arithmetic(op, toNumber(a), toNumber(b));
  if (left.kind === "decimal" && right.kind === "number") return (a, b) => arithmetic(op, toNumber(a), toNumber(b));
  return (a, b) => arithmetic(op, a, b);
}

/**
 * A value of one numeric type as the wider type a `??` or `if` was typed with
 * (`unify`: int and decimal give decimal, number with either gives number), so
 * that the value has the type the checker gave it. Anything else is unchanged.
 */
export function widenTo(to: Type, from: Type): ((v: Value) => Value) | undefined {
  if (to.kind === from.kind || !isNumeric(from)) return undefined;
  if (to.kind === "number") return (v) => (typeof v === "bigint" ? Number(v) : v instanceof Big ? Number(v.toString()) : v);
  if (to.kind === "decimal" && from.kind === "int") return (v) => (typeof v === "number" ? new Big(v) : typeof v === "bigint" ? new Big(v.toString()) : v);
  return undefined;
}
