// Conversion of outside data (JSON values, CSV text) to a declared type.
import Big from "big.js";
import { DateTime, IANAZone } from "luxon";
import { stringify as stringifyLossless, type NumberStringifier } from "lossless-json";
import { DECIMAL_MAX_EXPONENT, Duration, JsonNumber, Timestamp, intOf, setField, type Value } from "./value.js";
import { typeToString, type Type } from "./types.js";
import { nestsDeeperThan, tooDeepReason } from "../model/nesting.js";

export type Converted = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly reason: string };

// One grammar of numeric text for int, number and decimal: an optional sign,
// digits with an optional fraction (or a fraction alone), an optional exponent
// (`+5`, `-1.50`, `.5`, `1e3`, `+1.0`). Surrounding whitespace is ignored. An
// int takes every such text whose value is whole and within 64 bits.
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Texts that are a safe int as they stand: the common case, read without big.js. */
const PLAIN_INT = /^[+-]?\d{1,15}$/;

/** Why a numeric text or value does not convert although it is well-formed: shown after the value. */
const BEYOND_INT = "beyond the 64-bit range of int";
const BEYOND_DECIMAL = `beyond the digits a decimal may have, 10^${DECIMAL_MAX_EXPONENT} down to 10^-${DECIMAL_MAX_EXPONENT}`;

/**
 * The exact decimal of a numeric text, "range" when its digits reach past
 * 10^±DECIMAL_MAX_EXPONENT, undefined when it is not a numeric text. The bound
 * is checked on the text, before big.js sees it, so `1e999999999` costs
 * nothing (its exact digits would fill a gigabyte).
 */
function decimalOfText(text: string): Big | "range" | undefined {
  const s = text.trim();
  const m = NUMERIC_TEXT.exec(s);
  if (!m) return undefined;
  const mantissa = m[1]!;
  const dot = mantissa.indexOf(".");
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const digits = dot < 0 ? mantissa : intPart + mantissa.slice(dot + 1);
  const first = digits.search(/[1-9]/);
  const unsigned = s.charCodeAt(0) === 43 /* + */ ? s.slice(1) : s;
  if (first < 0) return new Big(0); // zero, whatever its exponent
  let last = digits.length - 1;
  while (digits.charCodeAt(last) === 48 /* 0 */) last--;
  const expText = m[2] === undefined ? "0" : m[2].slice(1);
  // More than 9 exponent digits is past the bound whatever the mantissa (which the line length bounds far lower).
  if (expText.replace(/^[+-]?0*/, "").length > 9) return "range";
  const exp = Number(expText);
  const high = intPart.length - 1 - first + exp; // power of ten of the first significant digit
  const low = intPart.length - 1 - last + exp; // and of the last
  if (high > DECIMAL_MAX_EXPONENT || low < -DECIMAL_MAX_EXPONENT) return "range";
  try {
    return new Big(unsigned);
  } catch {
    return undefined;
  }
}

/** The int of an exact decimal: a safe number, a bigint within 64 bits, "range", or undefined when not whole. */
function intOfDecimal(d: Big): number | bigint | "range" | undefined {
  if (d.c.length === 1 && d.c[0] === 0) return 0;
  if (d.e < d.c.length - 1) return undefined; // a fraction
  if (d.e > 18) return "range";
  return intOf(BigInt(d.toFixed())) ?? "range";
}

/** The int of a numeric text: a safe number, a bigint within 64 bits, "range", or undefined. */
function intOfText(text: string): number | bigint | "range" | undefined {
  const s = text.trim();
  if (PLAIN_INT.test(s)) {
    const n = Number(s);
    return n === 0 ? 0 : n;
  }
  const d = decimalOfText(s);
  return d === undefined || d === "range" ? d : intOfDecimal(d);
}

/** An int from a numeric text whose value is whole (`42`, `-7`, `+3`, `5.0`, `1e3`) within 64 bits, else undefined. */
export function parseIntText(text: string): number | bigint | undefined {
  const n = intOfText(text);
  return n === "range" ? undefined : n;
}

