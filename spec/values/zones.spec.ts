import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instantOf, instantsOf, localTime, periodStart, startOf, startOfNext, zoneNamed, zoneNames, type PeriodUnit, type Zone } from "../../src/values/zones.js";

const ms = (iso: string) => Date.parse(iso);
const iso = (n: number | undefined) => (n === undefined ? "undefined" : new Date(n).toISOString());
const zone = (name: string): Zone => {
  const z = zoneNamed(name);
  if (!z) throw new Error(`no zone ${name}`);
  return z;
};
const berlin = zone("Europe/Berlin");
const la = zone("America/Los_Angeles");
const HOUR = 3_600_000;

test("zone names: IANA names and links, in any case; not offsets or unknown names", () => {
  assert.is(zoneNamed("Europe/Berlin")?.name, "Europe/Berlin");
  assert.is(zoneNamed("europe/berlin")?.name, "Europe/Berlin");
  assert.is(zoneNamed("US/Pacific")?.name, "US/Pacific");
  assert.is(zoneNamed("US/Pacific")!.offsetAt(ms("2026-07-01T00:00:00Z")), -7 * HOUR);
  assert.is(zoneNamed("Asia/Kolkata")?.name, "Asia/Kolkata");
  assert.is(zoneNamed("UTC")?.name, "UTC");
  assert.is(zoneNamed("Etc/UTC")!.offsetAt(0), 0);
  for (const bad of ["", "Europe/Berln", "+01:00", "Z", "Mars/Olympus_Mons", "x".repeat(100)]) assert.is(zoneNamed(bad), undefined, bad);
  assert.ok(zoneNames().includes("UTC") && zoneNames().includes("Europe/Berlin"));
});

test("offsets follow the zone's rules, historical ones too", () => {
  assert.is(berlin.offsetAt(ms("2026-01-15T12:00:00Z")), HOUR);
  assert.is(berlin.offsetAt(ms("2026-07-15T12:00:00Z")), 2 * HOUR);
  // Berlin's local mean time before 1893: +0:53:28.
  assert.is(berlin.offsetAt(ms("1850-01-01T00:00:00Z")), (53 * 60 + 28) * 1000);
  // the instants around a transition: 2026-03-29 01:00 UTC Berlin goes from +1 to +2
  assert.is(berlin.offsetAt(ms("2026-03-29T00:59:59.999Z")), HOUR);
  assert.is(berlin.offsetAt(ms("2026-03-29T01:00:00Z")), 2 * HOUR);
  assert.is(zone("Asia/Kolkata").offsetAt(0), 5.5 * HOUR);
});

