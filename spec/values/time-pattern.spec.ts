import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LETTERS, checkZoneName, compileFormat, compileParse } from "../../src/values/time-pattern.js";
import { instantsOf, localTime, zoneNamed, zoneNames, type Zone } from "../../src/values/zones.js";

const ms = (iso: string) => Date.parse(iso);
const iso = (n: number | null) => (n === null ? null : new Date(n).toISOString());
const zone = (name: string): Zone => zoneNamed(name)!;
const berlin = zone("Europe/Berlin");
const la = zone("America/Los_Angeles");
const kolkata = zone("Asia/Kolkata");

const fmt = (pattern: string) => {
  const c = compileFormat(pattern);
  if (!c.ok) throw new Error(c.reason);
  return c.format;
};
const parser = (pattern: string) => {
  const c = compileParse(pattern);
  if (!c.ok) throw new Error(c.reason);
  return c.parse;
};
const refusal = (c: { ok: boolean; reason?: string; hint?: string }) => (c.ok ? "accepted" : `${c.reason} | ${c.hint ?? ""}`);

test("format: every listed letter", () => {
  const t = ms("2026-07-05T13:04:05.123Z");
  const cases: [string, Zone, string][] = [
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", berlin, "2026-07-05T15:04:05.123+02:00"],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", la, "2026-07-05T06:04:05.123-07:00"],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", zone("UTC"), "2026-07-05T13:04:05.123Z"],
    ["EEE, d MMM yyyy h:mm a z", la, "Sun, 5 Jul 2026 6:04 AM PDT"],
    ["EEEE MMMM d, y G", berlin, "Sunday July 5, 2026 AD"],
    ["EEEEE EEEEEE MMMMM GGGG GGGGG", berlin, "S Su J Anno Domini A"],
    ["yy y yyyyy u uuuuu", berlin, "26 2026 02026 2026 02026"],
    ["D DD DDD", berlin, "186 186 186"],
    ["H HH h hh K KK k kk a", berlin, "15 15 3 03 3 03 15 15 PM"],
    ["m mm s ss S SS SSS SSSS", berlin, "4 04 5 05 1 12 123 1230"],
    ["X XX XXX XXXX XXXXX", kolkata, "+0530 +0530 +05:30 +0530 +05:30"],
    ["X XX XXX XXXX XXXXX", la, "-07 -0700 -07:00 -0700 -07:00"],
    ["x xx xxx", zone("UTC"), "+00 +0000 +00:00"],
    ["Z ZZ ZZZ ZZZZ ZZZZZ", la, "-0700 -0700 -0700 GMT-07:00 -07:00"],
    ["ZZZZ ZZZZZ O OOOO", zone("UTC"), "GMT+00:00 Z GMT+0 GMT+00:00"],
    ["O OOOO", kolkata, "GMT+5:30 GMT+05:30"],
    ["zzzz v vvvv VV", la, "Pacific Daylight Time PT Pacific Time America/Los_Angeles"],
    ["VV", kolkata, "Asia/Kolkata"],
    ["'T' '' 'it''s' - / : , . + [ ] é 1", berlin, "T ' it's - / : , . + [ ] é 1"],
    ["''''", berlin, "''"],
  ];
  for (const [p, z, want] of cases) assert.is(fmt(p)(t, z), want, p);
  // midnight and noon on the 12-hour clocks
  assert.is(fmt("h K k a")(ms("2026-07-05T00:00:00Z"), zone("UTC")), "12 0 24 AM");
  assert.is(fmt("h K k a")(ms("2026-07-05T12:00:00Z"), zone("UTC")), "12 0 12 PM");
  // BC years: y counts years of the era, u is the extended (ISO) year
  assert.is(fmt("y G u")(ms("-000001-06-01T00:00:00Z"), zone("UTC")), "2 BC -1");
  // local mean time offsets keep their seconds in the long forms only
  assert.is(fmt("XXX XXXXX ZZZZ")(ms("1850-01-01T00:00:00Z"), berlin), "+00:53 +00:53:28 GMT+00:53:28");
  assert.is(fmt("yyyy")(9e15, berlin), null);
});

