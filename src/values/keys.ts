// Key encoding, in one place: how values become keys of Maps and of the state.
// Dedup, aggregate sessions, lookup tables, `collect_set`/`count_distinct` and
// `hash` all key by these: distinct values never share a key, and values equal
// under `valueEquals` share one (for keyAtom, within one static type).
//
// - groupKey: a canonical string for a tuple (what the state keeps).
// - singleKey: a string for one value that is the string itself for the usual
//   string, so keying by a string field builds no new string per record.
// - keyAtom / keyAtomFor: a Map key for one value, the value itself where a Map
//   tells values apart (strings, numbers, booleans, null), a timestamp by its
//   instant where the key is typed timestamp, anything else by singleKey.
import Big from "big.js";
import type { Type } from "./types.js";
import { Duration, Timestamp, type Rec, type Value } from "./value.js";

/** A canonical text for a number or decimal: equal numbers (2, 2.0, 2.00 as decimal) give the same text. */
function canonicalNumber(n: number | bigint | Big): string {
  if (typeof n === "bigint") n = new Big(n.toString());
  else if (typeof n === "number") {
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
  else if (typeof v === "number" || typeof v === "bigint" || v instanceof Big) {
    // Safe integers are written plainly, others (big ints too) as digits+exponent; an integer
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

/**
 * A Map key for one value of a key position with one static type (an int 2 and
 * a decimal 2.0 are not one atom, as they never meet in one position). Atoms
 * that are strings made by singleKey start with U+0000, which no string kept as
 * itself does, so no two different values share an atom.
 */
export const keyAtom = (v: Value): unknown =>
  typeof v === "string" ? (v.charCodeAt(0) === 0 ? singleKey(v) : v) : typeof v === "number" || typeof v === "boolean" || v === null ? v : singleKey(v);

/** keyAtom for a key of a known type: a timestamp key by its instant. */
export function keyAtomFor(type: Type | undefined): (v: Value) => unknown {
  if (type?.kind === "timestamp") return (v) => (v instanceof Timestamp ? v.ms : v === null ? null : singleKey(v));
  return keyAtom;
}