test("wall times in gaps and overlaps", () => {
  const w = (s: string) => {
    const [d, t] = s.split(" ");
    const [year, month, day] = d!.split("-").map(Number);
    const [hour, minute] = t!.split(":").map(Number);
    return { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: 0, millisecond: 0 };
  };
  assert.equal(instantsOf(w("2026-03-29 02:30"), berlin), []);
  assert.is(iso(instantOf(w("2026-03-29 02:30"), berlin)), "2026-03-29T01:30:00.000Z"); // 03:30 CEST
  assert.equal(instantsOf(w("2026-10-25 02:30"), berlin).map(iso), ["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]);
  assert.is(iso(instantOf(w("2026-10-25 02:30"), berlin)), "2026-10-25T00:30:00.000Z"); // the earlier
  assert.equal(instantsOf(w("2026-07-01 12:00"), la).map(iso), ["2026-07-01T19:00:00.000Z"]);
});

const periods = (t: string, unit: PeriodUnit, z: Zone) => [iso(startOf(ms(t), unit, z)), iso(startOfNext(ms(t), unit, z))];

test("month boundaries in Europe/Berlin and America/Los_Angeles", () => {
  // 2026-10-31T23:30Z is already November in Berlin (00:30 CET) and still October in LA
  assert.equal(periods("2026-10-31T23:30:00Z", "month", berlin), ["2026-10-31T23:00:00.000Z", "2026-11-30T23:00:00.000Z"]);
  assert.equal(periods("2026-10-31T23:30:00Z", "month", la), ["2026-10-01T07:00:00.000Z", "2026-11-01T07:00:00.000Z"]);
  assert.equal(periods("2026-11-01T06:59:59.999Z", "month", la), ["2026-10-01T07:00:00.000Z", "2026-11-01T07:00:00.000Z"]);
  assert.equal(periods("2026-11-01T07:00:00Z", "month", la), ["2026-11-01T07:00:00.000Z", "2026-12-01T08:00:00.000Z"]);
  assert.equal(periods("2026-12-31T23:00:00Z", "year", berlin), ["2026-12-31T23:00:00.000Z", "2027-12-31T23:00:00.000Z"]);
});

test("DST days: 23 and 25 hours, with 23 and 25 hour periods", () => {
  for (const [z, day, hours] of [
    [berlin, "2026-03-29T12:00:00Z", 23],
    [berlin, "2026-10-25T12:00:00Z", 25],
    [la, "2026-03-08T20:00:00Z", 23],
    [la, "2026-11-01T20:00:00Z", 25],
  ] as const) {
    const start = startOf(ms(day), "day", z)!;
    const end = startOfNext(ms(day), "day", z)!;
    assert.is((end - start) / HOUR, hours, `${z.name} ${day}`);
    const starts = new Set<number>();
    for (let t = start; t < end; t += 15 * 60_000) starts.add(startOf(t, "hour", z)!);
    assert.is(starts.size, hours, `${z.name} ${day}: hours`);
  }
  // Berlin's repeated hour 02:00–03:00 is two hours, one per offset.
  assert.is(iso(startOf(ms("2026-10-25T00:45:00Z"), "hour", berlin)), "2026-10-25T00:00:00.000Z");
  assert.is(iso(startOf(ms("2026-10-25T01:45:00Z"), "hour", berlin)), "2026-10-25T01:00:00.000Z");
  // The day after the 23-hour day starts at its local midnight.
  assert.equal(periods("2026-03-29T22:00:00Z", "day", berlin), ["2026-03-29T22:00:00.000Z", "2026-03-30T22:00:00.000Z"]);
});

test("a day starting in a gap starts when the clock jumps, one whose midnight repeats at the first; a half-hour zone's hours", () => {
  // Santiago skips 00:00–01:00 on 2026-09-06: the day starts at 01:00 -03.
  const santiago = zone("America/Santiago");
  assert.equal(periods("2026-09-06T12:00:00Z", "day", santiago), ["2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"]);
  assert.is(localTime(startOf(ms("2026-09-06T12:00:00Z"), "day", santiago)!, santiago)!.hour, 1);
  // Chisinau went back from 01:00 to 00:00 on 1939-10-01: midnight came twice, the day starts at the first
  const chisinau = zone("Europe/Chisinau");
  assert.is(iso(startOf(ms("1939-09-30T21:30:00Z"), "day", chisinau)), "1939-09-30T21:00:00.000Z");
  assert.is(iso(startOf(ms("1939-10-01T12:00:00Z"), "day", chisinau)), "1939-09-30T21:00:00.000Z");
  assert.is(iso(startOf(ms("1939-10-01T12:00:00Z"), "month", chisinau)), "1939-09-30T21:00:00.000Z");
  const kolkata = zone("Asia/Kolkata");
  assert.equal(periods("2026-07-01T10:10:00Z", "hour", kolkata), ["2026-07-01T09:30:00.000Z", "2026-07-01T10:30:00.000Z"]);
});

test("out of range instants have no local time", () => {
  assert.is(localTime(9e15, berlin), undefined);
  assert.is(startOf(9e15, "day", berlin), undefined);
  assert.is(startOf(Number.NaN, "day", zone("UTC")), undefined);
});

const units: PeriodUnit[] = ["hour", "day", "month", "year"];
const someZones = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "Asia/Kathmandu", "Africa/Casablanca", "America/St_Johns"];
const anyZone = fc.oneof(fc.constantFrom(...someZones), fc.constantFrom(...zoneNames())).map(zone);
const instant = fc.integer({ min: ms("1900-01-01T00:00:00Z"), max: ms("2100-01-01T00:00:00Z") });
const parts = (n: number, z: Zone) => {
  const f = new Intl.DateTimeFormat("en-US", { timeZone: z.name, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23", era: "short" });
  const p = Object.fromEntries(f.formatToParts(n).map((x) => [x.type, x.value]));
  return { year: p.era === "BC" ? 1 - Number(p.year) : Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
};

test("property: local time agrees with Intl (ICU) for any instant and zone", () => {
  fc.assert(
    fc.property(fc.integer({ min: ms("0001-01-01T00:00:00Z"), max: ms("9999-12-31T00:00:00Z") }), anyZone, (t, z) => {
      const l = localTime(t, z)!;
      assert.equal({ year: l.year, month: l.month, day: l.day, hour: l.hour, minute: l.minute, second: l.second }, parts(t, z));
    }),
    { numRuns: 400 },
  );
});

test("property: a period holds its instants, starts at its first one and ends where the next starts", () => {
  fc.assert(
    fc.property(instant, anyZone, fc.constantFrom(...units), (t, z, unit) => {
      const s = startOf(t, unit, z)!;
      const e = startOfNext(t, unit, z)!;
      assert.ok(s <= t && t < e, `${iso(s)} <= ${iso(t)} < ${iso(e)}`);
      assert.is(startOf(s, unit, z), s);
      assert.is(startOf(e - 1, unit, z), s);
      assert.ok(startOf(s - 1, unit, z)! < s);
      assert.is(startOf(e, unit, z), e);
      const lt = localTime(t, z)!;
      const ls = localTime(s, z)!;
      if (unit !== "hour") {
        // the same local date (to the unit), at midnight unless midnight was skipped
        assert.equal([ls.year, unit === "year" ? 1 : ls.month, unit === "day" ? ls.day : 1], [lt.year, unit === "year" ? 1 : lt.month, unit === "day" ? lt.day : 1]);
        if (instantsOf({ ...ls, hour: 0, minute: 0, second: 0, millisecond: 0 }, z).length > 0) assert.equal([ls.hour, ls.minute, ls.second, ls.millisecond], [0, 0, 0, 0]);
      } else {
        assert.is(ls.hour, lt.hour);
      }
      assert.is(periodStart(t, unit, z), s);
    }),
    { numRuns: 500 },
  );
});

test("property: the remembered period gives what startOf gives, in any order of calls", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(instant, fc.constantFrom(...someZones).map(zone), fc.constantFrom(...units)), { minLength: 1, maxLength: 30 }), (calls) => {
      for (const [t, z, unit] of calls) {
        assert.is(periodStart(t, unit, z), startOf(t, unit, z));
        assert.is(periodStart(t + 1, unit, z), startOf(t + 1, unit, z));
      }
    }),
    { numRuns: 100 },
  );
});

test.run();
