// Number functions. Each keeps its argument's type (floor(2.5) is the number 2;
// use int(…) to get an int). round rounds half away from zero; digits may be
// negative (round(1250, -2) = 1300). Numbers round via their shortest decimal
// text, so round(1.005, 2) = 1.01 as a reader expects. Ints stay exact: a
// rounding past 64 bits (round(9223372036854775807, -1)) is null.
import Big from "big.js";
import { T, type Type } from "../types.js";
import { compareValues, intOf, scaleOf, withScale, type Value } from "../value.js";
import { example, numericParam, sig, unifyArgs, type CheckResult, type Example, type BuiltinDef } from "./def.js";
import { message } from "../../diagnostics/codes.js";

const ROUND_HALF_UP = 1; // big.js: half away from zero
const ROUND_DOWN = 0;
const ROUND_UP = 3;

function roundBig(x: Big, digits: number, mode: number): Big {
  if (digits >= 0) return x.round(digits, mode as Big.RoundingMode);
  const f = new Big(10).pow(-digits);
  return x.div(f).round(0, mode as Big.RoundingMode).times(f);
}

/** An integral decimal as an int: a safe number, a bigint within 64 bits, or null. */
const intOfBig = (b: Big): Value => intOf(BigInt(b.toFixed()));

function applyRounding(x: Value, digits: number, mode: (b: Big) => number): Value {
  try {
    if (typeof x === "bigint") return digits >= 0 ? x : intOfBig(roundBig(new Big(x.toString()), digits, mode(new Big(x.toString()))));
    if (typeof x === "number") {
      if (!Number.isFinite(x)) return null;
      const big = roundBig(new Big(x), digits, mode(new Big(x)));
      const r = Number(big.toString());
      // A safe int rounded past 2^53 (round(9007199254740991, -3)) is an int beyond the safe range.
      if (Number.isSafeInteger(x) && Number.isInteger(r) && !Number.isSafeInteger(r)) return intOfBig(big);
      return r === 0 ? 0 : r;
    }
    if (x instanceof Big) return roundBig(x, digits, mode(x));
  } catch {
    return null;
  }
  return null;
}

/** round(x, p) of a decimal has the fixed scale p (p >= 0): `round(13, 2)` is written `13.00`. */
export function round(x: Value, digits?: Value): Value {
  const d = digits === undefined ? 0 : digits;
  if (typeof d !== "number" || !Number.isInteger(d) || Math.abs(d) > 1000) return null;
  const r = applyRounding(x, d, () => ROUND_HALF_UP);
  return r instanceof Big && digits !== undefined ? withScale(r, Math.max(d, 0)) : r;
}
export const floor = (x: Value): Value => applyRounding(x, 0, (b) => (b.s < 0 ? ROUND_UP : ROUND_DOWN));
export const ceil = (x: Value): Value => applyRounding(x, 0, (b) => (b.s < 0 ? ROUND_DOWN : ROUND_UP));

export function abs(x: Value): Value {
  if (typeof x === "number") return Math.abs(x);
  if (typeof x === "bigint") return intOf(x < 0n ? -x : x);
  if (x instanceof Big) {
    const p = scaleOf(x);
    return p === undefined ? x.abs() : withScale(x.abs(), p);
  }
  return null;
}

/** The greatest (sign 1) or least (-1) non-null argument; null if none or if two are incomparable. */
function extreme(sign: 1 | -1) {
  return (...args: Value[]): Value => {
    let best: Value = null;
    for (const a of args) {
      if (a === null) continue;
      if (best === null) {
        best = a;
        continue;
      }
      const c = compareValues(a, best);
      if (c === undefined) return null;
      if (c * sign > 0) best = a;
    }
    return best;
  };
}

const sameAsArg = (args: ReadonlyArray<Type>): Type => args[0] ?? T.any;
const ordered = (name: string) => (args: ReadonlyArray<Type>): CheckResult => {
  const u = unifyArgs(name, args);
  if (u.ok && !["any", "null", "string", "int", "number", "decimal", "bool", "timestamp", "duration"].includes(u.type.kind)) {
    return { ok: false, message: message("E2002.comparable", { name, type: u.type.kind }), arg: 0 };
  }
  return u;
};
const unary = (name: string, impl: (x: Value) => Value, examples: ReadonlyArray<Example>): BuiltinDef => ({
  name,
  signature: `${name}(x int/number/decimal) -> the type of x`,
  minArgs: 1,
  maxArgs: 1,
  group: "numbers",
  doc: "`(x N) -> N`, the argument's numeric type",
  examples,
  check: sig(name, [numericParam], sameAsArg),
  impl,
});
const extremeDef = (name: string, sign: 1 | -1, examples: ReadonlyArray<Example>): BuiltinDef => ({
  name,
  signature: `${name}(x, …) -> x`,
  minArgs: 1,
  maxArgs: Infinity,
  group: "numbers",
  doc: "`(x, …) -> x`, ignoring nulls",
  examples,
  check: ordered(name),
  choosesArgument: true,
  impl: extreme(sign),
});

export const numberFunctions: ReadonlyArray<BuiltinDef> = [
  unary("abs", abs, [example("abs(-2.50)", "2.50"), example("abs(-3)", "3")]),
  unary("floor", floor, [example("floor(-2.5)", "decimal(-3)"), example("floor(number(2.5))", "number(2)")]),
  unary("ceil", ceil, [example("ceil(2.1)", "decimal(3)"), example("ceil(-2.5)", "decimal(-2)")]),
  {
    name: "round",
    signature: "round(x int/number/decimal[, digits int]) -> the type of x",
    minArgs: 1,
    maxArgs: 2,
    group: "numbers",
    doc: "`(x N[, digits int]) -> N`, half away from zero; `digits` may be negative",
    examples: [example("round(2.5)", "decimal(3)"), example("round(-2.5)", "decimal(-3)"), example("round(number(1.005), 2)", "number(1.01)"), example("round(1250, -2)", "1300")],
    check: sig("round", [numericParam, T.int], sameAsArg),
    impl: round,
  },
  extremeDef("greatest", 1, [example("greatest(1, null, 3)", "3"), example("greatest(2, 1.5)", "decimal(2)")]),
  extremeDef("least", -1, [example('least("b", "a")', '"a"')]),
];
