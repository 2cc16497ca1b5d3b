import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { endOfMonthIn, formatTimeIn, parseTimeIn, periodAtSite, periodIn, zoneOfArg } from "../../src/values/time-in-zone.js";
import { startOf, startOfNext, zoneNamed, type PeriodUnit } from "../../src/values/zones.js";
import { Timestamp, type Value } from "../../src/values/value.js";

const ts = (iso: string) => new Timestamp(Date.parse(iso));
const iso = (v: Value) => (v instanceof Timestamp ? new Date(v.ms).toISOString() : v);
const day = periodIn("day");
const month = periodIn("month");
const hour = periodIn("hour");

test("the zone argument: absent is UTC; a name is its zone; anything else none", () => {
  assert.is(zoneOfArg(undefined)?.name, "UTC");
  assert.is(zoneOfArg("Europe/Berlin")?.name, "Europe/Berlin");
  for (const bad of [null, "Berlin", "", 1, true] as Value[]) assert.is(zoneOfArg(bad), undefined, String(bad));
});

test("periods and month ends in a zone, UTC without one", () => {
  assert.is(iso(month(ts("2026-10-31T23:30:00Z"), "Europe/Berlin")), "2026-10-31T23:00:00.000Z");
  assert.is(iso(month(ts("2026-10-31T23:30:00Z"), "America/Los_Angeles")), "2026-10-01T07:00:00.000Z");
  assert.is(iso(month(ts("2026-10-31T23:30:00Z"))), "2026-10-01T00:00:00.000Z");
  assert.is(iso(day(ts("2026-10-25T12:00:00Z"), "Europe/Berlin")), "2026-10-24T22:00:00.000Z");
  assert.is(iso(hour(ts("2026-10-25T01:45:00Z"), "Europe/Berlin")), "2026-10-25T01:00:00.000Z");
  assert.is(iso(endOfMonthIn(ts("2026-10-15T00:00:00Z"), "Europe/Berlin")), "2026-10-31T23:00:00.000Z");
  assert.is(iso(endOfMonthIn(ts("2026-10-15T00:00:00Z"))), "2026-11-01T00:00:00.000Z");
});

test("a bad zone value, a null or a non-timestamp gives null", () => {
  for (const z of ["Berlin", null, 7] as Value[]) {
    assert.is(day(ts("2026-10-25T12:00:00Z"), z), null);
    assert.is(endOfMonthIn(ts("2026-10-25T12:00:00Z"), z), null);
    assert.is(formatTimeIn(ts("2026-10-25T12:00:00Z"), "yyyy", z), null);
    assert.is(parseTimeIn("2026", "yyyy", z), null);
  }
  assert.is(day("2026-10-25", "UTC"), null);
  assert.is(day(new Timestamp(9e15), "Europe/Berlin"), null);
  assert.is(formatTimeIn(null, "yyyy"), null);
  assert.is(parseTimeIn(null, "yyyy"), null);
});

test("format and parse in a zone; a pattern that is not allowed gives null when it is not a literal", () => {
  assert.is(formatTimeIn(ts("2026-10-31T23:30:00Z"), "yyyy-MM-dd HH:mm zzzz", "Europe/Berlin"), "2026-11-01 00:30 Central European Standard Time");
  assert.is(formatTimeIn(ts("2026-10-31T23:30:00Z"), "yyyy-MM-dd HH:mm"), "2026-10-31 23:30");
  assert.is(iso(parseTimeIn("2026-11-01 00:30", "yyyy-MM-dd HH:mm", "Europe/Berlin")), "2026-10-31T23:30:00.000Z");
  assert.is(iso(parseTimeIn("2026-11-01 00:30", "yyyy-MM-dd HH:mm")), "2026-11-01T00:30:00.000Z");
  assert.is(formatTimeIn(ts("2026-10-31T23:30:00Z"), "YYYY"), null);
  assert.is(parseTimeIn("2026", "YYYY"), null);
  assert.is(parseTimeIn("PST", "z"), null);
});

test("a call site remembering a period per zone answers as the zone engine does, records alternating zones and periods", () => {
  const zones = ["Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "UTC", "Asia/Kolkata", "Berlin", "america/new_york"];
  // Around the DST changes and month ends of 2026, in any order.
  const instant = fc.integer({ min: Date.parse("2026-03-20T00:00:00Z"), max: Date.parse("2026-11-10T00:00:00Z") });
  const unit = fc.constantFrom<PeriodUnit>("year", "month", "day", "hour");
  fc.assert(
    fc.property(unit, fc.array(fc.tuple(instant, fc.constantFrom(...zones)), { minLength: 1, maxLength: 60 }), (u, calls) => {
      const site = periodAtSite(u);
      for (const [ms, name] of calls) {
        const z = zoneNamed(name);
        const expected = z ? startOf(ms, u, z) : undefined;
        const got = site(new Timestamp(ms), name);
        assert.is(got instanceof Timestamp ? got.ms : got, expected ?? null, `${u} of ${new Date(ms).toISOString()} in ${name}`);
      }
    }),
    { numRuns: 200 },
  );
  const site = periodAtSite("day");
  assert.is(site(ts("2026-10-25T12:00:00Z"), null), null);
  assert.is(site("2026-10-25", "UTC"), null);
});

test("end_of_month is the first instant of the next month, whatever the site remembered", () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.parse("2026-01-01T00:00:00Z"), max: Date.parse("2027-01-01T00:00:00Z") }), fc.constantFrom("Europe/Berlin", "America/Los_Angeles", "Australia/Sydney", "UTC"), (ms, name) => {
      const end = endOfMonthIn(new Timestamp(ms), name);
      assert.is(end instanceof Timestamp ? end.ms : end, startOfNext(ms, "month", zoneNamed(name)!) ?? null);
    }),
    { numRuns: 300 },
  );
});

test.run();
