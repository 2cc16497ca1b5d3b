// Timestamps against a conformance list of ISO-8601, RFC 3339 and RFC 9557 texts:
// what each reads as (an instant in UTC), or that it is refused. `--now` and
// `to_timestamp` read through the same function.
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseTimestamp } from "../../src/values/convert.js";
import { toTimestamp } from "../../src/runtime/runner.js";

const iso = (text: string): string | null => {
  const t = parseTimestamp(text);
  return t === undefined ? null : new Date(t.ms).toISOString();
};

/** [text, the instant it names (UTC), or null for refused, the rule]. */
const CASES: ReadonlyArray<readonly [string, string | null, string]> = [
  // RFC 3339 §5.6 and its examples (§5.8)
  ["1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.520Z", "RFC 3339 example 1"],
  ["1996-12-19T16:39:57-08:00", "1996-12-20T00:39:57.000Z", "RFC 3339 example 2"],
  ["1937-01-01T12:00:27.87+00:20", "1937-01-01T11:40:27.870Z", "RFC 3339 example 5"],
  ["1990-12-31T23:59:60Z", null, "a leap second: no instant of ours can name it"],
  ["2026-11-20t10:00:00z", "2026-11-20T10:00:00.000Z", "lower-case t and z (RFC 3339 §5.6 note)"],
  ["2026-11-20T10:00:00-00:00", "2026-11-20T10:00:00.000Z", "-00:00: UTC, offset unknown"],
  ["2026-11-20T10:00:00.123456789Z", "2026-11-20T10:00:00.123Z", "fractions past milliseconds are cut"],
  // Offsets: hours 00-23, minutes 00-59
  ["2026-11-20T10:00:00+23:59", "2026-11-19T10:01:00.000Z", "the largest offset"],
  ["2026-11-20T10:00:00-23:59", "2026-11-21T09:59:00.000Z", "the smallest offset"],
  ["2026-11-20T10:00:00+24:00", null, "offset hour 24"],
  ["2026-11-20T10:00:00+25:00", null, "offset hour 25"],
  ["2026-11-20T10:00:00+99:99", null, "offset 99:99"],
  ["2026-11-20T10:00:00+01:60", null, "offset minute 60"],
  ["2026-11-20T10:00:00.5+24:00", null, "offset hour 24 after a fraction"],
  ["2026-11-20T10:00+2400", null, "basic-format offset hour 24"],
  ["2026-11-20T10:00:00+0130", "2026-11-20T08:30:00.000Z", "ISO-8601 basic offset"],
  ["2026-11-20T10:00:00+01", "2026-11-20T09:00:00.000Z", "ISO-8601 hour-only offset"],
  // Field ranges
  ["2026-11-20T24:00:00Z", null, "hour 24 (ISO-8601:2004 end of day; not RFC 3339)"],
  ["2026-11-20T23:60:00Z", null, "minute 60"],
  ["2026-02-29T00:00:00Z", null, "29 February in a common year"],
  ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z", "29 February in a leap year"],
  ["2026-13-01", null, "month 13"],
  ["2026-11-31", null, "31 November"],
  ["2026-11-20 10:00:00Z", null, "a space instead of T"],
  ["2026-11-20T10:00:00", "2026-11-20T10:00:00.000Z", "a local time without zone is UTC (documented)"],
  ["2026-11-20", "2026-11-20T00:00:00.000Z", "a date alone is midnight UTC"],
  // Other ISO-8601 forms luxon reads
  ["20261120T100000Z", "2026-11-20T10:00:00.000Z", "basic format"],
  ["2026-W47-5", "2026-11-20T00:00:00.000Z", "week date"],
  ["2026-324", "2026-11-20T00:00:00.000Z", "ordinal date"],
  ["2026-11-20T10:00Z", "2026-11-20T10:00:00.000Z", "minutes precision"],
  // RFC 9557: the offset or Z wins; a bracketed zone must agree with an offset
  ["2026-11-20T10:00:00Z[Europe/Berlin]", "2026-11-20T10:00:00.000Z", "Z with a zone keeps the instant"],
  ["2026-07-01T10:00:00Z[America/New_York]", "2026-07-01T10:00:00.000Z", "Z with a zone keeps the instant (summer)"],
  ["2026-11-20T10:00:00+01:00[Europe/Berlin]", "2026-11-20T09:00:00.000Z", "an offset the zone has then"],
  ["2026-07-01T10:00:00+02:00[Europe/Berlin]", "2026-07-01T08:00:00.000Z", "summer time in Berlin"],
  ["2026-07-01T10:00:00+01:00[Europe/Berlin]", null, "an offset Berlin does not have in July"],
  ["2026-11-20T10:00:00+05:00[Europe/Berlin]", null, "an offset that disagrees with the zone"],
  ["2026-11-20T10:00:00+05:00[!Europe/Berlin]", null, "disagreeing, critical"],
  ["2026-11-20T10:00:00+01:00[!Europe/Berlin]", "2026-11-20T09:00:00.000Z", "agreeing, critical"],
  ["2026-11-20T10:00:00+01:00[+01:00]", "2026-11-20T09:00:00.000Z", "a numeric zone that agrees"],
  ["2026-11-20T10:00:00+01:00[+02:00]", null, "a numeric zone that disagrees"],
  ["2026-11-20T10:00:00[Europe/Berlin]", "2026-11-20T09:00:00.000Z", "a local time in a bracketed zone"],
  ["2026-07-01T10:00:00[Europe/Berlin]", "2026-07-01T08:00:00.000Z", "a local time in a bracketed zone, summer"],
  ["2026-11-20T10:00:00+01:00[Mars/Olympus]", null, "an unknown zone"],
  ["2026-11-20T10:00:00Z[Mars/Olympus]", null, "an unknown zone, even after Z"],
  ["2026-11-20T10:00:00+01:00[Europe/Berlin][u-ca=iso8601]", "2026-11-20T09:00:00.000Z", "the ISO calendar"],
  ["2026-11-20T10:00:00Z[u-ca=gregory]", "2026-11-20T10:00:00.000Z", "the Gregorian calendar, no zone"],
  ["2026-11-20T10:00:00Z[foo=bar]", "2026-11-20T10:00:00.000Z", "an unknown elective annotation is ignored"],
  ["2026-11-20T10:00:00Z[!foo=bar]", null, "an unknown critical annotation"],
  ["2026-11-20T10:00:00Z[!u-ca=hebrew]", null, "another calendar, critical"],
  ["2026-11-20T10:00:00Z[u-ca=iso8601][Europe/Berlin]", null, "a zone that is not the first annotation"],
  ["2026-11-20T10:00:00Z[Europe/Berlin][Europe/Paris]", null, "two zones"],
  ["2026-11-20T10:00:00Z[]", null, "an empty annotation"],
  ["2026-11-20T10:00:00Z[Europe/Berlin", null, "an unclosed annotation"],
  ["2026-11-20T10:00:00+25:00[Europe/Berlin]", null, "an out-of-range offset with a zone"],
];

