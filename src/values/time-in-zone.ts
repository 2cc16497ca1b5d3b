// The time built-ins on values: `year month day hour end_of_month format_time
// parse_time` with their optional zone. Total: what is not a timestamp, a
// pattern or a zone gives null.
import { compileFormat, compileParse, type Formatter, type Parser } from "./time-pattern.js";
import { Timestamp, type Value } from "./value.js";
import { UTC, periodStart, startOfNext, zoneNamed, type PeriodUnit, type Zone } from "./zones.js";

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

/**
 * The end of the month of `t` in the zone, defined as the first instant of the next month (an
 * exclusive end), so `t < end_of_month(t)` always and `end_of_month(t) + 2d` is two whole days
 * after the month.
 */
export function endOfMonthIn(t: Value, zone?: Value): Value {
  const z = zoneOfArg(zone);
  if (!(t instanceof Timestamp) || !z) return null;
  const end = startOfNext(t.ms, "month", z);
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
