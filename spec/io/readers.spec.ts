import { isLeft, isRight } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { openFileItems, readItems } from "../../src/io/read-items.js";
import { parseJsonArray } from "../../src/io/read-json.js";
import { readTable } from "../../src/io/read-table.js";
import { readCsvChunks, readCsvParsed, readCsvPieces } from "../../src/io/read-csv.js";
import { resolvedItem } from "../../src/io/read-jsonl.js";
import { collect, collectChunks, FIXTURES, recordsOf, shape, tempDir } from "./helpers.js";

async function readFixture(name: string, format: "jsonl" | "csv" | "json", delimiter?: string) {
  const opened = await openFileItems(path.join(FIXTURES, name), name, { format, ...(delimiter ? { delimiter } : {}) });
  if (isLeft(opened)) throw new Error(opened.left.message);
  return collect(opened.right.items);
}

test("jsonl: a malformed line in the middle is a reject with its line, and the rest is read", async () => {
  const items = await readFixture("events.jsonl", "jsonl");
  assert.equal(shape(items), ["1:record", "2:record", "4:reject", "5:reject", "6:record"]);
  const bad = items[2]!;
  assert.is(bad.kind, "reject");
  if (bad.kind === "reject") {
    assert.match(bad.reason, /^line 4: invalid JSON: /);
    assert.is(bad.text, '{"id":3, broken');
    assert.is(bad.file, "events.jsonl");
  }
  const notObject = items[3]!;
  if (notObject.kind === "reject") assert.is(notObject.reason, "line 5: expected a JSON object, got an array");
  assert.equal(recordsOf(items), [{ id: 1, name: "a" }, { id: 2 }, { id: 4 }]);
});

test("jsonl: standard input as a Readable, CRLF and a BOM", async () => {
  const input = Readable.from([Buffer.from('\ufeff{"a":1}\r\n{"a":'), Buffer.from('2}\r\n')]);
  const items = await collect(readItems(input, "-", { format: "jsonl" }));
  assert.equal(shape(items), ["1:record", "2:record"]);
  assert.equal(recordsOf(items), [{ a: 1 }, { a: 2 }]);
  assert.is(items[0]!.kind === "record" && items[0]!.file, "-");
});

test("csv: BOM, CRLF, ';' delimiter, quoted delimiter, quotes and newline; bad row rejected", async () => {
  const items = await readFixture("bom-crlf-semicolon.csv", "csv", ";");
  assert.equal(shape(items), ["2:record", "3:record", "5:record", "6:reject", "7:record"]);
  assert.equal(recordsOf(items), [
    { id: "1", note: "semi;colon", amount: "10" },
    { id: "2", note: 'multi\r\nline "quoted"', amount: "20" },
    { id: "3", note: null, amount: null },
    { id: "5", note: "y", amount: "50" },
  ]);
  const bad = items[3]!;
  if (bad.kind !== "reject") throw new Error("expected a reject");
  assert.is(bad.reason, "line 6: expected 3 cells as in the header, got 2");
  assert.is(bad.text, "4;x");
});

test("property: csv cells read back as written (an unquoted empty cell is null, a quoted one the empty string), for ',' and ';'", async () => {
  const cell = fc.oneof(
    fc.constant(null),
    fc.constant(""),
    fc.stringMatching(/^[a-z0-9 ;,"\n]{0,6}$/),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(",", ";"), fc.array(fc.tuple(cell, cell, cell, fc.boolean()), { minLength: 1, maxLength: 8 }), async (delimiter, rows) => {
      const write = (v: string | null, always: boolean): string =>
        v === null ? "" : always || v === "" || v.includes(delimiter) || v.includes('"') || v.includes("\n") ? `"${v.replace(/"/g, '""')}"` : v;
      const text = ["a", "b", "c"].join(delimiter) + "\n" + rows.map(([a, b, c, always]) => [a, b, c].map((v) => write(v, always)).join(delimiter)).join("\n") + "\n";
      const items = await collect(readItems(Readable.from([Buffer.from(text)]), "p.csv", { format: "csv", delimiter }));
      assert.equal(recordsOf(items), rows.map(([a, b, c]) => ({ a, b, c })), text);
    }),
    { numRuns: 200 },
  );
});

