// The time built-ins on values: `year month day hour end_of_month format_time
// parse_time` with their optional zone. Total: what is not a timestamp, a
// pattern or a zone gives null.
import { compileFormat, compileParse, type Formatter, type Parser } from "./time-pattern.js";
import { Timestamp, type Value } from "./value.js";
import { UTC, periodOf, periodStart, startOfNext, zoneNamed, type PeriodUnit, type Zone } from "./zones.js";

/** The zone a zone argument names: UTC when the argument is absent, undefined when it names none. */
export function zoneOfArg(v: Value | undefined): Zone | undefined {
  if (v === undefined) return UTC;
  return typeof v === "string" ? zoneNamed(v) : undefined;
}

/** `year month day hour`: the first instant of the local period holding `t`. */
export function periodIn(unit: PeriodUnit): (t: Value, zone?: Value) => Value {
  return (t, zone) => {
    const z = zoneOfArg(zone);
    if (!(t instanceof Timestamp) || !z) return null;
    const start = periodStart(t.ms, unit, z);
    return start === undefined ? null : new Timestamp(start);
  };
}

/** What one call site remembers of a zone value: the zone (null: no zone) and its last two periods. */
interface SitePeriod {
  readonly zone: Zone;
  lo: number;
  hi: number;
  last: Timestamp | null;
  lo2: number;
  hi2: number;
  last2: Timestamp | null;
}
/** Zone values one call site remembers (they come from data, so bounded). */
const SITE_ZONES = 1000;

/**
 * `year month day hour` with a zone, at one call site: the last two periods of each zone value,
 * handing out the same (immutable) Timestamp while a zone's records fall in them (a day's
 * records of the last 24 hours fall on two local days, in any order). The records of
 * many accounts alternate between their zones, so remembering only the last zone (as before)
 * missed on most records and paid a zone look-up and a period search each time.
 */
export function periodAtSite(unit: PeriodUnit): (t: Value, zone: Value) => Value {
  const byValue = new Map<string, SitePeriod | null>();
  return (t, zone) => {
    if (!(t instanceof Timestamp) || typeof zone !== "string") return null;
    let p = byValue.get(zone);
    if (p === undefined) {
      if (byValue.size >= SITE_ZONES) byValue.clear();
      const z = zoneNamed(zone);
      byValue.set(zone, (p = z ? { zone: z, lo: 0, hi: 0, last: null, lo2: 0, hi2: 0, last2: null } : null));
    }
    if (p === null) return null;
    const ms = t.ms;
    if (ms >= p.lo && ms < p.hi) return p.last;
    if (ms >= p.lo2 && ms < p.hi2) return p.last2;
    const period = periodOf(ms, unit, p.zone);
    if (period === undefined) return null;
    p.lo2 = p.lo;
    p.hi2 = p.hi;
    p.last2 = p.last;
    p.lo = period[0];
    p.hi = period[1];
    return (p.last = new Timestamp(period[0]));
  };
}

/**
 * The end of the month of `t` in the zone, defined as the first instant of the next month (an
 * exclusive end), so `t < end_of_month(t)` always and `end_of_month(t) + 2d` is two whole days
 * after the month.
 */
export function endOfMonthIn(t: Value, zone?: Value): Value {
  const z = zoneOfArg(zone);
  if (!(t instanceof Timestamp) || !z) return null;
  // The remembered month when there is one (an aggregate's `flush at end_of_month(period, tz)` asks per session).
  const p = periodOf(t.ms, "month", z);
  const end = p !== undefined && p[1] > p[0] ? p[1] : startOfNext(t.ms, "month", z);
  return end === undefined ? null : new Timestamp(end);
}

// Patterns that are not literals are compiled when first used and kept (bounded: they come from data).
const formats = new Map<string, Formatter | null>();
const parsers = new Map<string, Parser | null>();
function cached<F>(cache: Map<string, F | null>, pattern: string, compile: (p: string) => F | null): F | null {
  let f = cache.get(pattern);
  if (f === undefined) {
    if (cache.size >= 1000) cache.clear();
    cache.set(pattern, (f = compile(pattern)));
  }
  return f;
}
const formatterOf = (p: string): Formatter | null => cached(formats, p, (q) => {
  const c = compileFormat(q);
  return c.ok ? c.format : null;
});
const parserOf = (p: string): Parser | null => cached(parsers, p, (q) => {
  const c = compileParse(q);
  return c.ok ? c.parse : null;
});

/** `format_time(t, pattern[, zone])`; a pattern the docs do not allow gives null (a literal one is refused when checked). */
export function formatTimeIn(t: Value, pattern: Value, zone?: Value): Value {
  const z = zoneOfArg(zone);
  if (!(t instanceof Timestamp) || typeof pattern !== "string" || !z) return null;
  return formatterOf(pattern)?.(t.ms, z) ?? null;
}

/** `parse_time(s, pattern[, zone])`: a local time is read in the zone unless the text gives an offset or a zone. */
export function parseTimeIn(s: Value, pattern: Value, zone?: Value): Value {
  const z = zoneOfArg(zone);
  if (typeof s !== "string" || typeof pattern !== "string" || !z) return null;
  const ms = parserOf(pattern)?.(s, z);
  return ms === null || ms === undefined ? null : new Timestamp(ms);
}
