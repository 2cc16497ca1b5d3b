// Runtime values of the language. `int` and `number` are both JS numbers (the
// static type tells them apart); `decimal` is big.js; records are plain objects
// whose fields are in schema order; maps are `Map`s with string keys, so keys
// such as "__proto__" are ordinary.
import Big from "big.js";

export class Timestamp {
  /** An instant, in epoch milliseconds UTC. */
  constructor(readonly ms: number) {}
}

export class Duration {
  constructor(readonly ms: number) {}
}

export type ValueMap = ReadonlyMap<string, Value>;
export type Rec = { readonly [field: string]: Value };
export type Value = null | string | number | boolean | Big | Timestamp | Duration | ReadonlyArray<Value> | ValueMap | Rec;

export { Big };

export const isMap = (v: unknown): v is ValueMap => v instanceof Map;
/** A number or a decimal. */
export const isNumberLike = (v: unknown): v is number | Big => typeof v === "number" || v instanceof Big;

/** A record: an object that is none of the other object-shaped values. */
export function isRecord(v: unknown): v is Rec {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Big) &&
    !(v instanceof Timestamp) &&
    !(v instanceof Duration)
  );
}

/** Sets a field so that "__proto__" becomes an own, enumerable field instead of the prototype. */
export function setField(obj: Record<string, Value>, key: string, value: Value): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A record from entries in order, safe for any field name. */
export function makeRecord(entries: Iterable<readonly [string, Value]>): Rec {
  const out: Record<string, Value> = {};
  for (const [k, v] of entries) setField(out, k, v);
  return out;
}

/** The decimal equal to a finite JS number (its shortest round-trip text), or undefined. */
export function numberToDecimal(n: number): Big | undefined {
  return Number.isFinite(n) ? new Big(n) : undefined;
}

function numericEquals(a: number | Big, b: number | Big): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  const x = typeof a === "number" ? numberToDecimal(a) : a;
  const y = typeof b === "number" ? numberToDecimal(b) : b;
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
  if (isNumberLike(a) && isNumberLike(b)) {
    const x = typeof a === "number" ? numberToDecimal(a) : a;
    const y = typeof b === "number" ? numberToDecimal(b) : b;
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

/** A canonical text for a number or decimal: equal numbers (2, 2.0, 2.00 as decimal) give the same text. */
function canonicalNumber(n: number | Big): string {
  if (typeof n === "number") {
    if (!Number.isFinite(n)) return String(n); // NaN, Infinity, -Infinity
    if (Number.isSafeInteger(n)) return n === 0 ? "0" : String(n);
    n = new Big(n);
  }
  if (n.c.length === 1 && n.c[0] === 0) return "0";
  // big.js keeps digits without trailing zeros, so sign, digits and exponent are canonical.
  return `${n.s < 0 ? "-" : ""}${n.c.join("")}e${n.e}`;
}

function encodeKey(v: Value, out: string[]): void {
  if (v === null) out.push("z");
  else if (typeof v === "string") out.push("s", String(v.length), ":", v);
  else if (typeof v === "boolean") out.push(v ? "t" : "f");
  else if (typeof v === "number" || v instanceof Big) {
    // Safe integers are written plainly, others as digits+exponent; an integer
    // decimal is written the same way as its safe-integer number so 2 == 2.0 share a key.
    let c = canonicalNumber(v);
    if (v instanceof Big && c !== "0") {
      const n = Number(v.toFixed());
      if (Number.isSafeInteger(n) && v.eq(n)) c = String(n);
    }
    out.push("n", c, ";");
  } else if (v instanceof Timestamp) out.push("T", String(v.ms), ";");
  else if (v instanceof Duration) out.push("D", String(v.ms), ";");
  else if (Array.isArray(v)) {
    out.push("[");
    for (const item of v) encodeKey(item, out);
    out.push("]");
  } else if (v instanceof Map) {
    out.push("{");
    for (const k of [...v.keys()].sort()) {
      out.push(String(k.length), ":", k);
      encodeKey(v.get(k) as Value, out);
    }
    out.push("}");
  } else {
    const r = v as Rec;
    out.push("(");
    for (const k of Object.keys(r).sort()) {
      out.push(String(k.length), ":", k);
      encodeKey(r[k] as Value, out);
    }
    out.push(")");
  }
}

/**
 * A canonical, collision-free string for a tuple of values (dedup and group
 * keys): values equal under `valueEquals` give the same key and distinct ones
 * never collide. Every part is typed and length-prefixed or self-delimiting.
 */
export function groupKey(values: ReadonlyArray<Value>): string {
  // Keys of scalars (the usual case) are concatenated directly; they are
  // exactly what encodeKey writes for them.
  let key = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v === "string") key += `s${v.length}:${v}`;
    else if (v === null) key += "z";
    else if (typeof v === "number" && Number.isSafeInteger(v)) key += `n${v === 0 ? 0 : v};`;
    else if (v instanceof Timestamp) key += `T${v.ms};`;
    else if (typeof v === "boolean") key += v ? "t" : "f";
    else {
      const out: string[] = [];
      for (const x of values) encodeKey(x, out);
      return out.join("");
    }
  }
  return key;
}

/** The kind of a runtime value, for messages. */
export function valueKind(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "number";
  if (v instanceof Big) return "decimal";
  if (v instanceof Timestamp) return "timestamp";
  if (v instanceof Duration) return "duration";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "map";
  return "record";
}

/**
 * A collision-free key for a single value that, for the usual string (not
 * starting with U+0000), is the string itself: no new string per record.
 * Strings starting with U+0000 become "\0s…", every other value "\0" + its
 * groupKey (which never starts with "s"), so distinct values never share a key.
 */
export function singleKey(v: Value): string {
  if (typeof v === "string") return v.charCodeAt(0) === 0 ? `\u0000s${v}` : v;
  return `\u0000${groupKey([v])}`;
}
