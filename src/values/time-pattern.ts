// Date-time patterns (`yyyy-MM-dd HH:mm:ss XXX`) with the letters of Unicode LDML
// (UTS #35, "Date Field Symbol Table"), compiled once into a formatter and a parser.
// Words (month and weekday names, AM/PM, zone names) are ICU's English ones, taken
// from Intl. A letter outside LETTERS is refused, never printed as itself.
import { editDistance } from "../diagnostics/suggest.js";
import { instantOf, localTime, wallMs, zoneNamed, zoneNames, type LocalTime, type Zone } from "./zones.js";

/** One supported letter: what it means, how many repeats it takes, and whether parse_time reads it. */
interface Letter {
  readonly meaning: string;
  readonly counts: readonly [number, number];
  /** Why parse_time cannot read it, when it cannot. */
  readonly noParse?: string;
}

/** The letters format_time and parse_time know, in the order the docs list them. */
export const LETTERS: Readonly<Record<string, Letter>> = {
  G: { meaning: "era: AD (G–GGG), Anno Domini (GGGG), A (GGGGG)", counts: [1, 5] },
  y: { meaning: "year of the era: 2026 (y), 26 (yy), zero-padded to the count (yyyy)", counts: [1, 9] },
  u: { meaning: "extended year (1 BC is 0, 2 BC is -1), zero-padded to the count", counts: [1, 9] },
  M: { meaning: "month: 7 (M), 07 (MM), Jul (MMM), July (MMMM), J (MMMMM)", counts: [1, 5] },
  d: { meaning: "day of the month: 5 (d), 05 (dd)", counts: [1, 2] },
  D: { meaning: "day of the year: 5 (D), 05 (DD), 005 (DDD)", counts: [1, 3], noParse: "a day of the year" },
  E: { meaning: "weekday: Tue (E–EEE), Tuesday (EEEE), T (EEEEE), Tu (EEEEEE)", counts: [1, 6] },
  a: { meaning: "AM or PM (a–aaa)", counts: [1, 3] },
  h: { meaning: "hour 1–12: 3 (h), 03 (hh)", counts: [1, 2] },
  H: { meaning: "hour 0–23: 3 (H), 03 (HH)", counts: [1, 2] },
  K: { meaning: "hour 0–11: 3 (K), 03 (KK)", counts: [1, 2] },
  k: { meaning: "hour 1–24: 3 (k), 03 (kk)", counts: [1, 2] },
  m: { meaning: "minute: 5 (m), 05 (mm)", counts: [1, 2] },
  s: { meaning: "second: 5 (s), 05 (ss)", counts: [1, 2] },
  S: { meaning: "fraction of the second, to the count's digits: 1 (S), 12 (SS), 123 (SSS)", counts: [1, 9] },
  X: { meaning: "offset, Z for zero: -08 (X), -0800 (XX), -08:00 (XXX), -0800 (XXXX), -08:00 (XXXXX)", counts: [1, 5] },
  x: { meaning: "offset, as X but +00 for zero", counts: [1, 5] },
  Z: { meaning: "offset: -0800 (Z–ZZZ), GMT-08:00 (ZZZZ), -08:00 or Z (ZZZZZ)", counts: [1, 5] },
  O: { meaning: "offset from GMT: GMT-8 (O), GMT-08:00 (OOOO), GMT+0 for zero", counts: [1, 4] },
  z: { meaning: "zone name: PST or GMT+1 (z–zzz), Pacific Standard Time (zzzz)", counts: [1, 4], noParse: "zone names are ambiguous (use `VV` or an offset such as `XXX`)" },
  v: { meaning: "generic zone name: PT (v), Pacific Time (vvvv)", counts: [1, 4], noParse: "zone names are ambiguous (use `VV` or an offset such as `XXX`)" },
  V: { meaning: "zone ID: America/Los_Angeles (VV)", counts: [2, 2] },
};

