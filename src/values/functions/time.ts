// Time functions. Without a zone they work in UTC with Date arithmetic; with one
// they use the zone engine (values/zones.ts) and LDML patterns (values/time-pattern.ts)
// through their value-level forms (values/time-in-zone.ts).
import Big from "big.js";
import { message } from "../../diagnostics/codes.js";
import { T } from "../types.js";
import { Duration, Timestamp, type Value } from "../value.js";
import { endOfMonthIn, formatTimeIn, parseTimeIn, periodAtSite, periodIn } from "../time-in-zone.js";
import { checkZoneName, compileFormat, compileParse } from "../time-pattern.js";
import { example, sig, type BuiltinDef, type CallFrame, type Compiled, type FunctionDef, type LiteralProblem } from "./def.js";
import { perSite, siteFactory } from "../per-site.js";

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
 * A call site of `year month day hour` remembers the last two periods it computed and
 * hands out the same (immutable) Timestamp while records fall in them, as a batch's
 * records mostly do (these run once per record in most aggregate keys); two, because
 * the last 24 hours' records fall on two days in any order.
 */
function truncateAtSite(unit: Unit): NonNullable<FunctionDef["compile"]> {
  const of = PERIODS[unit];
  return ([arg]) => {
    // Empty until the first calls.
    let lo = 0;
    let hi = 0;
    let last: Timestamp | null = null;
    let lo2 = 0;
    let hi2 = 0;
    let last2: Timestamp | null = null;
    return (r, f) => {
      const t = arg!(r, f);
      if (!(t instanceof Timestamp)) return null;
      const ms = t.ms;
      if (ms >= lo && ms < hi) return last;
      if (ms >= lo2 && ms < hi2) return last2;
      if (!Number.isFinite(new Date(ms).getTime())) return null;
      const [start, end] = of(ms);
      if (!Number.isFinite(start)) return null;
      lo2 = lo;
      hi2 = hi;
      last2 = last;
      last = new Timestamp(start);
      lo = start;
      hi = Number.isFinite(end) ? end : start;
      return last;
    };
  };
}

export { endOfMonthIn as endOfMonth, formatTimeIn as formatTime, parseTimeIn as parseTime };

/** A zone literal that names no zone, with the closest name. */
function zoneLiteral(value: string): LiteralProblem | undefined {
  const z = checkZoneName(value);
  return z.ok ? undefined : { message: message("E2040", { name: value }), ...(z.hint !== undefined ? { hint: z.hint } : {}) };
}

/** A pattern literal with a letter the docs do not list (or, for parse_time, one it cannot read). */
const patternLiteral =
  (fn: string, compile: typeof compileFormat | typeof compileParse) =>
  (value: string): LiteralProblem | undefined => {
    const c = compile(value);
    if (c.ok) return undefined;
    return {
      message: message("E2041", { fn, reason: c.reason }),
      ...(c.hint !== undefined ? { hint: c.hint } : {}),
      ...(c.at !== undefined ? { at: c.at, length: c.length ?? 1 } : {}),
    };
  };

// Copied per call site (values/per-site.ts).
const inZone = siteFactory(
  <F extends CallFrame>(at: (t: Value, zone: Value) => Value, arg: Compiled<F>, zoneArg: Compiled<F>): Compiled<F> =>
    (r, f) =>
      at(arg(r, f), zoneArg(r, f)),
);

/** A call site of `year month day hour` with a zone (values/time-in-zone.ts: the last period per zone value). */
function truncateInZoneAtSite(unit: Unit): NonNullable<FunctionDef["compile"]> {
  return ([arg, zoneArg]) => {
    return perSite(inZone)(periodAtSite(unit), arg!, zoneArg!);
  };
}

