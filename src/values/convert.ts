// Conversion of outside data (JSON values, CSV text) to a declared type.
import Big from "big.js";
import { DateTime } from "luxon";
import { Duration, Timestamp, setField, type Value } from "./value.js";
import { typeToString, type Type } from "./types.js";
import { nestsDeeperThan, tooDeepReason } from "./nesting.js";

export type Converted = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly reason: string };

const INT_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** An int from text like `42`, `-7`, `+3` (safe integers only), else undefined. */
export function parseIntText(text: string): number | undefined {
  const s = text.trim();
  if (!INT_TEXT.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (!NUMBER_TEXT.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** An exact decimal from its text (`12.50`, `-3`, `1e3`). */
export function parseDecimal(text: string): Big | undefined {
  const s = text.trim();
  if (!DECIMAL_TEXT.test(s)) return undefined;
  try {
    return new Big(s);
  } catch {
    return undefined;
  }
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
  if (s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":") return undefined;
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
    if (s[19] !== "." || m1 < 0 || m2 < 0 || m2 > 9) return undefined;
    ms = m1 * 10 + m2;
  }
  const year = y1 * 100 + y2;
  if (y1 < 1 || y2 < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
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

export function parseTimestamp(text: string): Timestamp | undefined {
  const fast = parseIsoFast(text);
  if (fast !== undefined) return new Timestamp(fast);
  const s = text.trim();
  if (s.length < 4 || !/^[+-]?\d{4}/.test(s)) return undefined;
  const dt = DateTime.fromISO(s, { zone: "utc" });
  return dt.isValid ? new Timestamp(dt.toMillis()) : undefined;
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

/** The raw value for a message: JSON-style, truncated to about 40 characters. */
export function showRaw(raw: unknown): string {
  let s: string;
  try {
    s = raw === undefined ? "nothing" : JSON.stringify(raw) ?? String(raw);
  } catch {
    s = String(raw);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const fail = (type: Type, raw: unknown): Converted => ({ ok: false, reason: `expected ${typeToString(type)}, got ${showRaw(raw)}` });
const ok = (value: Value): Converted => ({ ok: true, value });

/** Converts a JSON value or CSV text to a value of `type`. `null` converts to null for every type. */
export function convert(raw: unknown, type: Type): Converted {
  if (raw === null || raw === undefined) return ok(null);
  switch (type.kind) {
    case "string":
      if (typeof raw === "string") return ok(raw);
      if ((typeof raw === "number" && Number.isFinite(raw)) || typeof raw === "boolean") return ok(String(raw));
      return fail(type, raw);
    case "int": {
      const n = typeof raw === "number" ? (Number.isSafeInteger(raw) ? raw : undefined) : typeof raw === "string" ? parseIntText(raw) : undefined;
      return n === undefined ? fail(type, raw) : ok(n);
    }
    case "number": {
      const n = typeof raw === "number" ? (Number.isFinite(raw) ? raw : undefined) : typeof raw === "string" ? parseNumber(raw) : undefined;
      return n === undefined ? fail(type, raw) : ok(n);
    }
    case "decimal": {
      const d =
        typeof raw === "number" ? (Number.isFinite(raw) ? new Big(raw) : undefined) : typeof raw === "string" ? parseDecimal(raw) : undefined;
      return d === undefined ? fail(type, raw) : ok(d);
    }
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
      if (typeof raw !== "object" || Array.isArray(raw)) return fail(type, raw);
      const out = new Map<string, Value>();
      for (const k of Object.keys(raw)) {
        const c = convert((raw as Record<string, unknown>)[k], type.value);
        if (!c.ok) return { ok: false, reason: `[${JSON.stringify(k)}]: ${c.reason}` };
        out.set(k, c.value);
      }
      return ok(out);
    }
    case "record": {
      if (typeof raw !== "object" || Array.isArray(raw)) return fail(type, raw);
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

/** A value from untyped JSON: objects become maps, numbers stay numbers. */
export function fromJson(raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") return raw;
  if (Array.isArray(raw)) return raw.map(fromJson);
  if (typeof raw === "object") {
    const out = new Map<string, Value>();
    for (const k of Object.keys(raw)) out.set(k, fromJson((raw as Record<string, unknown>)[k]));
    return out;
  }
  return null;
}
