// Reading bytes strictly: invalid UTF-8 is a reject naming line and byte offset,
// only JSON whitespace makes a blank JSONL line, CSV keeps "" apart from an empty
// cell and a quoted CRLF as written; none of it depends on how the bytes are chunked.
import { Readable } from "node:stream";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readItems } from "../../src/io/read-items.js";
import type { ReadItem } from "../../src/io/item.js";
import { collect, recordsOf, shape } from "./helpers.js";

const read = (chunks: ReadonlyArray<Uint8Array | string>, format: "jsonl" | "csv" | "json"): Promise<ReadItem[]> =>
  collect(readItems(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : Buffer.from(c)))), "in", { format }));

/** `bytes` cut at the given positions. */
function cutAt(bytes: Uint8Array, cuts: ReadonlyArray<number>): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

/** Byte sequences that are not UTF-8, each with a name (Unicode 15, table 3-7). */
const INVALID: ReadonlyArray<readonly [string, number[]]> = [
  ["overlong slash (C0 AF)", [0xc0, 0xaf]],
  ["overlong 3-byte (E0 80 AF)", [0xe0, 0x80, 0xaf]],
  ["overlong 4-byte (F0 80 80 AF)", [0xf0, 0x80, 0x80, 0xaf]],
  ["lone high surrogate (ED A0 80)", [0xed, 0xa0, 0x80]],
  ["lone low surrogate (ED BF BF)", [0xed, 0xbf, 0xbf]],
  ["past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
  ["truncated 3-byte (E2 82)", [0xe2, 0x82]],
  ["truncated 4-byte (F0 9F 98)", [0xf0, 0x9f, 0x98]],
  ["stray continuation (80)", [0x80]],
  ["never used (FF)", [0xff]],
  ["never used (FE)", [0xfe]],
  ["lead without continuation (C3 41)", [0xc3, 0x41]],
];

test("jsonl: every kind of invalid UTF-8 in a line is a reject naming line and byte offset; the other lines are read", async () => {
  for (const [name, bad] of INVALID) {
    const bytes = concat(utf8('{"a":1}\n{"s":"x'), Uint8Array.from(bad), utf8('y"}\n{"a":3}\n'));
    const items = await read([bytes], "jsonl");
    assert.equal(shape(items), ["1:record", "2:reject", "3:record"], name);
    const r = items[1]!;
    if (r.kind !== "reject") throw new Error(name);
    // Line 2 starts at byte 8; the bad bytes at byte 7 of it.
    assert.ok(r.reason.startsWith("line 2: invalid UTF-8 at byte offset 7 of line 2 (15 in the file): "), `${name}: ${r.reason}`);
    assert.equal(recordsOf(items), [{ a: 1 }, { a: 3 }], name);
  }
});

test("jsonl: a truncated sequence at the very end of the file is a reject", async () => {
  const items = await read([concat(utf8('{"a":1}\n{"s":"'), Uint8Array.from([0xe2, 0x82]))], "jsonl");
  assert.equal(shape(items), ["1:record", "2:reject"]);
  const r = items[1]!;
  assert.ok(r.kind === "reject" && r.reason === "line 2: invalid UTF-8 at byte offset 6 of line 2 (14 in the file): E2 82", JSON.stringify(r));
});

test("jsonl: only JSON whitespace makes a blank line; other whitespace and a BOM past line 1 are rejects", async () => {
  const blank = ["", " ", "\t", " \t  ", "\r"];
  const notBlank = ["\u00a0", "\u3000", "\u2028", "\u2029", "\v", "\f", "\ufeff", "\u0085", "\u200b", " \u00a0 "];
  const text = ['{"a":1}', ...blank, ...notBlank, '{"a":2}'].join("\n") + "\n";
  const items = await read([text], "jsonl");
  const first = 2 + blank.length;
  assert.equal(shape(items), ["1:record", ...notBlank.map((_, i) => `${first + i}:reject`), `${first + notBlank.length}:record`]);
  for (const item of items) if (item.kind === "reject") assert.match(item.reason, /: invalid JSON: /);
});

test("jsonl: a BOM on line 1 is dropped, a lone CR is not a line end", async () => {
  const items = await read(["\ufeff{\"a\":1}\r\n{\"a\":\r2}\n"], "jsonl");
  assert.equal(shape(items), ["1:record", "2:record"]);
  assert.equal(recordsOf(items), [{ a: 1 }, { a: 2 }]);
});

const jsonLine = fc.dictionary(fc.string({ unit: "grapheme", maxLength: 5 }).filter((k) => k !== "__proto__"), fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.integer()), { maxKeys: 3 });