/** A field's `at` is where its letters stand in the pattern. */
type Token = { readonly kind: "text"; readonly text: string } | { readonly kind: "field"; readonly letter: string; readonly count: number; readonly at: number };

/** Why a pattern is refused; `at` and `length` mark the letters at fault (0-based, in the pattern). */
export type PatternError = { readonly ok: false; readonly reason: string; readonly hint?: string; readonly at?: number; readonly length?: number };
export type Formatter = (ms: number, zone: Zone) => string | null;
export type Parser = (s: string, zone: Zone) => number | null;

/** Classic slips from other libraries' patterns, for the hint. */
const SLIPS: Readonly<Record<string, string>> = {
  Y: "`Y` is the week-numbering year in LDML, which this language does not support: use `y` for the year",
  A: "for AM/PM use `a`",
  T: "a literal letter is quoted: `'T'`",
  W: "weeks are not supported",
  w: "weeks are not supported",
};

function tokenize(pattern: string): Token[] | PatternError {
  const out: Token[] = [];
  let text = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i += 2;
        continue;
      }
      // Inside quotes, '' is a quote too.
      let j = i + 1;
      for (;;) {
        const q = pattern.indexOf("'", j);
        if (q < 0) return { ok: false, reason: "a quote is not closed", hint: "quote literal text as 'text', and write '' for a quote", at: i, length: 1 };
        if (pattern[q + 1] === "'") {
          text += pattern.slice(j, q) + "'";
          j = q + 2;
          continue;
        }
        text += pattern.slice(j, q);
        i = q + 1;
        break;
      }
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      const letter = LETTERS[c];
      if (!letter) {
        return {
          ok: false,
          reason: `\`${c}\` is not a pattern letter`,
          hint: SLIPS[c] ?? `pattern letters are ${Object.keys(LETTERS).join(" ")}; quote literal text: '${c}'`,
          at: i,
          length: n,
        };
      }
      const [lo, hi] = letter.counts;
      if (n < lo || n > hi) {
        const want = lo === hi ? `exactly ${lo}` : `${lo} to ${hi}`;
        return { ok: false, reason: `\`${c.repeat(n)}\`: \`${c}\` takes ${want} letters`, hint: `\`${c}\` is the ${letter.meaning}`, at: i, length: n };
      }
      if (text) out.push({ kind: "text", text });
      text = "";
      out.push({ kind: "field", letter: c, count: n, at: i });
      i += n;
      continue;
    }
    text += c;
    i++;
  }
  if (text) out.push({ kind: "text", text });
  return out;
}

// ICU's English words, read from Intl once.
const words = (opts: Intl.DateTimeFormatOptions, dates: number[], part: Intl.DateTimeFormatPartTypes): string[] => {
  const f = new Intl.DateTimeFormat("en-US", { ...opts, timeZone: "UTC" });
  return dates.map((d) => f.formatToParts(d).find((p) => p.type === part)!.value);
};
const MONTH_DATES = Array.from({ length: 12 }, (_, m) => Date.UTC(2001, m, 15));
/** Monday 2001-01-01 … Sunday 2001-01-07. */
const WEEKDAY_DATES = Array.from({ length: 7 }, (_, d) => Date.UTC(2001, 0, 1 + d));
let names: { month: Record<number, string[]>; weekday: Record<number, string[]>; era: Record<number, string[]>; period: string[] } | undefined;
function englishNames() {
  names ??= {
    month: { 3: words({ month: "short" }, MONTH_DATES, "month"), 4: words({ month: "long" }, MONTH_DATES, "month"), 5: words({ month: "narrow" }, MONTH_DATES, "month") },
    weekday: {
      3: words({ weekday: "short" }, WEEKDAY_DATES, "weekday"),
      4: words({ weekday: "long" }, WEEKDAY_DATES, "weekday"),
      5: words({ weekday: "narrow" }, WEEKDAY_DATES, "weekday"),
      // LDML's EEEEEE (short) has no Intl option: ICU English's are the first two letters.
      6: words({ weekday: "short" }, WEEKDAY_DATES, "weekday").map((w) => w.slice(0, 2)),
    },
    era: { 3: ["BC", "AD"], 4: ["Before Christ", "Anno Domini"], 5: ["B", "A"] },
    period: words({ hour: "numeric", hour12: true }, [Date.UTC(2001, 0, 1, 1), Date.UTC(2001, 0, 1, 13)], "dayPeriod"),
  };
  return names;
}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
};