/** A number from a numeric text; undefined for other text and for texts past the range of a double (`1e400`). */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (!NUMERIC_TEXT.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? (n === 0 ? 0 : n) : undefined;
}

/** An exact decimal from a numeric text (`12.50`, `-3`, `+1.0`, `1e3`), within the decimal bound. */
export function parseDecimal(text: string): Big | undefined {
  const d = decimalOfText(text);
  return d === "range" ? undefined : d;
}

export function parseBool(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  return s === "true" ? true : s === "false" ? false : undefined;
}

/**
 * An ISO-8601 instant: `2026-11-20T10:00:00Z`, `…+02:00` (the offset is
 * honoured), without offset UTC; a date alone (`2026-11-20`) is midnight UTC.
 */
// The common shapes of ISO-8601 (`2026-11-20`, `2026-11-20T10:00:00Z`,
// `…T10:00:00.123+02:00`) are read directly: luxon's general parser was most of
// the time spent decoding events. Anything else goes to luxon.
const ISO_FAST = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d\d):?(\d\d))?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Two digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the shape this program itself writes, read without a regex. */
function parseCanonicalUtc(s: string): number | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined; // - - T : :
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  let ms = 0;
  if (n === 24) {
    const m1 = two(s, 20);
    const m2 = s.charCodeAt(22) - 48;
    if (s.charCodeAt(19) !== 46 /* . */ || m1 < 0 || m2 < 0 || m2 > 9) return undefined;
    ms = m1 * 10 + m2;
  }
  const year = y1 * 100 + y2;
  if (y1 < 1 || y2 < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  // The days since 1970-01-01 of the civil date (proleptic Gregorian, as Date.UTC counts for these
  // years), in integer arithmetic: Date.UTC was most of this function's time.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** Epoch ms of a plain ISO-8601 text, or undefined when it is not one of the fast shapes (or is out of range). */
export function parseIsoFast(s: string): number | undefined {
  const canonical = parseCanonicalUtc(s);
  if (canonical !== undefined) return canonical;
  const m = ISO_FAST.exec(s);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1000);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  // A time without a zone is UTC; an offset is honoured.
  if (m[4] !== undefined && m[8] === undefined && m[9] === undefined) return undefined;
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === "-" ? -1 : 1) * (+m[10]! * 60 + +m[11]!);
  if (m[9] !== undefined && (+m[10]! > 23 || +m[11]! > 59)) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMinutes * 60_000;
}

/** A date-time followed by RFC 9557 annotations (`[Europe/Berlin]`, `[!u-ca=iso8601]`). */
const ANNOTATED = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
const ANNOTATION = /\[(!?)([^\]]*)\]/g;
/** The offset ending a date-time's time part: `Z`, `±HH:MM`, `±HHMM` or `±HH`. */
const TRAILING_OFFSET = /[Tt]\d.*?(?:([Zz])|([+-])(\d\d)(?::?(\d\d))?)$/;
const NUMERIC_ZONE = /^([+-])(\d\d):(\d\d)$/;

/** The bracketed time zone of an RFC 9557 suffix: its offset function, null when none, undefined when refused. */
function annotationZone(annotations: string): ((ms: number) => number) | null | undefined {
  let zone: ((ms: number) => number) | null = null;
  let first = true;
  for (const [, critical, body] of annotations.matchAll(ANNOTATION)) {
    const eq = body!.indexOf("=");
    if (eq < 0) {
      // A time zone: only as the first annotation, an IANA name or a numeric offset.
      if (!first) return undefined;
      const n = NUMERIC_ZONE.exec(body!);
      if (n) {
        if (+n[2]! > 23 || +n[3]! > 59) return undefined;
        const minutes = (n[1] === "-" ? -1 : 1) * (+n[2]! * 60 + +n[3]!);
        zone = () => minutes;
      } else {
        if (!IANAZone.isValidZone(body!)) return undefined;
        const z = IANAZone.create(body!);
        zone = (ms) => z.offset(ms);
      }
    } else {
      // Other annotations: the ISO calendar is ours; an unknown one may be ignored unless marked critical.
      const key = body!.slice(0, eq);
      const value = body!.slice(eq + 1);
      if (!/^[a-z_][a-z0-9_-]*$/.test(key) || value === "") return undefined;
      const known = key === "u-ca" && (value === "iso8601" || value === "gregory");
      if (critical === "!" && !known) return undefined;
    }
    first = false;
  }
  return zone;
}