test("the conformance list: each text reads as its instant, or is refused", () => {
  const wrong = CASES.filter(([text, want]) => iso(text) !== want).map(([text, want, rule]) => `${text} (${rule}): want ${want}, got ${iso(text)}`);
  assert.equal(wrong, []);
});

test("--now's clock reads the same way: an out-of-range offset or a disagreeing zone is no clock", () => {
  for (const [text, want] of CASES) {
    const t = toTimestamp(text);
    assert.is(t === undefined ? null : new Date(t.ms).toISOString(), want, text);
  }
});

test("(property) any in-range offset names the instant it says; out-of-range hours or minutes are refused", () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }),
      fc.constantFrom("+", "-"),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      (d, sign, hh, mm) => {
        const wall = d.toISOString().slice(0, 19);
        const text = `${wall}${sign}${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}`;
        const got = parseTimestamp(text);
        if (hh > 23 || mm > 59) assert.is(got, undefined, text);
        else assert.is(got?.ms, Date.parse(`${wall}Z`) - (sign === "-" ? -1 : 1) * (hh * 60 + mm) * 60_000, text);
        // Z with any zone keeps the instant.
        assert.is(parseTimestamp(`${wall}Z[Asia/Tokyo]`)?.ms, Date.parse(`${wall}Z`), text);
      },
    ),
    { numRuns: 500 },
  );
});

test.run();