/** `+05:30`-style pieces of an offset in ms (seconds kept apart; LDML prints them only in the long forms). */
function offsetParts(offsetMs: number) {
  const sign = offsetMs < 0 ? "-" : "+";
  const total = Math.round(Math.abs(offsetMs) / 1000);
  return { sign, h: Math.floor(total / 3600), m: Math.floor(total / 60) % 60, s: total % 60 };
}

function isoOffset(offsetMs: number, count: number, zForZero: boolean): string {
  const { sign, h, m, s } = offsetParts(offsetMs);
  if (zForZero && h === 0 && m === 0 && s === 0) return "Z";
  const hh = pad(h, 2);
  const mm = pad(m, 2);
  const ss = s ? pad(s, 2) : "";
  switch (count) {
    case 1:
      return sign + hh + (m ? mm : "");
    case 2:
      return sign + hh + mm;
    case 3:
      return `${sign}${hh}:${mm}`;
    case 4:
      return sign + hh + mm + ss;
    default:
      return `${sign}${hh}:${mm}${ss ? ":" + ss : ""}`;
  }
}

/** `GMT+1`, `GMT+05:30`; zero is `GMT+0` / `GMT+00:00`, as Node's ICU prints it (LDML's own zero is `GMT`). */
function gmtOffset(offsetMs: number, long: boolean): string {
  const { sign, h, m, s } = offsetParts(offsetMs);
  if (h === 0 && m === 0 && s === 0) return long ? "GMT+00:00" : "GMT+0";
  if (long) return `GMT${sign}${pad(h, 2)}:${pad(m, 2)}${s ? ":" + pad(s, 2) : ""}`;
  return `GMT${sign}${h}${m || s ? ":" + pad(m, 2) : ""}${s ? ":" + pad(s, 2) : ""}`;
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();
/** A zone's name at an instant in one of Intl's styles (ICU's words, whatever they are). */
function zoneName(ms: number, zone: Zone, style: "short" | "long" | "shortGeneric" | "longGeneric"): string {
  const key = zone.name + "\0" + style;
  let f = zoneNameFormats.get(key);
  if (!f) zoneNameFormats.set(key, (f = new Intl.DateTimeFormat("en-US", { timeZone: zone.name, timeZoneName: style })));
  return f.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? gmtOffset(zone.offsetAt(ms), style === "long");
}

const dayOfYear = (t: LocalTime): number => (wallMs({ ...t, hour: 0, minute: 0, second: 0, millisecond: 0 }) - wallMs({ ...t, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 })) / 86_400_000 + 1;

function formatField(letter: string, n: number, t: LocalTime, ms: number, zone: Zone): string {
  const w = englishNames();
  switch (letter) {
    case "G":
      return w.era[n <= 3 ? 3 : n]![t.year > 0 ? 1 : 0]!;
    case "y": {
      const y = t.year > 0 ? t.year : 1 - t.year;
      return n === 2 ? pad(y % 100, 2) : pad(y, n);
    }
    case "u":
      return pad(t.year, n);
    case "M":
      return n <= 2 ? pad(t.month, n) : w.month[n]![t.month - 1]!;
    case "d":
      return pad(t.day, n);
    case "D":
      return pad(dayOfYear(t), n);
    case "E":
      return w.weekday[n <= 3 ? 3 : n]![t.weekday - 1]!;
    case "a":
      return w.period[t.hour < 12 ? 0 : 1]!;
    case "h":
      return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, n);
    case "H":
      return pad(t.hour, n);
    case "K":
      return pad(t.hour % 12, n);
    case "k":
      return pad(t.hour === 0 ? 24 : t.hour, n);
    case "m":
      return pad(t.minute, n);
    case "s":
      return pad(t.second, n);
    case "S":
      // Truncated, not rounded: 12:00:00.999 with S is .9, never a 60th second.
      return pad(t.millisecond, 3).padEnd(n, "0").slice(0, n);
    case "X":
      return isoOffset(t.offsetMs, n, true);
    case "x":
      return isoOffset(t.offsetMs, n, false);
    case "Z":
      return n <= 3 ? isoOffset(t.offsetMs, 2, false) : n === 4 ? gmtOffset(t.offsetMs, true) : isoOffset(t.offsetMs, 5, true);
    case "O":
      return gmtOffset(t.offsetMs, n === 4);
    case "z":
      return zoneName(ms, zone, n === 4 ? "long" : "short");
    case "v":
      return zoneName(ms, zone, n === 4 ? "longGeneric" : "shortGeneric");
    default: // V
      return zone.name;
  }
}

