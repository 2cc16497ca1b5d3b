// Values out: `toJson` is what the CLI writes; `encodeValue`/`decodeValue` are a
// tagged encoding for the state file that round-trips every value exactly.
import Big from "big.js";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { DECIMAL_MAX_EXPONENT, Duration, JsonNumber, Timestamp, decimalText, intOf, isRecord, scaleOf, setField, withScale, type Rec, type Value } from "./value.js";

/** ISO-8601 UTC with milliseconds, or null when the instant is out of range. */
export function timestampToIso(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** ISO-8601 duration: `PT1H30M`, `P30D` for whole days, `P1DT2H`, `PT0.5S`, `-PT15M`, `PT0S`. */
export function durationToIso(ms: number): string {
  if (!Number.isFinite(ms)) return "PT0S";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  let time = "";
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds) time += `${Number(seconds.toFixed(3))}S`;
  if (!days && !time) return "PT0S";
  return `${sign}P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

/** A decimal's exact text without exponent (`"12.5"`, `"10000000000000000000000000"`), with its fixed scale's places (`"13.00"`). */
export const decimalToString = (d: Big): string => decimalText(d);

/**
 * JSON-ready output: timestamps as ISO text, decimals as exact strings,
 * durations as ISO durations, maps as objects with sorted keys, records in
 * field order, non-finite numbers as null. An int beyond 2^53 stays a bigint
 * (and a rejected record's raw JSON number a `JsonNumber`): the writers print
 * both as their exact digits (`jsonText` in src/io/json-text.ts).
 */
export function toJson(v: Value): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (v instanceof JsonNumber) return v;
  if (v instanceof Big) return decimalToString(v);
  if (v instanceof Timestamp) return timestampToIso(v.ms);
  if (v instanceof Duration) return durationToIso(v.ms);
  if (Array.isArray(v)) return v.map(toJson);
  const out: Record<string, Value> = {};
  if (v instanceof Map) {
    for (const k of [...v.keys()].sort()) setField(out, k, toJson(v.get(k) as Value) as Value);
    return out;
  }
  const r = v as Rec;
  for (const k of Object.keys(r)) setField(out, k, toJson(r[k] as Value) as Value);
  return out;
}

// Tagged encoding. Plain JSON scalars stand for themselves; everything else is a
// one-key object whose key is a tag: {"$d":"12.5"} decimal, {"$f":["13.00",2]} a
// decimal with a fixed scale (its text and the scale), {"$i":"digits"} an
// int beyond 2^53 (a JSON number there would lose digits), {"$t":ms}
// timestamp, {"$D":ms} duration, {"$n":"NaN"|"Infinity"|"-Infinity"|"-0"}
// special numbers, {"$m":[[k,v],…]} map, {"$r":[[k,v],…]} record (pairs keep
// field order and make any key safe).

/** Encodes a value as JSON that `decodeValue` turns back into an equal value. */
export function encodeValue(v: Value): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { $n: Object.is(v, -0) ? "-0" : String(v) };
  if (typeof v === "bigint") return { $i: v.toString() };
  if (v instanceof Big) {
    const p = scaleOf(v);
    return p === undefined ? { $d: v.toFixed() } : { $f: [v.toFixed(), p] };
  }
  if (v instanceof Timestamp) return { $t: v.ms };
  if (v instanceof Duration) return { $D: v.ms };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [k, encodeValue(x)]) };
  return { $r: Object.keys(v).map((k) => [k, encodeValue((v as Rec)[k] as Value)]) };
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

/** Why a decode failed; the recursion stops at the first damaged entry. */
interface Damage {
  reason: string;
}
const DAMAGED = Symbol("damaged");
type Decoded = Value | typeof DAMAGED;

function damaged(damage: Damage, reason: string): typeof DAMAGED {
  damage.reason = reason;
  return DAMAGED;
}

function pairs(x: unknown): Array<[string, unknown]> | undefined {
  return Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string") ? (x as Array<[string, unknown]>) : undefined;
}

/** Decodes `encodeValue`'s output; Left with the reason on anything else (a damaged state file). */
export function decodeValue(json: unknown): Either<string, Value> {
  const damage: Damage = { reason: "" };
  const v = decodeTagged(json, damage);
  return v === DAMAGED ? left(damage.reason) : right(v);
}

function decodeTagged(json: unknown, damage: Damage): Decoded {
  if (json === null || typeof json === "string" || typeof json === "boolean") return json;
  if (typeof json === "number") return json;
  if (Array.isArray(json)) {
    const out: Value[] = [];
    for (const x of json) {
      const v = decodeTagged(x, damage);
      if (v === DAMAGED) return v;
      out.push(v);
    }
    return out;
  }
  if (typeof json !== "object" || !isRecord(json)) return damaged(damage, `not an encoded value: ${typeof json}`);
  const keys = Object.keys(json);
  if (keys.length !== 1) return damaged(damage, `an encoded value has exactly one tag, got ${JSON.stringify(keys)}`);
  const tag = keys[0]!;
  const body = (json as Record<string, unknown>)[tag];
  switch (tag) {
    case "$d":
      if (typeof body === "string" && /^-?\d+(\.\d+)?$/.test(body) && body.length <= 2 * DECIMAL_MAX_EXPONENT + 3) return new Big(body);
      break;
    case "$f":
      if (Array.isArray(body) && body.length === 2) {
        const [text, places] = body as unknown[];
        if (typeof text === "string" && /^-?\d+(\.\d+)?$/.test(text) && text.length <= 2 * DECIMAL_MAX_EXPONENT + 3 && Number.isInteger(places) && (places as number) >= 0 && (places as number) <= DECIMAL_MAX_EXPONENT) {
          return withScale(new Big(text), places as number);
        }
      }
      break;
    case "$i":
      if (typeof body === "string" && /^-?\d{1,19}$/.test(body)) {
        const n = intOf(BigInt(body));
        if (n !== null) return n;
      }
      break;
    case "$t":
      if (typeof body === "number" && Number.isFinite(body)) return new Timestamp(body);
      break;
    case "$D":
      if (typeof body === "number" && Number.isFinite(body)) return new Duration(body);
      break;
    case "$n":
      if (typeof body === "string" && Object.hasOwn(SPECIAL, body)) return SPECIAL[body]!;
      break;
    case "$m":
    case "$r": {
      const entries = pairs(body);
      if (!entries) return damaged(damage, `bad ${tag === "$m" ? "map" : "record"} entries`);
      const decoded: Array<[string, Value]> = [];
      for (const [k, x] of entries) {
        const v = decodeTagged(x, damage);
        if (v === DAMAGED) return v;
        decoded.push([k, v]);
      }
      if (tag === "$m") return new Map(decoded);
      const out: Record<string, Value> = {};
      for (const [k, v] of decoded) setField(out, k, v);
      return out;
    }
  }
  return damaged(damage, `bad encoded value with tag ${JSON.stringify(tag)}`);
}
