// Conversion functions: string int number decimal bool timestamp.
// int() of a number or decimal truncates toward zero; int/number/decimal of a
// bool give 1 or 0; timestamp() of an int or number reads epoch milliseconds.
import Big from "big.js";
import { T } from "../types.js";
import { Duration, Timestamp, intOf, type Value } from "../value.js";
import { parseBool, parseDecimal, parseIntText, parseNumber, parseTimestamp } from "../convert.js";
import { durationToIso, timestampToIso, toJson } from "../json.js";
import { anyParam, example, scalarParam, sig, type Example, type BuiltinDef } from "./def.js";
import { parseTime } from "./time.js";

/** The text of a value: decimals exact, timestamps and durations ISO-8601, lists/maps/records as JSON. */
export function valueToString(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v === null) return "null";
  if (v instanceof Big) return v.toFixed();
  if (v instanceof Timestamp) return timestampToIso(v.ms) ?? "";
  if (v instanceof Duration) return durationToIso(v.ms);
  return JSON.stringify(toJson(v));
}

/** int(x): toward zero, exact, null past 64 bits (an int of a number past 2^53 is the double's exact value). */
export function toInt(v: Value): Value {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    const t = Math.trunc(v) || 0;
    return Number.isSafeInteger(t) ? t : intOf(BigInt(t));
  }
  if (v instanceof Big) {
    if (v.e > 18) return null;
    return intOf(BigInt(v.round(0, Big.roundDown).toFixed()));
  }
  if (typeof v === "string") return parseIntText(v) ?? null;
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

export function toNumber(v: Value): Value {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Big) return Number(v.toString());
  if (typeof v === "string") return parseNumber(v) ?? null;
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

export function toDecimal(v: Value): Value {
  if (v instanceof Big) return v;
  if (typeof v === "bigint") return new Big(v.toString());
  if (typeof v === "number") return Number.isFinite(v) ? new Big(v) : null;
  if (typeof v === "string") return parseDecimal(v) ?? null;
  if (typeof v === "boolean") return new Big(v ? 1 : 0);
  return null;
}

export function toBool(v: Value): Value {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return parseBool(v) ?? null;
  if (typeof v === "number") return Number.isNaN(v) ? null : v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (v instanceof Big) return !v.eq(0);
  return null;
}

export function toTimestamp(v: Value, pattern?: Value): Value {
  if (pattern !== undefined) return parseTime(v, pattern);
  if (v instanceof Timestamp) return v;
  if (typeof v === "string") return parseTimestamp(v) ?? null;
  if (typeof v === "number") return Number.isFinite(v) && new Date(v).getTime() === v ? new Timestamp(Math.trunc(v)) : null;
  return null;
}

const conv = (name: string, result: "int" | "number" | "decimal" | "bool", impl: (v: Value) => Value, examples: ReadonlyArray<Example>): BuiltinDef => ({
  name,
  signature: `${name}(x) -> ${result}`,
  minArgs: 1,
  maxArgs: 1,
  group: "conversion",
  doc: "`(x scalar) -> T`; `int` truncates toward zero (null outside 64 bits); a bool gives 1/0",
  examples,
  check: sig(name, [scalarParam], T[result]),
  impl,
});

export const conversionFunctions: ReadonlyArray<BuiltinDef> = [
  {
    name: "string",
    signature: "string(x) -> string",
    minArgs: 1,
    maxArgs: 1,
    group: "conversion",
    doc: "`(x) -> string` (decimals exact, timestamps/durations ISO-8601, lists/maps as JSON)",
    examples: [example("string(0.10)", '"0.1"'), example("string(15m)", '"PT15M"'), example("string([1, 2])", '"[1,2]"')],
    check: sig("string", [anyParam], T.string),
    impl: (v) => (v === null ? null : valueToString(v)),
  },
  conv("int", "int", toInt, [example("int(-2.7)", "-2"), example('int("42")', "42"), example("int(true)", "1")]),
  conv("number", "number", toNumber, [example('number("1.5")', "number(1.5)")]),
  conv("decimal", "decimal", toDecimal, [example('decimal("0.10000000000000000001")', "0.10000000000000000001")]),
  conv("bool", "bool", toBool, [example('bool("TRUE")', "true"), example("bool(0)", "false")]),
  {
    name: "timestamp",
    signature: "timestamp(s string[, pattern string]) -> timestamp",
    minArgs: 1,
    maxArgs: 2,
    group: "conversion",
    doc: "`(s string[, pattern string]) -> timestamp` (an int/number is epoch milliseconds)",
    examples: [example('timestamp("2026-11-20")', 'timestamp("2026-11-20T00:00:00Z")'), example("timestamp(0)", 'timestamp("1970-01-01T00:00:00Z")')],
    check: sig(
      "timestamp",
      [{ describe: "a string, timestamp or epoch milliseconds", accepts: (t) => ["string", "timestamp", "int", "number", "any", "null"].includes(t.kind) }, T.string],
      T.timestamp,
    ),
    impl: toTimestamp,
  },
];
