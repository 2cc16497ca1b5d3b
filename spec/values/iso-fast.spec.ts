// The fast ISO-8601 reader must agree with luxon wherever it answers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { DateTime } from "luxon";
import { parseIsoFast, parseTimestamp } from "../../src/values/convert.js";

const luxon = (s: string): number | undefined => {
  const dt = DateTime.fromISO(s, { zone: "utc" });
  return dt.isValid ? dt.toMillis() : undefined;
};

test("canonical shapes read the same instant as luxon", () => {
  for (const s of ["2026-11-20", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.123Z", "2026-11-20T10:00Z", "2024-02-29T23:59:59.999+02:00", "0050-01-01T00:00:00Z", "2026-11-20T10:00:00.1234567-05:30", "2026-11-20t10:00:00z"]) {
    assert.is(parseIsoFast(s), luxon(s), s);
  }
});

test("what the fast path refuses falls back to luxon, and invalid dates stay invalid", () => {
  for (const s of ["2026-02-30", "2025-02-29T00:00:00Z", "2026-13-01", "2026-11-20T10:00:61Z"]) {
    assert.is(parseIsoFast(s), undefined, s);
    assert.is(parseTimestamp(s)?.ms, luxon(s), s);
  }
  // Luxon reads hour 24 as the next midnight; RFC 3339 has no hour 24, so it is refused.
  assert.is(parseIsoFast("2026-11-20T24:00:00Z"), undefined);
  assert.is(parseTimestamp("2026-11-20T24:00:00Z"), undefined);
  // Without a zone a local time is UTC: luxon decides that shape.
  assert.is(parseTimestamp("2026-11-20T10:00:00")?.ms, Date.UTC(2026, 10, 20, 10));
});

test("property: on random ISO-like text the fast path never disagrees with luxon", () => {
  const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0"));
  const text = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), two, two, two, two, two, fc.constantFrom("", ".5", ".123", ".98765"), fc.constantFrom("Z", "+01:00", "-0930", "+14:00"))
    .map(([y, mo, d, h, mi, s, f, z]) => `${String(y).padStart(4, "0")}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
  fc.assert(
    fc.property(text, (s) => {
      const fast = parseIsoFast(s);
      return fast === undefined || fast === luxon(s);
    }),
    { numRuns: 2000 },
  );
});

test.run();