/** Compiles a pattern for format_time. */
export function compileFormat(pattern: string): { readonly ok: true; readonly format: Formatter } | PatternError {
  const tokens = tokenize(pattern);
  if (!Array.isArray(tokens)) return tokens;
  // The last instant's text: an aggregate's sessions mostly share a period, and every one formats it.
  let lastMs = NaN;
  let lastZone: Zone | undefined;
  let lastText: string | null = null;
  const format: Formatter = (ms, zone) => {
    if (ms === lastMs && zone === lastZone) return lastText;
    const t = localTime(ms, zone);
    let out: string | null = null;
    if (t) {
      out = "";
      for (const tok of tokens) out += tok.kind === "text" ? tok.text : formatField(tok.letter, tok.count, t, ms, zone);
    }
    lastMs = ms;
    lastZone = zone;
    lastText = out;
    return out;
  };
  return { ok: true, format };
}

// ---- parsing ----

interface Parsed {
  era?: number; // 0 BC, 1 AD
  year?: number;
  extendedYear?: number;
  month?: number;
  day?: number;
  weekday?: number;
  pm?: boolean;
  hour?: number;
  /** Which hour letter gave `hour`. */
  hourLetter?: string;
  minute?: number;
  second?: number;
  millisecond?: number;
  offsetMs?: number;
  zone?: Zone;
}

const NUMERIC = new Set(["y", "u", "M", "d", "h", "H", "K", "k", "m", "s", "S"]);
const MAX_DIGITS: Readonly<Record<string, number>> = { y: 9, u: 9, S: 9 };

/** Reads one word of `list` (case-insensitively, longest first) at `at`; [index, length] or undefined. */
function readWord(s: string, at: number, list: readonly string[]): [number, number] | undefined {
  let best: [number, number] | undefined;
  const rest = s.slice(at).toLowerCase();
  list.forEach((word, i) => {
    if (rest.startsWith(word.toLowerCase()) && (!best || word.length > best[1])) best = [i, word.length];
  });
  return best;
}