test("jsonl (property): valid UTF-8 is read exactly however the bytes are chunked; one bad line is its reject alone", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(jsonLine, { minLength: 1, maxLength: 6 }),
      fc.nat(),
      fc.constantFrom(...INVALID),
      fc.nat(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.constantFrom("\n", "\r\n"),
      async (records, pick, [, bad], at, cuts, eol) => {
        const lines = records.map((r) => JSON.stringify(r));
        const clean = utf8(lines.join(eol) + eol);
        const good = await read(cutAt(clean, cuts), "jsonl");
        const plain = JSON.parse(JSON.stringify(records)) as unknown[];
        assert.equal(recordsOf(good), plain);
        assert.equal(shape(good), records.map((_, i) => `${i + 1}:record`));
        // Put bad bytes into one line, at a position inside it.
        const target = pick % lines.length;
        const lineBytes = utf8(lines[target]!);
        const pos = at % (lineBytes.length + 1);
        const before = utf8(lines.slice(0, target).map((l) => l + eol).join(""));
        const after = utf8(lines.slice(target + 1).map((l) => eol + l).join("") + eol);
        const dirty = concat(before, lineBytes.subarray(0, pos), Uint8Array.from(bad), lineBytes.subarray(pos), after);
        const items = await read(cutAt(dirty, cuts), "jsonl");
        assert.equal(shape(items), records.map((_, i) => `${i + 1}:${i === target ? "reject" : "record"}`));
        assert.equal(recordsOf(items), plain.filter((_, i) => i !== target));
        const r = items[target]!;
        if (r.kind !== "reject") throw new Error("expected a reject");
        // The offset points at the bad bytes, give or take the sequence they were put into.
        const m = /^line (\d+): invalid UTF-8 at byte offset (\d+) of line (\d+) \((\d+) in the file\)/.exec(r.reason);
        assert.ok(m, r.reason);
        assert.is(Number(m![1]), target + 1);
        assert.is(Number(m![3]), target + 1);
        assert.ok(Math.abs(Number(m![2]) - pos) <= 4, r.reason);
        assert.is(Number(m![4]), before.length + Number(m![2]));
      },
    ),
    { numRuns: 150 },
  );
});

test("json: invalid UTF-8 makes the whole document unreadable, naming line and offset", async () => {
  const items = await read([concat(utf8('[\n  {"a": "'), Uint8Array.from([0xed, 0xa0, 0x80]), utf8('"}\n]\n'))], "json");
  assert.equal(shape(items), ["error"]);
  const e = items[0]!;
  assert.ok(e.kind === "error" && e.error.message === "in is not valid UTF-8: invalid UTF-8 at byte offset 9 of line 2 (11 in the file): ED A0 80", JSON.stringify(e));
});

test("csv: an unquoted empty cell is null, a quoted \"\" the empty string", async () => {
  const items = await read(['a,b,c\n,"",x\n"",,\n'], "csv");
  assert.equal(recordsOf(items), [{ a: null, b: "", c: "x" }, { a: "", b: null, c: null }]);
});

test("csv: a CRLF inside a quoted cell is kept as written, an LF too; line numbers stay right", async () => {
  const items = await read(['id,note\r\n1,"a\r\nb\nc"\r\n2,x\r\n\r\n3,"\r\n"\r\n4,y\n'], "csv");
  assert.equal(shape(items), ["2:record", "5:record", "7:record", "9:record"]);
  assert.equal(recordsOf(items), [{ id: "1", note: "a\r\nb\nc" }, { id: "2", note: "x" }, { id: "3", note: "\r\n" }, { id: "4", note: "y" }]);
});

test("csv: invalid UTF-8 in a cell rejects its row, naming the line and byte offset; a bad header ends the file", async () => {
  for (const [name, bad] of INVALID) {
    const bytes = concat(utf8('id,note\n1,ok\n2,"multi\nli'), Uint8Array.from(bad), utf8('ne"\n3,fine\n'));
    const items = await read([bytes], "csv");
    assert.equal(shape(items), ["2:record", "3:reject", "5:record"], name);
    const r = items[1]!;
    assert.ok(r.kind === "reject" && r.reason.startsWith("line 3: invalid UTF-8 at byte offset 2 of line 4 (24 in the file): "), `${name}: ${JSON.stringify(r)}`);
  }
  const header = await read([concat(utf8("id,n"), Uint8Array.from([0xff]), utf8("ote\n1,2\n"))], "csv");
  assert.equal(shape(header), ["error"]);
  assert.ok(header[0]!.kind === "error" && header[0]!.error.message === "in line 1: the header is not valid UTF-8: invalid UTF-8 at byte offset 4 of line 1 (4 in the file): FF");
});

/** A CSV cell as written: null as nothing, anything else quoted when it must be. */
function csvCell(v: string | null, alwaysQuote: boolean): string {
  if (v === null) return "";
  if (v === "" || alwaysQuote || /[",\r\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

const cellValue = fc.oneof(
  fc.constant(null),
  fc.constant(""),
  fc.string({ unit: fc.constantFrom("a", "é", "😀", '"', ",", "\n", "\r\n", " "), maxLength: 6 }).filter((s) => s.trim() !== "" || s.includes('"')),
);

test("csv (property): cells read back exactly (null, \"\", quotes, CRLF and LF inside quotes), with right lines, however chunked", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.array(cellValue, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }))),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      async ([n, rows], eol, alwaysQuote, cuts) => {
        const header = Array.from({ length: n }, (_, i) => `c${i}`);
        // A row whose cells are all null is a blank line, which CSV skips.
        const kept = rows.filter((r) => !(r.length === 1 && r[0] === null));
        let text = header.join(",") + eol;
        const lines: number[] = [];
        let line = 2;
        for (const r of kept) {
          const written = r.map((v) => csvCell(v, alwaysQuote)).join(",");
          lines.push(line);
          line += (written.match(/\n/g) ?? []).length + 1;
          text += written + eol;
        }
        const items = await read(cutAt(utf8(text), cuts), "csv");
        assert.equal(shape(items), lines.map((l) => `${l}:record`));
        assert.equal(recordsOf(items), kept.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v]))));
      },
    ),
    { numRuns: 200 },
  );
});

test.run();
