// Time zones: IANA names, the local time of an instant in a zone, and the
// instants where a zone's local hours, days, months and years begin.
//
// Built on Node's Intl (ICU and its bundled tz database), so the rules follow
// the Node release and need no data of ours. One Intl formatter per zone is
// made once and kept; everything else is arithmetic on its answer.

/** A zone: its name as ICU spells it, and its offset (local minus UTC, in ms) at an instant. */
export interface Zone {
  readonly name: string;
  offsetAt(ms: number): number;
}

/** A local date and time (the proleptic Gregorian calendar, ISO years: 1 BC is year 0). */
export interface Wall {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** What a clock in the zone shows at an instant, with the zone's offset then. */
export interface LocalTime extends Wall {
  /** 1 (Monday) … 7 (Sunday), as ISO-8601 counts. */
  readonly weekday: number;
  readonly offsetMs: number;
}

export type PeriodUnit = "year" | "month" | "day" | "hour";

/** The instants a Date can hold; beyond them no local time is computed. */
const MAX_MS = 8.64e15;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 400 Gregorian years, a whole cycle of weekdays and leap years. */
const CYCLE_MS = 146_097 * DAY;

/** Epoch ms of a wall time read as UTC (no two-digit-year mapping, any year). */
export function wallMs(w: Wall): number {
  // Date.UTC reads years 0–99 as 1900–1999: shift by a 400-year cycle and back.
  const shift = w.year >= 0 && w.year < 100 ? 400 : 0;
  return Date.UTC(w.year + shift, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - (shift ? CYCLE_MS : 0);
}

/** The wall time of epoch ms read as UTC, as the local time of a zone `offsetMs` ahead (one object: it is made per call of format_time). */
function wallOf(ms: number, offsetMs = 0): LocalTime {
  const d = new Date(ms);
  const weekday = d.getUTCDay();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    weekday: weekday === 0 ? 7 : weekday,
    offsetMs,
  };
}

export const UTC: Zone = { name: "UTC", offsetAt: () => 0 };

const FIELDS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
  hourCycle: "h23",
  era: "short",
};

/** `10/15/250 BC, 20:26:48`: what the formatter below prints, read without formatToParts (5x slower). */
const PRINTED = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

class IanaZone implements Zone {
  /** Offsets by the hour they fall in, for hours wholly inside one offset (no two transitions lie an hour apart). */
  private readonly byHour = new Map<number, number>();

  constructor(
    readonly name: string,
    private readonly fmt: Intl.DateTimeFormat,
  ) {}

  offsetAt(ms: number): number {
    const hour = Math.floor(ms / HOUR);
    const known = this.byHour.get(hour);
    if (known !== undefined) return known;
    const first = this.exactOffset(hour * HOUR);
    const last = this.exactOffset(hour * HOUR + HOUR - 1000);
    if (first !== last) return this.exactOffset(ms);
    if (this.byHour.size >= 100_000) this.byHour.clear();
    this.byHour.set(hour, first);
    return first;
  }

  private exactOffset(ms: number): number {
    // ICU answers to the second; the offset is how far the wall clock is ahead of UTC then.
    const whole = Math.floor(ms / 1000) * 1000;
    const m = PRINTED.exec(this.fmt.format(whole));
    const w = m ? { month: +m[1]!, day: +m[2]!, year: m[4] === "BC" ? 1 - +m[3]! : +m[3]!, hour: +m[5]!, minute: +m[6]!, second: +m[7]! } : this.fromParts(whole);
    return wallMs({ ...w, millisecond: 0 }) - whole;
  }

  private fromParts(ms: number): Omit<Wall, "millisecond"> {
    const n: Record<string, number> = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const p of this.fmt.formatToParts(ms)) {
      if (p.type === "era") bc = p.value === "BC" || p.value === "B";
      else if (p.type in n) n[p.type] = Number(p.value);
    }
    return { year: bc ? 1 - n.year! : n.year!, month: n.month!, day: n.day!, hour: n.hour!, minute: n.minute!, second: n.second! };
  }
}

const zones = new Map<string, Zone>([["UTC", UTC]]);
/** Names already refused, so bad data is not re-tried per record (bounded: names come from data). */
const refused = new Set<string>();

