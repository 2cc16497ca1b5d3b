// Time functions, all in UTC. Patterns are Unicode date-field patterns as luxon
// reads them (`yyyy MM dd HH mm ss SSS`, `'literal'`, zones `ZZ`/`ZZZ`/`z`).
import { DateTime } from "luxon";
import { T } from "../types.js";
import { Duration, Timestamp, type Value } from "../value.js";
import { sig, type FunctionDef } from "./def.js";

const utc = (t: Timestamp): DateTime => DateTime.fromMillis(t.ms, { zone: "utc" });

function truncate(unit: "year" | "month" | "day" | "hour") {
  return (t: Value): Value => {
    if (!(t instanceof Timestamp)) return null;
    const dt = utc(t);
    return dt.isValid ? new Timestamp(dt.startOf(unit).toMillis()) : null;
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
const trunc = (name: "year" | "month" | "day" | "hour"): FunctionDef => ({
  name,
  signature: `${name}(t timestamp) -> timestamp`,
  minArgs: 1,
  maxArgs: 1,
  check: sig(name, [TS], TS),
  impl: truncate(name),
});

export const timeFunctions: ReadonlyArray<FunctionDef> = [
  trunc("year"),
  trunc("month"),
  trunc("day"),
  trunc("hour"),
  {
    name: "format_time",
    signature: "format_time(t timestamp, pattern string) -> string",
    minArgs: 2,
    maxArgs: 2,
    check: sig("format_time", [TS, T.string], T.string),
    impl: formatTime,
  },
  {
    name: "parse_time",
    signature: "parse_time(s string, pattern string) -> timestamp",
    minArgs: 2,
    maxArgs: 2,
    check: sig("parse_time", [T.string, T.string], TS),
    impl: parseTime,
  },
  {
    name: "end_of_month",
    signature: "end_of_month(t timestamp) -> timestamp",
    minArgs: 1,
    maxArgs: 1,
    check: sig("end_of_month", [TS], TS),
    impl: endOfMonth,
  },
  {
    name: "seconds",
    signature: "seconds(d duration) -> number",
    minArgs: 1,
    maxArgs: 1,
    check: sig("seconds", [T.duration], T.number),
    impl: (d) => (d instanceof Duration ? d.ms / 1000 : null),
  },
  {
    name: "days",
    signature: "days(d duration) -> number",
    minArgs: 1,
    maxArgs: 1,
    check: sig("days", [T.duration], T.number),
    impl: (d) => (d instanceof Duration ? d.ms / 86_400_000 : null),
  },
  {
    name: "now",
    signature: "now() -> timestamp",
    minArgs: 0,
    maxArgs: 0,
    check: () => ({ ok: true, type: TS }),
  },
];
