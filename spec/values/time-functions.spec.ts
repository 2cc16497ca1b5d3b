// The time functions with zones, as a stream uses them: in-language tests of
// a small billing stream (month boundaries, both DST days, round trips, a bad
// zone value caught by a validate rule).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream } from "../../src/plan/compile.js";
import { runTests, type TestResult } from "../../src/testing/index.js";

const STREAM = `
stream zones
source usage { account string  tz string  at timestamp }
source texts { s string  tz string }
validate zoned from usage { require day(at, tz) != null else "unknown time zone" }
aggregate monthly from zoned by account, tz, period = month(at, tz) flush each run { events = count() }
map lines from monthly {
  account = account
  starts  = format_time(period, "yyyy-MM-dd'T'HH:mmXXX", tz)
  ends    = end_of_month(period, tz)
  period  = format_time(period, "yyyy-MM", tz)
  events  = events
}
aggregate daily from zoned by tz, day = day(at, tz) flush each run { events = count()  hours = count_distinct(hour(at, tz)) }
map days from daily { tz = tz  date = format_time(day, "EEE d MMM yyyy", tz)  starts = day  hours = hours  events = events }
map read from texts {
  t    = parse_time(s, "yyyy-MM-dd HH:mm", tz)
  back = format_time(parse_time(s, "yyyy-MM-dd HH:mm", tz), "yyyy-MM-dd HH:mm zzz", tz)
}
sink out_lines from lines to jsonl "lines.jsonl"
sink out_days from days to jsonl "days.jsonl"
sink out_read from read to jsonl "read.jsonl"
`;

const at = (account: string, tz: string, iso: string) => `{ account: "${account}", tz: "${tz}", at: "${iso}" }`;
/** One record every `stepMin` minutes from `from` (inclusive) to `to` (exclusive), UTC. */
function every(tz: string, from: string, to: string, stepMin: number): string {
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += stepMin * 60_000) out.push(at("a", tz, new Date(t).toISOString()));
  return out.join(", ");
}

function run(tests: string): TestResult[] {
  const compiled = compileStream(STREAM + tests, { filename: "zones.stream" });
  assert.equal(compiled.diagnostics.filter((d) => d.severity === "error"), []);
  const cases = compiled.checked!.tests.map((decl) => ({ decl, file: "zones.stream" }));
  return runTests(compiled.plan!, cases, { tables: {}, clock: () => 0 });
}
const passes = (tests: string) => {
  for (const r of run(tests)) assert.is(r.status, "passed", `${r.title}: ${r.failures.map((f) => [f.what, ...f.lines].join("\n")).join("\n\n")}`);
};

test("a month boundary in Europe/Berlin and in America/Los_Angeles", () => {
  passes(`
test "Berlin's November begins at 23:00 UTC" {
  given usage [ ${at("b", "Europe/Berlin", "2026-10-31T22:59:59Z")}, ${at("b", "Europe/Berlin", "2026-10-31T23:00:00Z")} ]
  expect lines [
    { account: "b", starts: "2026-10-01T00:00+02:00", ends: "2026-10-31T23:00:00Z", period: "2026-10", events: 1 },
    { account: "b", starts: "2026-11-01T00:00+01:00", ends: "2026-11-30T23:00:00Z", period: "2026-11", events: 1 }
  ]
}
test "Los Angeles's November begins at 07:00 UTC, its December at 08:00" {
  given usage [ ${at("l", "America/Los_Angeles", "2026-11-01T06:59:59.999Z")}, ${at("l", "America/Los_Angeles", "2026-11-01T07:00:00Z")}, ${at("l", "America/Los_Angeles", "2026-11-30T23:30:00Z")} ]
  expect lines [
    { account: "l", starts: "2026-10-01T00:00-07:00", ends: "2026-11-01T07:00:00Z", period: "2026-10", events: 1 },
    { account: "l", starts: "2026-11-01T00:00-07:00", ends: "2026-12-01T08:00:00Z", period: "2026-11", events: 2 }
  ]
}
test "one instant, two customers, two months" {
  given usage [ ${at("b", "Europe/Berlin", "2026-10-31T23:30:00Z")}, ${at("l", "America/Los_Angeles", "2026-10-31T23:30:00Z")}, ${at("u", "UTC", "2026-10-31T23:30:00Z")} ]
  expect lines [ { account: "b", period: "2026-11" }, { account: "l", period: "2026-10" }, { account: "u", period: "2026-10" } ]
}`);
});