const TS = T.timestamp;
const AT = '"2026-11-20T10:42:07Z"';
const BERLIN = '"Europe/Berlin"';
const trunc = (name: Unit, result: string, inBerlin: [string, string]): BuiltinDef => {
  const utcSite = truncateAtSite(name);
  const zonedSite = truncateInZoneAtSite(name);
  return {
    name,
    signature: `${name}(t timestamp[, zone string]) -> timestamp`,
    minArgs: 1,
    maxArgs: 2,
    group: "time",
    doc: "`(t timestamp[, zone string]) -> timestamp`, the first instant of that period in the zone (default UTC)",
    examples: [
      example(`${name}(timestamp(${AT}))`, `timestamp("${result}")`),
      example(`${name}(timestamp("${inBerlin[0]}"), ${BERLIN})`, `timestamp("${inBerlin[1]}")`),
      example(`${name}(timestamp(${AT}), concat("Ber", "lin"))`, "null"),
    ],
    check: sig(name, [TS, T.string], TS),
    literals: [undefined, zoneLiteral],
    impl: (t, zone) => (zone === undefined ? truncate(name)(t) : periodIn(name)(t, zone)),
    compile: (args, site) => (args.length === 1 ? utcSite(args, site) : zonedSite(args, site)),
  };
};

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
  trunc("year", "2026-01-01T00:00:00Z", ["2026-12-31T23:30:00Z", "2026-12-31T23:00:00Z"]),
  trunc("month", "2026-11-01T00:00:00Z", ["2026-10-31T23:30:00Z", "2026-10-31T23:00:00Z"]),
  trunc("day", "2026-11-20T00:00:00Z", ["2026-10-25T12:00:00Z", "2026-10-24T22:00:00Z"]),
  trunc("hour", "2026-11-20T10:00:00Z", ["2026-10-25T01:45:00Z", "2026-10-25T01:00:00Z"]),
  {
    name: "format_time",
    signature: "format_time(t timestamp, pattern string[, zone string]) -> string",
    minArgs: 2,
    maxArgs: 3,
    group: "time",
    doc: "`(t timestamp, pattern string[, zone string]) -> string`, the local time in the zone (LDML letters, below)",
    examples: [
      example(`format_time(timestamp(${AT}), "yyyy-MM-dd HH:mm")`, '"2026-11-20 10:42"'),
      example(`format_time(timestamp(${AT}), "EEE d MMM yyyy HH:mm zzz", "America/Los_Angeles")`, '"Fri 20 Nov 2026 02:42 PST"'),
      example(`format_time(timestamp(${AT}), "yyyy-MM-dd'T'HH:mmXXX", ${BERLIN})`, '"2026-11-20T11:42+01:00"'),
      example(`format_time(timestamp(${AT}), "yyyy", concat("Ber", "lin"))`, "null"),
    ],
    check: sig("format_time", [TS, T.string, T.string], T.string),
    literals: [undefined, patternLiteral("format_time", compileFormat), zoneLiteral],
    impl: formatTimeIn,
  },
  {
    name: "parse_time",
    signature: "parse_time(s string, pattern string[, zone string]) -> timestamp",
    minArgs: 2,
    maxArgs: 3,
    group: "time",
    doc: "`(s string, pattern string[, zone string]) -> timestamp`, a local time read in the zone unless the text has an offset",
    examples: [
      example('parse_time("20.11.2026 10:42", "dd.MM.yyyy HH:mm")', 'timestamp("2026-11-20T10:42:00Z")'),
      example(`parse_time("20.11.2026 10:42", "dd.MM.yyyy HH:mm", ${BERLIN})`, 'timestamp("2026-11-20T09:42:00Z")'),
      example(`parse_time("2026-03-29 02:30", "yyyy-MM-dd HH:mm", ${BERLIN})`, 'timestamp("2026-03-29T01:30:00Z")'),
      example(`parse_time("20.11.2026 10:42 -08:00", "dd.MM.yyyy HH:mm XXX", ${BERLIN})`, 'timestamp("2026-11-20T18:42:00Z")'),
      example('parse_time("not a date", "yyyy")', "null"),
    ],
    check: sig("parse_time", [T.string, T.string, T.string], TS),
    literals: [undefined, patternLiteral("parse_time", compileParse), zoneLiteral],
    impl: parseTimeIn,
  },
  {
    name: "end_of_month",
    signature: "end_of_month(t timestamp[, zone string]) -> timestamp",
    minArgs: 1,
    maxArgs: 2,
    group: "time",
    doc: "`(t timestamp[, zone string]) -> timestamp`, the first instant of the next month in the zone",
    examples: [
      example(`end_of_month(timestamp(${AT}))`, 'timestamp("2026-12-01T00:00:00Z")'),
      example(`end_of_month(timestamp(${AT}), ${BERLIN})`, 'timestamp("2026-11-30T23:00:00Z")'),
      example(`end_of_month(timestamp(${AT}), "America/Los_Angeles")`, 'timestamp("2026-12-01T08:00:00Z")'),
    ],
    check: sig("end_of_month", [TS, T.string], TS),
    literals: [undefined, zoneLiteral],
    impl: endOfMonthIn,
  },
  {
    name: "seconds",
    signature: "seconds(d duration) -> decimal",
    minArgs: 1,
    maxArgs: 1,
    group: "time",
    doc: "`(d duration) -> decimal`, exact (a third of a day is 20 places)",
    examples: [example("seconds(90s)", "decimal(90)"), example("seconds(1500ms)", "1.5")],
    check: sig("seconds", [T.duration], T.decimal),
    impl: (d) => (d instanceof Duration ? new Big(d.ms).div(1000) : null),
  },
  {
    name: "days",
    signature: "days(d duration) -> decimal",
    minArgs: 1,
    maxArgs: 1,
    group: "time",
    doc: "`(d duration) -> decimal`, exact (a third of a day is 20 places)",
    examples: [example("days(36h)", "1.5")],
    check: sig("days", [T.duration], T.decimal),
    impl: (d) => (d instanceof Duration ? new Big(d.ms).div(86_400_000) : null),
  },
];