/**
 * The zone of an IANA name (or link, such as `US/Pacific`), matched without regard to case as
 * ECMA-402 does; undefined for a name ICU does not know. Fixed offsets (`+01:00`) are not zones.
 * The zone keeps the name as given (`Asia/Kolkata`, not ICU's `Asia/Calcutta`), in ICU's case
 * when only the case differs.
 */
export function zoneNamed(name: string): Zone | undefined {
  const known = zones.get(name);
  if (known) return known;
  if (refused.has(name) || name === "" || name.length > 64) return undefined;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", { ...FIELDS, timeZone: name });
  } catch {
    if (refused.size > 10_000) refused.clear();
    refused.add(name);
    return undefined;
  }
  const resolved = fmt.resolvedOptions().timeZone;
  const spelled = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  // `Etc/UTC`, `GMT`, `utc` … resolve to UTC: its offset is constant, no Intl needed.
  const zone = zones.get(spelled) ?? (resolved === "UTC" ? { name: spelled, offsetAt: () => 0 } : new IanaZone(spelled, fmt));
  zones.set(spelled, zone);
  zones.set(name, zone);
  return zone;
}

let names: ReadonlyArray<string> | undefined;
/** The zone names for suggestions: ICU's canonical IANA names, and UTC. */
export function zoneNames(): ReadonlyArray<string> {
  names ??= ["UTC", ...Intl.supportedValuesOf("timeZone")];
  return names;
}

/** The local time at `ms` in `zone`; undefined outside the range of instants. */
export function localTime(ms: number, zone: Zone): LocalTime | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) return undefined;
  const offsetMs = zone.offsetAt(ms);
  const local = ms + offsetMs;
  if (Math.abs(local) > MAX_MS) return undefined;
  return wallOf(local, offsetMs);
}

/**
 * The instants at which the zone's clock shows `w`, earliest first: one as a rule, two in an
 * overlap (the repeated hour when clocks go back), none in a gap (when clocks go forward).
 */
export function instantsOf(w: Wall, zone: Zone): number[] {
  const local = wallMs(w);
  if (!Number.isFinite(local)) return [];
  // The offsets in force a day either side cover any one transition.
  const before = zone.offsetAt(local - DAY);
  const after = zone.offsetAt(local + DAY);
  const out: number[] = [];
  for (const o of before === after ? [before] : [before, after]) {
    const ms = local - o;
    if (zone.offsetAt(ms) === o && !out.includes(ms)) out.push(ms);
  }
  return out.sort((a, b) => a - b);
}

/** The first instant at which the zone's offset is no longer `from`, in (lo, hi]. */
function transitionIn(lo: number, hi: number, zone: Zone, from: number): number {
  // Transitions fall on whole seconds; halve the interval in seconds.
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (zone.offsetAt(mid * 1000) === from) a = mid;
    else b = mid;
  }
  return b * 1000;
}

/**
 * The instant of a wall time, as a person would mean it: in an overlap the earlier of the two; in
 * a gap the time moved forward by the gap's length (02:30 on the day Berlin skips 02:00–03:00 is
 * 03:30 CEST). This is RFC 9557 / Temporal's `compatible` rule, and java.time's.
 */
export function instantOf(w: Wall, zone: Zone): number | undefined {
  const found = instantsOf(w, zone);
  if (found.length > 0) return found[0];
  const local = wallMs(w);
  if (!Number.isFinite(local)) return undefined;
  return local - zone.offsetAt(local - DAY);
}

/** The first instant at which the zone's clock shows `w` or later (a gap: the instant of the jump). */
function firstAtOrAfter(w: Wall, zone: Zone): number | undefined {
  const found = instantsOf(w, zone);
  if (found.length > 0) return found[0];
  const local = wallMs(w);
  if (!Number.isFinite(local)) return undefined;
  const before = zone.offsetAt(local - DAY);
  const after = zone.offsetAt(local + DAY);
  // In the gap the clock jumps from before `w` to after it, between these two instants.
  return transitionIn(local - after, local - before, zone, before);
}

const truncated = (t: LocalTime, unit: PeriodUnit): Wall => ({
  year: t.year,
  month: unit === "year" ? 1 : t.month,
  day: unit === "year" || unit === "month" ? 1 : t.day,
  hour: unit === "hour" ? t.hour : 0,
  minute: 0,
  second: 0,
  millisecond: 0,
});

