import { test } from "uvu";
import * as assert from "uvu/assert";
import { endOfMonthIn, formatTimeIn, parseTimeIn, periodIn, zoneOfArg } from "../../src/values/time-in-zone.js";
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

test.run();