test("format: letters the docs do not list are refused, with the slip named", () => {
  assert.is(refusal(compileFormat("YYYY-MM-dd")), "`Y` (at 1) is not a pattern letter | `Y` is the week-numbering year in LDML, which this language does not support: use `y` for the year");
  assert.is(refusal(compileFormat("yyyy-MM-ddTHH:mm")), "`T` (at 11) is not a pattern letter | a literal letter is quoted: `'T'`");
  assert.is(refusal(compileFormat("HH 'o''clock")), "the quote at 4 is not closed | quote literal text as 'text', and write '' for a quote");
  assert.is(refusal(compileFormat("Q")), "`Q` (at 1) is not a pattern letter | pattern letters are G y u M d D E a h H K k m s S X x Z O z v V; quote literal text: 'Q'");
  assert.is(refusal(compileFormat("MMMMMM")), "`MMMMMM` (at 1): `M` takes 1 to 5 letters | `M` is the month: 7 (M), 07 (MM), Jul (MMM), July (MMMM), J (MMMMM)");
  assert.is(refusal(compileFormat("V")), "`V` (at 1): `V` takes exactly 2 letters | `V` is the zone ID: America/Los_Angeles (VV)");
  assert.is(refusal(compileFormat("")), "accepted");
});

test("parse: fields, words, offsets and zones", () => {
  const cases: [string, string, Zone, string | null][] = [
    ["2026-07-05 15:04:05", "yyyy-MM-dd HH:mm:ss", berlin, "2026-07-05T13:04:05.000Z"],
    ["2026-07-05 15:04:05.5", "yyyy-MM-dd HH:mm:ss.S", berlin, "2026-07-05T13:04:05.500Z"],
    ["2026-07-05T15:04:05.123456+02:00", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", la, "2026-07-05T13:04:05.123Z"],
    ["2026-07-05T13:04:05Z", "yyyy-MM-dd'T'HH:mm:ssX", la, "2026-07-05T13:04:05.000Z"],
    ["05/Jul/2026:13:04:05 -0700", "dd/MMM/yyyy:HH:mm:ss Z", berlin, "2026-07-05T20:04:05.000Z"],
    ["05/jul/2026:13:04:05 GMT-7", "dd/MMM/yyyy:HH:mm:ss O", berlin, "2026-07-05T20:04:05.000Z"],
    ["Sunday, July 5, 2026 1:04 PM", "EEEE, MMMM d, yyyy h:mm a", la, "2026-07-05T20:04:00.000Z"],
    ["Mon, 5 Jul 2026 1:04 PM", "EEE, d MMM yyyy h:mm a", la, null], // 5 July 2026 is a Sunday
    ["20260705", "yyyyMMdd", berlin, "2026-07-04T22:00:00.000Z"],
    ["5.7.26", "d.M.yy", zone("UTC"), "2026-07-05T00:00:00.000Z"],
    ["2026-07-05 10:00 America/New_York", "yyyy-MM-dd HH:mm VV", berlin, "2026-07-05T14:00:00.000Z"],
    ["2026-07-05 10:00 Mars/Base", "yyyy-MM-dd HH:mm VV", berlin, null],
    ["-0001-01-01", "uuuu-MM-dd", zone("UTC"), "-000001-01-01T00:00:00.000Z"],
    ["2 BC", "y G", zone("UTC"), "-000001-01-01T00:00:00.000Z"],
    ["24:00", "kk:mm", zone("UTC"), "1970-01-01T00:00:00.000Z"],
    // a local time that does not exist moves forward by the gap; a repeated one is the earlier
    ["2026-03-29 02:30", "yyyy-MM-dd HH:mm", berlin, "2026-03-29T01:30:00.000Z"],
    ["2026-10-25 02:30", "yyyy-MM-dd HH:mm", berlin, "2026-10-25T00:30:00.000Z"],
    ["2026-10-25 02:30 +01:00", "yyyy-MM-dd HH:mm XXX", berlin, "2026-10-25T01:30:00.000Z"],
    // what does not fit gives null
    ["2026-02-30", "yyyy-MM-dd", berlin, null],
    ["2026-13-01", "yyyy-MM-dd", berlin, null],
    ["2026-07-05 24:00", "yyyy-MM-dd HH:mm", berlin, null],
    ["2026-07-05 13:00 AM", "yyyy-MM-dd hh:mm a", berlin, null],
    ["2026-7-05", "yyyy-MM-dd", berlin, null],
    ["2026-07-05x", "yyyy-MM-dd", berlin, null],
    ["2026-07-05 +25:00", "yyyy-MM-dd XXX", berlin, null],
    ["", "yyyy", berlin, null],
  ];
  for (const [s, p, z, want] of cases) assert.is(iso(parser(p)(s, z)), want, `${s} with ${p}`);
});

test("parse: what cannot be read is refused when the pattern is compiled", () => {
  assert.is(refusal(compileParse("yyyy-MM-dd zzz")), "parse_time cannot read `zzz`: zone names are ambiguous (use VV or an offset) | ");
  assert.is(refusal(compileParse("h:mm")), "an hour of 1–12 (`h`) or 0–11 (`K`) needs `a` (AM or PM) to be read | use `HH` for hours 0–23");
  assert.is(refusal(compileParse("DDD yyyy")), "parse_time cannot read `DDD`: a day of the year | ");
  assert.is(refusal(compileParse("MMMMM")), "parse_time cannot read `MMMMM`: narrow names are ambiguous | ");
  assert.is(refusal(compileParse("YYYY")), "`Y` (at 1) is not a pattern letter | `Y` is the week-numbering year in LDML, which this language does not support: use `y` for the year");
});

test("zone literals: a hint from the IANA names", () => {
  assert.is(refusal(checkZoneName("Europe/Berln")), "`Europe/Berln` is not an IANA time zone | did you mean `Europe/Berlin`?");
  assert.is(refusal(checkZoneName("Berlin")), "`Berlin` is not an IANA time zone | did you mean `Europe/Berlin`?");
  assert.is(refusal(checkZoneName("america/los angeles")), "`america/los angeles` is not an IANA time zone | did you mean `America/Los_Angeles`?");
  assert.is(refusal(checkZoneName("utc+1")), "`utc+1` is not an IANA time zone | did you mean `UTC`?");
  assert.is(refusal(checkZoneName("xyzzy")), "`xyzzy` is not an IANA time zone | zones are IANA names such as `Europe/Berlin`, `America/Los_Angeles` or `UTC`");
  assert.is(refusal(checkZoneName("America/Los_Angeles")), "accepted");
});

// ---- properties against ICU ----

const anyZone = fc.constantFrom(...zoneNames()).map(zone);
const instant = fc.integer({ min: ms("0001-01-01T00:00:00Z"), max: ms("9999-12-31T00:00:00Z") });

/** One Intl formatter per option set and zone, asked for one part. */
const intlFormats = new Map<string, Intl.DateTimeFormat>();
function intl(t: number, z: Zone, opts: Intl.DateTimeFormatOptions, part: string): string {
  const key = z.name + JSON.stringify(opts);
  let f = intlFormats.get(key);
  if (!f) intlFormats.set(key, (f = new Intl.DateTimeFormat("en-US", { ...opts, timeZone: z.name })));
  return f.formatToParts(t).find((p) => p.type === part)!.value;
}
const full: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", fractionalSecondDigits: 3, era: "short" };

/** Each letter next to what Intl (ICU) prints for the same field. */
const againstIntl: [string, (t: number, z: Zone) => string][] = [
  ["y", (t, z) => intl(t, z, { year: "numeric", era: "short" }, "year")],
  ["MM", (t, z) => intl(t, z, full, "month")],
  ["MMM", (t, z) => intl(t, z, { month: "short" }, "month")],
  ["MMMM", (t, z) => intl(t, z, { month: "long" }, "month")],
  ["MMMMM", (t, z) => intl(t, z, { month: "narrow" }, "month")],
  ["dd", (t, z) => intl(t, z, full, "day")],
  ["EEE", (t, z) => intl(t, z, { weekday: "short" }, "weekday")],
  ["EEEE", (t, z) => intl(t, z, { weekday: "long" }, "weekday")],
  ["EEEEE", (t, z) => intl(t, z, { weekday: "narrow" }, "weekday")],
  ["G", (t, z) => intl(t, z, { year: "numeric", era: "short" }, "era")],
  ["GGGG", (t, z) => intl(t, z, { year: "numeric", era: "long" }, "era")],
  ["HH", (t, z) => intl(t, z, full, "hour")],
  ["h", (t, z) => intl(t, z, { hour: "numeric", hourCycle: "h12" }, "hour")],
  ["K", (t, z) => intl(t, z, { hour: "numeric", hourCycle: "h11" }, "hour")],
  ["a", (t, z) => intl(t, z, { hour: "numeric", hourCycle: "h12" }, "dayPeriod")],
  ["mm", (t, z) => intl(t, z, full, "minute")],
  ["ss", (t, z) => intl(t, z, full, "second")],
  ["SSS", (t, z) => intl(t, z, full, "fractionalSecond")],
  ["O", (t, z) => intl(t, z, { timeZoneName: "shortOffset" }, "timeZoneName")],
  ["OOOO", (t, z) => intl(t, z, { timeZoneName: "longOffset" }, "timeZoneName")],
  ["ZZZZ", (t, z) => intl(t, z, { timeZoneName: "longOffset" }, "timeZoneName")],
  ["XXXXX", (t, z) => intl(t, z, { timeZoneName: "longOffset" }, "timeZoneName").replace(/^GMT\+00:00$/, "Z").replace(/^GMT/, "")],
  ["z", (t, z) => intl(t, z, { timeZoneName: "short" }, "timeZoneName")],
  ["zzzz", (t, z) => intl(t, z, { timeZoneName: "long" }, "timeZoneName")],
  ["v", (t, z) => intl(t, z, { timeZoneName: "shortGeneric" }, "timeZoneName")],
  ["vvvv", (t, z) => intl(t, z, { timeZoneName: "longGeneric" }, "timeZoneName")],
];
const letterFormats = againstIntl.map(([p]) => fmt(p));

test("property: each letter prints what ICU prints, for any instant and zone", () => {
  fc.assert(
    fc.property(instant, anyZone, (t, z) => {
      againstIntl.forEach(([p, icu], i) => assert.is(letterFormats[i]!(t, z), icu(t, z), `${p} at ${iso(t)} in ${z.name}`));
    }),
    { numRuns: 150 },
  );
});

test("property: a quoted text prints as itself", () => {
  fc.assert(
    // '' is a quote inside quotes or out, as ICU reads it (so `''''` is two quotes): the
    // text holds something besides quotes
    fc.property(fc.string({ maxLength: 20 }).filter((s) => /[^']/.test(s)), (s) => {
      assert.is(fmt(`'${s.replace(/'/g, "''")}'`)(0, zone("UTC")), s);
    }),
  );
});

test("property: a letter outside the list is refused, never printed", () => {
  const unknown = "ABCFIJLNPQRTUWYbcefgijlnopqrtw".split("");
  fc.assert(
    fc.property(fc.constantFrom(...unknown), fc.string({ maxLength: 5 }), (c, rest) => {
      const quoted = `'${rest.replace(/'/g, "''")}x'`;
      assert.not.ok(compileFormat(quoted + c).ok);
      assert.not.ok(compileParse(c + quoted).ok);
    }),
  );
  assert.ok(unknown.every((c) => !(c in LETTERS)));
});

test("property: format then parse gives the instant back", () => {
  const withOffset = fmt("uuuu-MM-dd'T'HH:mm:ss.SSSXXXXX");
  const readOffset = parser("uuuu-MM-dd'T'HH:mm:ss.SSSXXXXX");
  const local = fmt("yyyy-MM-dd HH:mm:ss.SSS");
  const readLocal = parser("yyyy-MM-dd HH:mm:ss.SSS");
  const withId = fmt("EEE, d MMM yyyy hh:mm:ss.SSS a VV");
  const readId = parser("EEE, d MMM yyyy hh:mm:ss.SSS a VV");
  fc.assert(
    fc.property(fc.integer({ min: ms("1000-01-01T00:00:00Z"), max: ms("9999-12-31T00:00:00Z") }), anyZone, (t, z) => {
      assert.is(readOffset(withOffset(t, z)!, zone("UTC")), t);
      // Without an offset a repeated local time reads as its earlier instant.
      const l = localTime(t, z)!;
      const expected = instantsOf(l, z)[0];
      assert.is(readLocal(local(t, z)!, z), expected);
      assert.is(readId(withId(t, z)!, zone("UTC")), expected);
    }),
    { numRuns: 150 },
  );
});

test.run();
