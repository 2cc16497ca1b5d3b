// Runtime values of the language. An `int` is a JS number while it is a safe
// integer (|n| <= 2^53 - 1) and a `bigint` beyond that, up to the signed 64-bit
// range: never both for one value, so `===` and the fast paths stay on numbers.
// A `number` is a JS number too (the static type tells int and number apart);
// `decimal` is big.js; records are plain objects whose fields are in schema
// order; maps are `Map`s with string keys, so keys such as "__proto__" are ordinary.
import Big from "big.js";
import { put } from "../model/dict.js";
import { JsonNumber } from "../model/json-number.js";

export class Timestamp {
  /** An instant, in epoch milliseconds UTC. */
  constructor(readonly ms: number) {}
}

export class Duration {
  constructor(readonly ms: number) {}
}

export type ValueMap = ReadonlyMap<string, Value>;
export type Rec = { readonly [field: string]: Value };
export type Value = null | string | number | bigint | boolean | Big | Timestamp | Duration | ReadonlyArray<Value> | ValueMap | Rec;

export { Big, JsonNumber };

export const isMap = (v: unknown): v is ValueMap => v instanceof Map;
/** A number, a big int or a decimal. */
export const isNumberLike = (v: unknown): v is number | bigint | Big => typeof v === "number" || typeof v === "bigint" || v instanceof Big;

/**
 * The largest power of ten a decimal may reach either way: `1e1000` and
 * `1e-1000` are decimals, `1e1001` is not. Big enough for every finite double
 * (about 1.8e308 down to 5e-324); small enough that a decimal's exact text has
 * a few thousand characters at most, where `1e999999999` would need a gigabyte.
 */
export const DECIMAL_MAX_EXPONENT = 1000;

/** The 64-bit range of `int`. */
export const INT_MIN = -(2n ** 63n);
export const INT_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** The int holding an exact integer: a JS number when safe, a bigint within 64 bits, else null (overflow). */
export function intOf(n: bigint): number | bigint | null {
  if (n >= SAFE_MIN && n <= SAFE_MAX) return Number(n);
  return n >= INT_MIN && n <= INT_MAX ? n : null;
}

/** A JS integer as a bigint, or undefined for anything that is not an integer. */
export function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined;
}


/** A record: an object that is none of the other object-shaped values. */
export function isRecord(v: unknown): v is Rec {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Big) &&
    !(v instanceof JsonNumber) &&
    !(v instanceof Timestamp) &&
    !(v instanceof Duration)
  );
}

/** Sets a field so that "__proto__" becomes an own, enumerable field instead of the prototype. */
export const setField: (obj: Record<string, Value>, key: string, value: Value) => void = put;

/** A record from entries in order, safe for any field name. */
export function makeRecord(entries: Iterable<readonly [string, Value]>): Rec {
  const out: Record<string, Value> = {};
  for (const [k, v] of entries) setField(out, k, v);
  return out;
}

/**
 * Fixed scales of decimals (docs/language.md, Decisions: "A decimal's scale").
 * big.js keeps no trailing zeros (`13.00` is held as `13`), so the places a
 * decimal is written with are kept beside it: a decimal made by `round(x, p)`
 * has the scale p, and sums, differences and products of such decimals carry
 * a scale on (the largest, or for `*` the sum of the operands' scales). A
 * decimal without one (from data, a literal, a division) is free and written
 * with the digits it has. The scale is never part of the value: `13.00 == 13`,
 * and both are one group key. A WeakMap leaves the big.js objects as they are.
 */
const SCALES = new WeakMap<Big, number>();

/** The fixed scale of `d`, or undefined when it is free. */
export const scaleOf = (d: Big): number | undefined => SCALES.get(d);

/** `d` with the fixed scale `places` (a copy, so no other holder of `d` sees it). */
export function withScale(d: Big, places: number): Big {
  const out = new Big(d);
  SCALES.set(out, places);
  return out;
}

/** The places `d` has of itself: `12.50` (held as 12.5) has 1. */
export const naturalPlaces = (d: Big): number => Math.max(0, d.c.length - d.e - 1);

/** A decimal's text without exponent, with at least its fixed scale's places (`"13.00"`), never dropping a digit. */
export function decimalText(d: Big): string {
  const p = SCALES.get(d);
  return p !== undefined && p > naturalPlaces(d) ? d.toFixed(p) : d.toFixed();
}

/** The decimal equal to a finite JS number (its shortest round-trip text), or undefined. */
export function numberToDecimal(n: number): Big | undefined {
  return Number.isFinite(n) ? new Big(n) : undefined;
}

/** The decimal of a number (as numberToDecimal), a big int (exactly) or a decimal. */
export function asDecimal(v: number | bigint | Big): Big | undefined {
  return typeof v === "number" ? numberToDecimal(v) : typeof v === "bigint" ? new Big(v.toString()) : v;
}

function numericEquals(a: number | bigint | Big, b: number | bigint | Big): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  const x = asDecimal(a);
  const y = asDecimal(b);
  return x !== undefined && y !== undefined && x.eq(y);
}

/** Deep equality; int, number and decimal compare numerically (2 == 2.0). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumberLike(a)) return isNumberLike(b) && numericEquals(a, b);
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof Timestamp) return b instanceof Timestamp && a.ms === b.ms;
  if (a instanceof Duration) return b instanceof Duration && a.ms === b.ms;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valueEquals(v, b.get(k) as Value)) return false;
    return true;
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !valueEquals(a[k] as Value, b[k] as Value)) return false;
  return true;
}

/**
 * Order of two values: negative, zero or positive; undefined when either is
 * null or they are incomparable (different kinds, lists, maps, records, NaN).
 * Strings compare by UTF-16 code unit; false < true.
 */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === "number" && typeof b === "number") {
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
  }
  // Timestamps before the decimal checks: min/max of event times is the common case.
  if (a instanceof Timestamp && b instanceof Timestamp) return Math.sign(a.ms - b.ms);
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (isNumberLike(a) && isNumberLike(b)) {
    const x = asDecimal(a);
    const y = asDecimal(b);
    if (x && y) return x.cmp(y);
    // One side is an infinity (NaN never compares).
    const fa = typeof a === "number" ? a : Number(a.toString());
    const fb = typeof b === "number" ? b : Number(b.toString());
    return fa < fb ? -1 : fa > fb ? 1 : fa === fb ? 0 : undefined;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Duration && b instanceof Duration) return Math.sign(a.ms - b.ms);
  return undefined;
}

/** The kind of a runtime value, for messages. */
export function valueKind(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "number";
  if (typeof v === "bigint") return "int";
  if (v instanceof Big) return "decimal";
  if (v instanceof Timestamp) return "timestamp";
  if (v instanceof Duration) return "duration";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "map";
  return "record";
}