test("property: csv read by the fast path gives what csv-parse gives, on any text and any cut into pieces", async () => {
  // Mostly plain text, so that pieces of it take the fast path before a quote, CR or bad byte hands over.
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("a", "b", "__proto__", ";", ",", "\n", "\n\n", " ", "é") },
    { weight: 1, arbitrary: fc.constantFrom('"', "\r", "\r\n", "\ufeff", '""', "\xff") },
    // Whole quoted cells, which the fast path splits itself.
    { weight: 2, arbitrary: fc.constantFrom(',"a;b",', ';"x,""y""";', '\n"a"', '"";', ',""\n') },
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(",", ";"), fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(80), { maxLength: 4 }), async (delimiter, parts, cuts) => {
      const bytes = Buffer.concat(parts.map((p) => (p === "\xff" ? Buffer.from([0xff]) : Buffer.from(p, "utf8"))));
      const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
      const pieces = [...at, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : at[i - 1]!, end)).filter((b) => b.length > 0);
      const fast = await collectChunks(readCsvChunks(Readable.from(pieces), "p.csv", { delimiter }));
      const parsed = await collectChunks(readCsvParsed(Readable.from([bytes]), "p.csv", { delimiter }));
      assert.equal(fast, parsed, JSON.stringify(bytes.toString("latin1")));
    }),
    { numRuns: 1000 },
  );
});