/** Reads an offset at `at` in any of the ISO forms (`Z` when allowed, ±HH, ±HHMM, ±HH:MM, seconds too). */
function readIsoOffset(s: string, at: number, zAllowed: boolean): [number, number] | undefined {
  if (zAllowed && s[at] === "Z") return [0, 1];
  const m = /^([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?/.exec(s.slice(at));
  if (!m) return undefined;
  const h = +m[2]!;
  const mi = m[3] ? +m[3] : 0;
  const se = m[4] ? +m[4] : 0;
  if (h > 23 || mi > 59 || se > 59) return undefined;
  return [(m[1] === "-" ? -1 : 1) * ((h * 60 + mi) * 60 + se) * 1000, m[0].length];
}

function readGmtOffset(s: string, at: number): [number, number] | undefined {
  if (!s.startsWith("GMT", at)) return undefined;
  const m = /^([+-])(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?/.exec(s.slice(at + 3));
  if (!m) return [0, 3];
  const h = +m[2]!;
  const mi = m[3] ? +m[3] : 0;
  const se = m[4] ? +m[4] : 0;
  if (h > 23 || mi > 59 || se > 59) return undefined;
  return [(m[1] === "-" ? -1 : 1) * ((h * 60 + mi) * 60 + se) * 1000, 3 + m[0].length];
}

/** Reads one field at `at` into `p`; the new position, or -1 when the text does not fit. */
function readField(s: string, at: number, letter: string, n: number, next: Token | undefined, p: Parsed): number {
  const w = englishNames();
  if (NUMERIC.has(letter) && !(letter === "M" && n >= 3)) {
    // A one-letter field takes as many digits as it may (but stops where a numeric field
    // follows directly); a longer one exactly its count (`yyyyMMdd` reads 8 digits as 4+2+2).
    const adjacent = next?.kind === "field" && NUMERIC.has(next.letter) && !(next.letter === "M" && next.count >= 3);
    let sign = 1;
    let i = at;
    if (letter === "u" && (s[i] === "-" || s[i] === "+")) {
      sign = s[i] === "-" ? -1 : 1;
      i++;
    }
    const max = n === 1 && !adjacent ? (MAX_DIGITS[letter] ?? 2) : letter === "y" && n === 2 ? 2 : n;
    let j = i;
    while (j < s.length && j - i < max && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    const digits = s.slice(i, j);
    if (digits.length === 0 || (n > 1 && digits.length !== max)) return -1;
    const v = sign * Number(digits);
    switch (letter) {
      case "y":
        p.year = n === 2 ? 2000 + v : v;
        break;
      case "u":
        p.extendedYear = v;
        break;
      case "M":
        p.month = v;
        break;
      case "d":
        p.day = v;
        break;
      case "m":
        p.minute = v;
        break;
      case "s":
        p.second = v;
        break;
      case "S":
        // Digits past milliseconds are dropped (an instant is whole milliseconds).
        p.millisecond = Math.floor(Number((digits + "00").slice(0, 3)));
        break;
      default:
        p.hour = v;
        p.hourLetter = letter;
    }
    return j;
  }
  let got: [number, number] | undefined;
  switch (letter) {
    case "M":
      got = readWord(s, at, w.month[n]!);
      if (got) p.month = got[0] + 1;
      break;
    case "E":
      got = readWord(s, at, w.weekday[n <= 3 ? 3 : n]!);
      if (got) p.weekday = got[0] + 1;
      break;
    case "G":
      got = readWord(s, at, w.era[n <= 3 ? 3 : n]!);
      if (got) p.era = got[0];
      break;
    case "a":
      got = readWord(s, at, w.period);
      if (got) p.pm = got[0] === 1;
      break;
    case "X":
    case "x":
      got = readIsoOffset(s, at, letter === "X");
      if (got) p.offsetMs = got[0];
      break;
    case "Z":
      got = n === 4 ? readGmtOffset(s, at) : readIsoOffset(s, at, n === 5);
      if (got) p.offsetMs = got[0];
      break;
    case "O":
      got = readGmtOffset(s, at);
      if (got) p.offsetMs = got[0];
      break;
    case "V": {
      const m = /^[A-Za-z][A-Za-z0-9_+\-/]*/.exec(s.slice(at));
      const z = m ? zoneNamed(m[0]) : undefined;
      if (z) {
        p.zone = z;
        got = [0, m![0].length];
      }
      break;
    }
  }
  return got ? at + got[1] : -1;
}

const daysIn = (year: number, month: number): number => new Date(wallMs({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 })).getUTCDate();

/** The instant a parse found, or null when its fields do not name one. */
function resolve(p: Parsed, zone: Zone): number | null {
  let year = p.extendedYear ?? p.year ?? 1970;
  if (p.extendedYear === undefined && p.era === 0) year = 1 - year;
  const month = p.month ?? 1;
  const day = p.day ?? 1;
  let hour = p.hour ?? 0;
  switch (p.hourLetter) {
    case "h":
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (p.pm ? 12 : 0);
      break;
    case "K":
      if (hour > 11) return null;
      hour += p.pm ? 12 : 0;
      break;
    case "k":
      if (hour < 1 || hour > 24) return null;
      hour %= 24;
      break;
    default:
      if (hour > 23 || (p.pm !== undefined && p.hourLetter === "H" && (hour >= 12) !== p.pm)) return null;
  }
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || minute > 59 || second > 59) return null;
  const wall = { year, month, day, hour, minute, second, millisecond: p.millisecond ?? 0 };
  const ms = p.offsetMs !== undefined ? wallMs(wall) - p.offsetMs : instantOf(wall, p.zone ?? zone);
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  if (p.weekday !== undefined) {
    const d = new Date(wallMs({ ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 })).getUTCDay();
    if ((d === 0 ? 7 : d) !== p.weekday) return null;
  }
  return ms;
}

/** Compiles a pattern for parse_time: the letters it cannot read are refused here too. */
export function compileParse(pattern: string): { readonly ok: true; readonly parse: Parser } | PatternError {
  const tokens = tokenize(pattern);
  if (!Array.isArray(tokens)) return tokens;
  const letters = new Set<string>();
  let twelve: { at: number; length: number } | undefined;
  for (const t of tokens) {
    if (t.kind !== "field") continue;
    const here = t.at;
    letters.add(t.letter);
    const why = LETTERS[t.letter]!.noParse ?? (t.count === 5 && "MEG".includes(t.letter) ? "narrow names are ambiguous" : t.letter === "E" && t.count === 6 ? "two-letter weekday names are not read" : undefined);
    if (why) return { ok: false, reason: `\`${t.letter.repeat(t.count)}\` cannot be read: ${why.replace(/ \(.*\)$/, "")}`, ...(why.endsWith(")") ? { hint: why.slice(why.indexOf("(") + 1, -1) } : {}), at: here, length: t.count };
    if ((t.letter === "h" || t.letter === "K") && !twelve) twelve = { at: here, length: t.count };
  }
  if (twelve && !letters.has("a")) {
    return { ok: false, reason: "an hour of 1–12 (`h`) or 0–11 (`K`) needs `a` (AM or PM) to be read", hint: "use `HH` for hours 0–23", ...twelve };
  }
  const parse: Parser = (s, zone) => {
    const p: Parsed = {};
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok.kind === "text") {
        if (!s.startsWith(tok.text, at)) return null;
        at += tok.text.length;
      } else {
        at = readField(s, at, tok.letter, tok.count, tokens[i + 1], p);
        if (at < 0) return null;
      }
    }
    return at === s.length ? resolve(p, zone) : null;
  };
  return { ok: true, parse };
}

/** A zone name as a literal: the zone, or the reason and a did-you-mean hint for the diagnostic. */
export function checkZoneName(name: string): { readonly ok: true; readonly zone: Zone } | PatternError {
  const zone = zoneNamed(name);
  if (zone) return { ok: true, zone };
  const hint = suggestZone(name);
  return { ok: false, reason: `\`${name}\` is not an IANA time zone`, hint: hint ?? "zones are IANA names such as `Europe/Berlin`, `America/Los_Angeles` or `UTC`" };
}

/** The closest IANA name, comparing case-insensitively and the city part alone too (`Berlin` → `Europe/Berlin`). */
function suggestZone(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/ /g, "_");
  let best: string | undefined;
  let bestD = Infinity;
  for (const z of zoneNames()) {
    const zl = z.toLowerCase();
    const city = zl.slice(zl.lastIndexOf("/") + 1);
    const d = Math.min(editDistance(lower, zl), editDistance(lower, city) + 1);
    if (d < bestD) {
      bestD = d;
      best = z;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? `did you mean \`${best}\`?` : undefined;
}