test("both DST days: 23 and 25 hours, in Berlin and in Los Angeles", () => {
  passes(`
test "Berlin's spring day has 23 hours, its autumn day 25" {
  given usage [ ${every("Europe/Berlin", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 30)}, ${every("Europe/Berlin", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 30)} ]
  expect days [
    { tz: "Europe/Berlin", date: "Sun 29 Mar 2026", starts: "2026-03-28T23:00:00Z", hours: 23, events: 46 },
    { tz: "Europe/Berlin", date: "Sun 25 Oct 2026", starts: "2026-10-24T22:00:00Z", hours: 25, events: 50 }
  ]
}
test "Los Angeles's spring day has 23 hours, its autumn day 25" {
  given usage [ ${every("America/Los_Angeles", "2026-03-08T08:00:00Z", "2026-03-09T07:00:00Z", 60)}, ${every("America/Los_Angeles", "2026-11-01T07:00:00Z", "2026-11-02T08:00:00Z", 60)} ]
  expect days [
    { date: "Sun 8 Mar 2026", starts: "2026-03-08T08:00:00Z", hours: 23, events: 23 },
    { date: "Sun 1 Nov 2026", starts: "2026-11-01T07:00:00Z", hours: 25, events: 25 }
  ]
}
test "the day before and after a DST day are 24 hours" {
  given usage [ ${every("Europe/Berlin", "2026-03-27T23:00:00Z", "2026-03-28T23:00:00Z", 60)}, ${every("Europe/Berlin", "2026-03-29T22:00:00Z", "2026-03-30T22:00:00Z", 60)} ]
  expect days [ { date: "Sat 28 Mar 2026", hours: 24, events: 24 }, { date: "Mon 30 Mar 2026", hours: 24, events: 24 } ]
}`);
});

test("parse and format round trips, with the gap and the overlap", () => {
  passes(`
test "a local time reads in the zone and prints back" {
  given texts [
    { s: "2026-07-05 15:04", tz: "Europe/Berlin" },
    { s: "2026-07-05 15:04", tz: "America/Los_Angeles" },
    { s: "2026-03-29 02:30", tz: "Europe/Berlin" },
    { s: "2026-10-25 02:30", tz: "Europe/Berlin" },
    { s: "2026-02-30 10:00", tz: "Europe/Berlin" }
  ]
  expect read [
    { t: "2026-07-05T13:04:00Z", back: "2026-07-05 15:04 GMT+2" },
    { t: "2026-07-05T22:04:00Z", back: "2026-07-05 15:04 PDT" },
    { t: "2026-03-29T01:30:00Z", back: "2026-03-29 03:30 GMT+2" },
    { t: "2026-10-25T00:30:00Z", back: "2026-10-25 02:30 GMT+2" },
    { t: null, back: null }
  ]
}`);
});

test("a bad zone value gives null, and a validate rule catches it", () => {
  passes(`
test "a customer whose zone is not an IANA zone is rejected, not billed in UTC" {
  given usage [ ${at("x", "Berlin", "2026-10-31T23:30:00Z")}, ${at("b", "Europe/Berlin", "2026-10-31T23:30:00Z")} ]
  expect zoned.invalid [ { account: "x", tz: "Berlin", errors: [ { rule: "day(at, tz) != null", message: "unknown time zone" } ] } ]
  expect lines [ { account: "b", period: "2026-11" } ]
}
test "a bad zone value in a map gives null" {
  given texts [ { s: "2026-07-05 15:04", tz: "Mars/Olympus" } ]
  expect read [ { t: null, back: null } ]
}`);
});

test.run();