test("csv: a CR alone in a file of LF lines stays in its cell and counts as a line; the bad row after it is the one rejected, and each row ends where the next begins", async () => {
  const text = Buffer.concat([Buffer.from("h,k\nx\ry,1\n2,"), Buffer.from([0xff]), Buffer.from("\n3,4\n")]);
  const expected = [
    { kind: "record", file: "p.csv", line: 2, record: { h: "x\ry", k: "1" } },
    { kind: "reject", file: "p.csv", line: 4, reason: "line 4: invalid UTF-8 at byte offset 2 of line 4 (12 in the file): FF", text: "2,\ufffd" },
    { kind: "record", file: "p.csv", line: 5, record: { h: "3", k: "4" } },
  ];
  assert.equal(await collectChunks(readCsvChunks(Readable.from([text]), "p.csv")), expected);
  // The end of input arriving later than its bytes changes nothing (it once moved the header).
  async function* late(bytes: Buffer): AsyncGenerator<Buffer> {
    yield bytes;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(await collectChunks(readCsvParsed(Readable.from(late(text), { objectMode: false }), "p.csv")), expected);
  const odd = Buffer.concat([Buffer.from("\n\n\ra\n,x,"), Buffer.from([0xff])]);
  assert.equal(await collectChunks(readCsvParsed(Readable.from(late(odd), { objectMode: false }), "p.csv")), await collectChunks(readCsvParsed(Readable.from([odd]), "p.csv")));
  const ends: number[] = [];
  for await (const c of readCsvPieces(Readable.from([Buffer.from("a\nx\ry\nz\nw\n")]), "p.csv")) ends.push(...c.ends);
  assert.equal(ends, [6, 8, 10]);
  // A file of CR lines, with an empty line, a CR inside quotes and bad UTF-8: each row on its line.
  const mac = Buffer.concat([Buffer.from('n;v\ra;b\r\rc;"x\ry"\rd;'), Buffer.from([0xff]), Buffer.from("\re;f\r")]);
  const lines = (await collectChunks(readCsvChunks(Readable.from([mac]), "p.csv", { delimiter: ";" }))).map((i) => [(i as { line: number }).line, (i as { kind: string }).kind]);
  assert.equal(lines, [[2, "record"], [4, "record"], [6, "reject"], [7, "record"]]);
});

test("csv: a header that begins with a second BOM keeps it when the fast path hands over to csv-parse", async () => {
  // The file's BOM is dropped, the next one names the column; csv-parse drops a BOM that begins its input.
  for (const text of ['\ufeff\ufeff\n\n"";', '\ufeff\ufeffh\nx\n"a"\n"b"\n']) {
    const bytes = Buffer.from(text, "utf8");
    assert.equal(await collectChunks(readCsvChunks(Readable.from([bytes]), "p.csv")), await collectChunks(readCsvParsed(Readable.from([bytes]), "p.csv")), JSON.stringify(text));
  }
  const ends: number[] = [];
  const records: unknown[] = [];
  for await (const c of readCsvPieces(Readable.from([Buffer.from('\ufeff\ufeffh\nx\n"a"\n"b"\n', "utf8")]), "p.csv")) {
    ends.push(...c.ends);
    records.push(...c.items.map((i) => (i.kind === "record" ? i.record : i.kind)));
  }
  assert.equal(records, [{ "\ufeffh": "x" }, { "\ufeffh": "a" }, { "\ufeffh": "b" }]);
  assert.equal(ends, [10, 14, 18], "each row's end in bytes of the file");
});

test("csv: a reader stopped after its first piece lets go of its input, on the fast path and after the hand-over", async () => {
  for (const second of ["2\n", '"2"\n']) {
    const input = Readable.from([Buffer.from("a\n1\n"), Buffer.from(second), Buffer.from("3\n")]);
    const chunks = readCsvChunks(input, "s.csv");
    const first = await chunks.next();
    assert.is(first.done, false);
    if (second.startsWith('"')) await chunks.next();
    await chunks.return(undefined);
    assert.ok(input.destroyed, second);
  }
});

test("csv: quoted newlines keep later line numbers right; too many cells and an unclosed quote", async () => {
  const text = 'a,b\n1,"x\ny\nz"\n2,3\n\n4,5,6\n7,"a"b\n8,9\n10,"11\n12,13\n';
  const items = await collect(readItems(Readable.from([text]), "-", { format: "csv" }));
  assert.equal(shape(items), ["2:record", "5:record", "7:reject", "8:record", "9:record", "10:reject"]);
  const last = items[5]!;
  if (last.kind !== "reject") throw new Error("expected a reject");
  assert.match(last.reason, /^line 10: malformed CSV: Quote Not Closed/);
  assert.equal(recordsOf(items)[2], { a: "7", b: '"a"b' });
});

test("csv: header names that are Object.prototype's own (__proto__, constructor, toString) are own keys of each record", async () => {
  const text = "__proto__,constructor,toString,a\nx,y,z,1\n,,,2\n";
  const items = await collect(readItems(Readable.from([Buffer.from(text)]), "in.csv", { format: "csv" }));
  const records = recordsOf(items) as Record<string, unknown>[];
  assert.equal(records.map((r) => Object.keys(r)), [["__proto__", "constructor", "toString", "a"], ["__proto__", "constructor", "toString", "a"]]);
  assert.equal(records.map((r) => Object.getOwnPropertyDescriptor(r, "__proto__")?.value), ["x", null]);
  assert.equal(records.map((r) => [r["constructor"], r["toString"], r["a"]]), [["y", "z", "1"], [null, null, "2"]]);
  assert.is(Object.getPrototypeOf(records[0]), Object.prototype);
  // Without such a name, the records are plain objects with the header's keys in order.
  const plain = recordsOf(await collect(readItems(Readable.from([Buffer.from("b,a\n1,2\n")]), "p.csv", { format: "csv" })));
  assert.equal(plain, [{ b: "1", a: "2" }]);
  assert.equal(Object.keys(plain[0] as object), ["b", "a"]);
});

test("csv: a header naming a column twice ends the file with an error", async () => {
  const items = await collect(readItems(Readable.from(["a,a\n1,2\n"]), "dup.csv", { format: "csv" }));
  assert.equal(shape(items), ["error"]);
  const e = items[0]!;
  if (e.kind === "error") assert.is(e.error.message, 'dup.csv line 1: the header names column "a" twice');
});

test("csv: many rows stream through with correct line numbers", async () => {
  const rows = ["k,v", ...Array.from({ length: 5000 }, (_, i) => (i === 2500 ? "bad" : `${i},"v\n${i}"`))];
  const items = await collect(readItems(Readable.from([rows.join("\n")]), "big.csv", { format: "csv" }));
  assert.is(items.length, 5000);
  const bad = items[2500]!;
  assert.is(bad.kind, "reject");
  assert.is(bad.kind !== "error" && bad.line, 2 + 2500 * 2);
  assert.is(items[4999]!.kind !== "error" && items[4999]!.line, 2 + 4999 * 2 - 1);
});

test("json: an array of objects; a non-object element is a reject naming index and line", async () => {
  const items = await readFixture("array.json", "json");
  assert.equal(shape(items), ["2:record", "3:reject", "4:record"]);
  const bad = items[1]!;
  if (bad.kind === "reject") assert.is(bad.reason, 'line 3: element 1 of the array: expected a JSON object, got a string');
  assert.equal(recordsOf(items)[1], { id: 3, s: "a]b{" });
});

test("json: a file that is not an array, or not JSON, is an error naming it", () => {
  const notArray = parseJsonArray('{"a":1}', "x.json");
  assert.is(isRight(notArray), false);
  if (isLeft(notArray)) assert.is(notArray.left.message, "x.json must hold a JSON array of objects, but holds an object");
  const broken = parseJsonArray("[{", "y.json");
  if (isRight(broken)) throw new Error("expected an error");
  assert.match(broken.left.message, /^y\.json is not valid JSON: /);
});

test("empty files give no items; a missing file is an error before any item", async () => {
  const dir = tempDir();
  for (const format of ["jsonl", "csv", "json"] as const) {
    fs.writeFileSync(path.join(dir, `e.${format}`), format === "json" ? "[]" : "");
    const opened = await openFileItems(path.join(dir, `e.${format}`), `e.${format}`, { format });
    if (isLeft(opened)) throw new Error(opened.left.message);
    assert.equal(await collect(opened.right.items), []);
  }
  const missing = await openFileItems(path.join(dir, "nope.csv"), "nope.csv", { format: "csv", what: "source file" });
  assert.is(isRight(missing), false);
  if (isLeft(missing)) assert.is(missing.left.message, "source file not found: nope.csv");
});

test("readTable: the whole file, and a clear error for a missing one", async () => {
  const table = await readTable({ path: "bom-crlf-semicolon.csv", baseDir: FIXTURES, format: "csv", delimiter: ";" });
  if (isLeft(table)) throw new Error(table.left.message);
  assert.is(table.right.items.length, 5);
  const cwd = process.cwd();
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "streams"));
  process.chdir(dir);
  try {
    const missing = await readTable({ path: "data/crm_accounts.csv", baseDir: "streams", format: "csv" });
    if (isRight(missing)) throw new Error("expected an error");
    assert.is(missing.left.message, "table file not found: streams/data/crm_accounts.csv");
  } finally {
    process.chdir(cwd);
  }
});

test("property: JSON lines read unparsed (lazyJson) and parsed when decoded give the items read parsed: records, rejects and their reasons", async () => {
  const line = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
    fc.constantFrom("", " ", "\t \r", "  {\"a\":1}", "[1,2]", "42", "\"text\"", "null", "{\"a\":", "{bad}", "\u00a0", "{\"big\":12345678901234567890}", "{\"e\":1e400}", "[".repeat(70) + "]".repeat(70)),
    fc.string({ maxLength: 8 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), fc.integer({ min: 1, max: 64 }), async (lines, end, cut) => {
      const bytes = Buffer.from(lines.join(end), "utf8");
      const pieces = (): Buffer[] => {
        const out: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += cut) out.push(bytes.subarray(i, i + cut));
        return out;
      };
      const eager = await collect(readItems(Readable.from(pieces()), "p.jsonl", { format: "jsonl" }));
      const lazy = await collect(readItems(Readable.from(pieces()), "p.jsonl", { format: "jsonl", lazyJson: true }));
      assert.equal(lazy.map((i) => (i.kind === "error" ? i : resolvedItem(i))), eager);
    }),
    { numRuns: 150 },
  );
});

test.run();
