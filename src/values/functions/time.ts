// Time functions, all in UTC. Patterns are Unicode date-field patterns as luxon
// reads them (`yyyy MM dd HH mm ss SSS`, `'literal'`, zones `ZZ`/`ZZZ`/`z`).
import { DateTime } from "luxon";
import { T } from "../types.js";
import { Duration, Timestamp, type Value } from "../value.js";
import { example, sig, type BuiltinDef, type FunctionDef } from "./def.js";

const utc = (t: Timestamp): DateTime => DateTime.fromMillis(t.ms, { zone: "utc" });

type Unit = "year" | "month" | "day" | "hour";

/** [start, end) in epoch ms of the UTC period holding `ms`, with Date arithmetic. */
const PERIODS: Readonly<Record<Unit, (ms: number) => readonly [number, number]>> = {
  hour: fixed(3_600_000),
  day: fixed(86_400_000),
  month: (ms) => {
    const d = new Date(ms);
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  },
  year: (ms) => {
    const y = new Date(ms).getUTCFullYear();
    return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  },
};

function fixed(unit: number): (ms: number) => readonly [number, number] {
  return (ms) => {
    const start = ms - (((ms % unit) + unit) % unit);
    return [start, start + unit];
  };
}

/** The start of the period of `t`; null out of Date's range. */
function truncate(unit: Unit) {
  const of = PERIODS[unit];
  return (t: Value): Value => {
    if (!(t instanceof Timestamp) || !Number.isFinite(new Date(t.ms).getTime())) return null;
    const start = of(t.ms)[0];
    return Number.isFinite(start) ? new Timestamp(start) : null;
  };
}

/**
 * A call site of `year month day hour` remembers the last period it computed and
 * hands out the same (immutable) Timestamp while records fall in it, as a
 * batch's records mostly do (these run once per record in most aggregate keys).
 */
function truncateAtSite(unit: Unit): NonNullable<FunctionDef["compile"]> {
  const of = PERIODS[unit];
  return ([arg]) => {
    let lo = 0;
    let hi = 0; // empty until the first call
    let last: Timestamp | null = null;
    return (r, f) => {
      const t = arg!(r, f);
      if (!(t instanceof Timestamp)) return null;
      const ms = t.ms;
      if (ms >= lo && ms < hi) return last;
      if (!Number.isFinite(new Date(ms).getTime())) return null;
      const [start, end] = of(ms);
      if (!Number.isFinite(start)) return null;
      last = new Timestamp(start);
      lo = start;
      hi = Number.isFinite(end) ? end : start;
      return last;
    };
  };
}

/**
 * The end of the month of `t`, defined as the first instant of the next month
 * (an exclusive end), so `t < end_of_month(t)` always and `end_of_month(t) + 2d`
 * is two whole days after the month.
 */
export function endOfMonth(t: Value): Value {
  if (!(t instanceof Timestamp)) return null;
  const dt = utc(t);
  return dt.isValid ? new Timestamp(dt.startOf("month").plus({ months: 1 }).toMillis()) : null;
}

export function formatTime(t: Value, pattern: Value): Value {
  if (!(t instanceof Timestamp) || typeof pattern !== "string") return null;
  try {
    const dt = utc(t);
    return dt.isValid ? dt.toFormat(pattern) : null;
  } catch {
    return null;
  }
}

/** Parses `s` with `pattern`; UTC unless the pattern reads a zone from the text. */
export function parseTime(s: Value, pattern: Value): Value {
  if (typeof s !== "string" || typeof pattern !== "string") return null;
  try {
    const dt = DateTime.fromFormat(s, pattern, { zone: "utc" });
    return dt.isValid ? new Timestamp(dt.toMillis()) : null;
  } catch {
    return null;
  }
}

const TS = T.timestamp;
const AT = '"2026-11-20T10:42:07Z"';
const trunc = (name: Unit, result: string): BuiltinDef => ({
  name,
  signature: `${name}(t timestamp) -> timestamp`,
  minArgs: 1,
  maxArgs: 1,
  group: "time",
  doc: "`(t timestamp) -> timestamp`, truncated to the start of that period",
  examples: [example(`${name}(timestamp(${AT}))`, `timestamp("${result}")`)],
  check: sig(name, [TS], TS),
  impl: truncate(name),
  compile: truncateAtSite(name),
});

export const timeFunctions: ReadonlyArray<BuiltinDef> = [
  {
    name: "now",
    signature: "now() -> timestamp",
    minArgs: 0,
    maxArgs: 0,
    group: "time",
    doc: "`() -> timestamp`, the run's clock (`--now` or the host; fixed for a run)",
    examples: [example("now()", 'timestamp("2026-11-20T10:00:00Z")')],
    needs: ["clock"],
    check: () => ({ ok: true, type: TS }),
    compile: () => (_r, f) => f.env.now,
  },
  trunc("year", "2026-01-01T00:00:00Z"),
  trunc("month", "2026-11-01T00:00:00Z"),
  trunc("day", "2026-11-20T00:00:00Z"),
  trunc("hour", "2026-11-20T10:00:00Z"),
  {
    name: "format_time",
    signature: "format_time(t timestamp, pattern string) -> string",
    minArgs: 2,
    maxArgs: 2,
    group: "time",
    doc: "`(t timestamp, pattern string) -> string`",
    examples: [example(`format_time(timestamp(${AT}), "yyyy-MM-dd HH:mm")`, '"2026-11-20 10:42"')],
    check: sig("format_time", [TS, T.string], T.string),
    impl: formatTime,
  },
  {
    name: "parse_time",
    signature: "parse_time(s string, pattern string) -> timestamp",
    minArgs: 2,
    maxArgs: 2,
    group: "time",
    doc: "`(s string, pattern string) -> timestamp`",
    examples: [
      example('parse_time("20.11.2026 10:42", "dd.MM.yyyy HH:mm")', 'timestamp("2026-11-20T10:42:00Z")'),
      example('parse_time("not a date", "yyyy")', "null"),
    ],
    check: sig("parse_time", [T.string, T.string], TS),
    impl: parseTime,
  },
  {
    name: "end_of_month",
    signature: "end_of_month(t timestamp) -> timestamp",
    minArgs: 1,
    maxArgs: 1,
    group: "time",
    doc: "`(t timestamp) -> timestamp`, the first instant of the next month",
    examples: [example(`end_of_month(timestamp(${AT}))`, 'timestamp("2026-12-01T00:00:00Z")')],
    check: sig("end_of_month", [TS], TS),
    impl: endOfMonth,
  },
  {
    name: "seconds",
    signature: "seconds(d duration) -> number",
    minArgs: 1,
    maxArgs: 1,
    group: "time",
    doc: "`(d duration) -> number`",
    examples: [example("seconds(90s)", "number(90)")],
    check: sig("seconds", [T.duration], T.number),
    impl: (d) => (d instanceof Duration ? d.ms / 1000 : null),
  },
  {
    name: "days",
    signature: "days(d duration) -> number",
    minArgs: 1,
    maxArgs: 1,
    group: "time",
    doc: "`(d duration) -> number`",
    examples: [example("days(36h)", "number(1.5)")],
    check: sig("days", [T.duration], T.number),
    impl: (d) => (d instanceof Duration ? d.ms / 86_400_000 : null),
  },
];