/**
 * Any ISO-8601 / RFC 3339 date-time that luxon reads (week dates, ordinal dates,
 * basic format...), with RFC 9557's bracketed suffix. Refused: an offset past
 * ±23:59, hour 24, a second 60 (an instant cannot name it), an unknown zone or
 * critical annotation, and an offset the bracketed zone does not have at that
 * instant. `Z` keeps the instant whatever zone follows; a local time with a
 * bracketed zone is read in that zone; a local time without one is UTC.
 */
export function parseTimestamp(text: string): Timestamp | undefined {
  const fast = parseIsoFast(text);
  if (fast !== undefined) return new Timestamp(fast);
  const s = text.trim();
  if (s.length < 4 || !/^[+-]?\d{4}/.test(s)) return undefined;
  const parts = ANNOTATED.exec(s);
  if (!parts) return undefined;
  const body = parts[1]!;
  const zone = parts[2] ? annotationZone(parts[2]) : null;
  if (zone === undefined) return undefined;
  if (/[Tt]24/.test(body)) return undefined;
  const offset = TRAILING_OFFSET.exec(body);
  const hasOffset = offset !== null && (offset[1] !== undefined || offset[2] !== undefined);
  if (hasOffset && offset[2] !== undefined && (+offset[3]! > 23 || +(offset[4] ?? "0") > 59)) return undefined;
  const dt = DateTime.fromISO(body, { zone: "utc" });
  if (!dt.isValid) return undefined;
  let ms = dt.toMillis();
  if (zone !== null) {
    if (!hasOffset) {
      // A local time in the bracketed zone: the wall clock read as UTC, moved by the zone's offset at that instant.
      const wall = ms;
      ms = wall - zone(wall - zone(wall) * 60_000) * 60_000;
      ms = wall - zone(ms) * 60_000;
    } else if (offset[2] !== undefined) {
      const given = (offset[2] === "-" ? -1 : 1) * (+offset[3]! * 60 + +(offset[4] ?? "0"));
      if (zone(ms) !== given) return undefined;
    }
  }
  return new Timestamp(ms);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const LANGUAGE_DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;
const ISO_DURATION = /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * A duration from ISO-8601 (`PT15M`, `P30D`, `P1DT2H`, `-PT1H`; years and
 * months are refused because their length varies) or the language's form
 * (`15m`, `30d`, `500ms`, `1h30m`, `-2h`).
 */
export function parseDuration(text: string): Duration | undefined {
  const s = text.trim();
  const iso = ISO_DURATION.exec(s);
  if (iso) {
    if (!/\d/.test(s) || /T$/i.test(s)) return undefined;
    const [, sign, w, d, h, m, sec] = iso;
    const ms =
      Number(w ?? 0) * UNIT_MS.w! + Number(d ?? 0) * UNIT_MS.d! + Number(h ?? 0) * UNIT_MS.h! + Number(m ?? 0) * UNIT_MS.m! + Number(sec ?? 0) * 1000;
    return Number.isFinite(ms) ? new Duration(Math.round(sign === "-" ? -ms : ms)) : undefined;
  }
  let rest = s;
  let negative = false;
  if (rest.startsWith("-")) {
    negative = true;
    rest = rest.slice(1);
  }
  if (!rest) return undefined;
  let total = 0;
  while (rest) {
    const m = LANGUAGE_DURATION.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Number.isFinite(total) ? new Duration(Math.round(negative ? -total : total)) : undefined;
}

const KEPT_NUMBERS: NumberStringifier[] = [{ test: (v) => v instanceof JsonNumber, stringify: (v) => (v as JsonNumber).text }];

/** A raw value as JSON-style text for messages; bigints and kept JSON numbers as their digits. */
export function messageText(raw: unknown): string {
  if (raw === undefined) return "nothing";
  if (raw instanceof JsonNumber) return raw.text;
  if (typeof raw === "bigint") return String(raw);
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    // A bigint or kept JSON number inside (JSON.stringify refuses both), or a cycle.
    try {
      return stringifyLossless(raw, null, undefined, KEPT_NUMBERS) ?? String(raw);
    } catch {
      return String(raw);
    }
  }
}

/** The raw value for a message: JSON-style, truncated to about 40 characters. */
export function showRaw(raw: unknown): string {
  const s = messageText(raw);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const fail = (type: Type, raw: unknown, why?: string): Converted => ({
  ok: false,
  reason: `expected ${typeToString(type)}, got ${showRaw(raw)}${why === undefined ? "" : ` (${why})`}`,
});
const ok = (value: Value): Converted => ({ ok: true, value });

/** An int, or a failure naming the range when the value is well-formed but too large. */
function intResult(type: Type, raw: unknown, n: number | bigint | "range" | undefined): Converted {
  return n === undefined ? fail(type, raw) : n === "range" ? fail(type, raw, BEYOND_INT) : ok(n);
}

function toIntValue(raw: unknown, type: Type): Converted {
  if (typeof raw === "number") {
    if (Number.isSafeInteger(raw)) return ok(raw === 0 ? 0 : raw);
    // A double past 2^53 may already have lost digits: such an int comes as a bigint, text or a JSON number.
    return Number.isInteger(raw) ? fail(type, raw, "an int beyond 2^53 is given as a bigint or as text") : fail(type, raw);
  }
  if (typeof raw === "bigint") return intResult(type, raw, intOf(raw) ?? "range");
  if (typeof raw === "string") return intResult(type, raw, intOfText(raw));
  if (raw instanceof JsonNumber) return intResult(type, raw, intOfText(raw.text));
  return fail(type, raw);
}

function toNumberValue(raw: unknown, type: Type): Converted {
  const n =
    typeof raw === "number" ? raw
    : typeof raw === "bigint" ? Number(raw)
    : typeof raw === "string" ? parseNumber(raw)
    : raw instanceof JsonNumber ? Number(raw.text)
    : undefined;
  if (n === undefined) return fail(type, raw);
  return Number.isFinite(n) ? ok(n === 0 ? 0 : n) : fail(type, raw, "beyond the range of a number");
}

function toDecimalValue(raw: unknown, type: Type): Converted {
  const d =
    typeof raw === "number" ? (Number.isFinite(raw) ? decimalOfText(String(raw)) : undefined)
    : typeof raw === "bigint" ? decimalOfText(raw.toString())
    : typeof raw === "string" ? decimalOfText(raw)
    : raw instanceof JsonNumber ? decimalOfText(raw.text)
    : undefined;
  return d === undefined ? fail(type, raw) : d === "range" ? fail(type, raw, BEYOND_DECIMAL) : ok(d);
}

/** Converts a JSON value or CSV text to a value of `type`. `null` converts to null for every type. */
export function convert(raw: unknown, type: Type): Converted {
  if (raw === null || raw === undefined) return ok(null);
  switch (type.kind) {
    case "string":
      if (typeof raw === "string") return ok(raw);
      if ((typeof raw === "number" && Number.isFinite(raw)) || typeof raw === "boolean" || typeof raw === "bigint") return ok(String(raw));
      if (raw instanceof JsonNumber) return ok(raw.text);
      return fail(type, raw);
    case "int":
      return toIntValue(raw, type);
    case "number":
      return toNumberValue(raw, type);
    case "decimal":
      return toDecimalValue(raw, type);
    case "bool": {
      const b = typeof raw === "boolean" ? raw : typeof raw === "string" ? parseBool(raw) : undefined;
      return b === undefined ? fail(type, raw) : ok(b);
    }
    case "timestamp": {
      const t = typeof raw === "string" ? parseTimestamp(raw) : undefined;
      return t === undefined ? fail(type, raw) : ok(t);
    }
    case "duration": {
      const d = typeof raw === "string" ? parseDuration(raw) : undefined;
      return d === undefined ? fail(type, raw) : ok(d);
    }
    case "list": {
      if (!Array.isArray(raw)) return fail(type, raw);
      const out: Value[] = new Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const c = convert(raw[i], type.element);
        if (!c.ok) return { ok: false, reason: `[${i}]: ${c.reason}` };
        out[i] = c.value;
      }
      return ok(out);
    }
    case "map": {
      if (typeof raw !== "object" || Array.isArray(raw) || raw instanceof JsonNumber) return fail(type, raw);
      const out = new Map<string, Value>();
      for (const k of Object.keys(raw)) {
        const c = convert((raw as Record<string, unknown>)[k], type.value);
        if (!c.ok) return { ok: false, reason: `[${JSON.stringify(k)}]: ${c.reason}` };
        out.set(k, c.value);
      }
      return ok(out);
    }
    case "record": {
      if (typeof raw !== "object" || Array.isArray(raw) || raw instanceof JsonNumber) return fail(type, raw);
      const out: Record<string, Value> = {};
      for (const f of type.fields) {
        const v = Object.hasOwn(raw, f.name) ? (raw as Record<string, unknown>)[f.name] : undefined;
        if ((v === null || v === undefined) && !f.optional) return { ok: false, reason: `${f.name}: missing` };
        const c = convert(v, f.type);
        if (!c.ok) return { ok: false, reason: `${f.name}: ${c.reason}` };
        setField(out, f.name, c.value);
      }
      return ok(out);
    }
    case "null":
      return fail(type, raw);
    case "any":
      // fromJson recurses; a host's record may nest without bound (files are bounded by their readers).
      return nestsDeeperThan(raw) ? { ok: false, reason: tooDeepReason() } : ok(fromJson(raw));
  }
}

/**
 * A value from untyped JSON: objects become maps, numbers stay numbers; a
 * number a double cannot hold is an int when it is one, else its nearest double.
 */
export function fromJson(raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") return raw;
  if (typeof raw === "bigint") return intOf(raw) ?? Number(raw);
  if (raw instanceof JsonNumber) {
    const n = intOfText(raw.text);
    return typeof n === "number" || typeof n === "bigint" ? n : Number(raw.text);
  }
  if (Array.isArray(raw)) return raw.map(fromJson);
  if (typeof raw === "object") {
    const out = new Map<string, Value>();
    for (const k of Object.keys(raw)) out.set(k, fromJson((raw as Record<string, unknown>)[k]));
    return out;
  }
  return null;
}

/**
 * A raw record as plain JSON-like data, for the rejects output: what
 * JSON.parse(JSON.stringify(raw)) gives, except that big ints and JSON numbers
 * kept as text stay exact (the writers print their digits). Throws on a cycle.
 */
export function rawCopy(raw: unknown, seen: Set<object> = new Set()): Value {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string" || typeof raw === "boolean" || typeof raw === "bigint") return raw;
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (raw instanceof JsonNumber) return raw as unknown as Value;
  if (typeof raw !== "object") return null;
  if (seen.has(raw)) throw new TypeError("a cyclic value");
  seen.add(raw);
  try {
    const toJSON = (raw as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return rawCopy(toJSON.call(raw), seen);
    if (Array.isArray(raw)) return raw.map((x) => (typeof x === "function" || typeof x === "symbol" ? null : rawCopy(x, seen)));
    const out: Record<string, Value> = {};
    for (const k of Object.keys(raw)) {
      const x = (raw as Record<string, unknown>)[k];
      if (x !== undefined && typeof x !== "function" && typeof x !== "symbol") setField(out, k, rawCopy(x, seen));
    }
    return out;
  } finally {
    seen.delete(raw);
  }
}