/**
 * The start of the local period holding `ms`. A day, month or year starts at the first instant of
 * its date (a day starting in a gap starts when the clock jumps; one whose midnight repeats, at the
 * first midnight). An hour starts at the latest instant at or before `ms` at which the clock showed
 * that hour: the repeated hour when clocks go back is two hours, one per offset, so a 25-hour day
 * has 25 hours and a 23-hour day 23. Undefined outside the range of instants.
 */
export function startOf(ms: number, unit: PeriodUnit, zone: Zone): number | undefined {
  if (!(zone instanceof IanaZone)) return utcStartOf(ms, unit);
  const t = localTime(ms, zone);
  if (!t) return undefined;
  const w = truncated(t, unit);
  if (unit !== "hour") return firstAtOrAfter(w, zone);
  const found = instantsOf(w, zone).filter((i) => i <= ms);
  return found.length > 0 ? found[found.length - 1] : firstAtOrAfter(w, zone);
}

function utcStartOf(ms: number, unit: PeriodUnit): number | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) return undefined;
  if (unit === "hour" || unit === "day") {
    const size = unit === "hour" ? HOUR : DAY;
    return ms - (((ms % size) + size) % size);
  }
  const w = wallOf(ms);
  const start = wallMs({ year: w.year, month: unit === "year" ? 1 : w.month, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
  return Math.abs(start) > MAX_MS ? undefined : start;
}

/** The start of the period after the one holding `ms` (the exclusive end of that period). */
export function startOfNext(ms: number, unit: PeriodUnit, zone: Zone): number | undefined {
  const start = startOf(ms, unit, zone);
  if (start === undefined) return undefined;
  if (unit === "hour") {
    // The next hour begins where an hour later falls into another hour (twice as late in a
    // zone whose clocks go back by half an hour, when the repeated half-hour joins its hour).
    for (let k = 1; k <= 3; k++) {
      const next = startOf(start + k * HOUR, "hour", zone);
      if (next === undefined) return undefined;
      if (next > start) return next;
    }
    return start + HOUR;
  }
  const t = localTime(start, zone)!;
  const w: Wall = {
    year: unit === "year" ? t.year + 1 : t.year,
    month: unit === "year" ? 1 : unit === "month" ? t.month + 1 : t.month,
    day: unit === "day" ? t.day + 1 : 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
  };
  // Date.UTC carries month 13 and day 32 over; read the carried date back.
  const carried = wallOf(wallMs(w));
  const next = !(zone instanceof IanaZone) ? wallMs(carried) : firstAtOrAfter(carried, zone);
  return next === undefined || Math.abs(next) > MAX_MS ? undefined : next;
}

/**
 * `startOf` with the latest periods remembered per zone and unit (up to RECENT of them): the
 * records of a batch fall in a few periods, in any order, and finding a period's start takes a
 * few Intl calls. Periods do not overlap, so a remembered one that holds `ms` is its period.
 */
export function periodStart(ms: number, unit: PeriodUnit, zone: Zone): number | undefined {
  return periodOf(ms, unit, zone)?.[0];
}

/** The local period holding `ms`: [its first instant, the next period's first instant), remembered as periodStart says. */
export function periodOf(ms: number, unit: PeriodUnit, zone: Zone): readonly [number, number] | undefined {
  let byUnit = recentPeriods.get(zone);
  if (!byUnit) recentPeriods.set(zone, (byUnit = new Map()));
  let recent = byUnit.get(unit);
  if (!recent) byUnit.set(unit, (recent = []));
  for (let i = recent.length - 1; i >= 0; i--) {
    const p = recent[i]!;
    if (ms >= p[0] && ms < p[1]) return p;
  }
  const start = startOf(ms, unit, zone);
  if (start === undefined) return undefined;
  const end = startOfNext(ms, unit, zone);
  const period = [start, end !== undefined && end > start && ms < end ? end : start] as const;
  if (period[1] > start) {
    if (recent.length >= RECENT) recent.shift();
    recent.push(period);
  }
  return period;
}
const RECENT = 64;
const recentPeriods = new WeakMap<Zone, Map<PeriodUnit, Array<readonly [number, number]>>>();
