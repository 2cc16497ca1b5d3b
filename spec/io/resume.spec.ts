// Resuming a file source at the byte offset its saved position holds (SeekPoint): the
// items are those of one read from the start, the file is checked where the offset
// is, and nothing before the offset is read again.
import { isLeft } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openFileSource, type FileSource, type FileSourceOptions } from "../../src/io/file-source.js";
import type { Item } from "../../src/io/item.js";
import { SourcePositionCodec, type SourcePosition } from "../../src/io/source-position.js";
import { tempDir } from "./helpers.js";

async function open(options: FileSourceOptions): Promise<FileSource> {
  const opened = await openFileSource(options);
  if (isLeft(opened)) throw new Error(opened.left.message);
  return opened.right.source;
}

/** Every item of one read from the start, without `batch`. */
async function readAll(options: FileSourceOptions): Promise<Item[]> {
  const source = await open(options);
  const out: Item[] = [];
  for (;;) {
    const r = await source.next();
    if (isLeft(r)) throw new Error(r.left.message);
    if (r.right.batch === undefined) break;
    out.push(...r.right.batch.items);
  }
  await source.close();
  return out;
}

/** As the state file keeps a position: through JSON and the codec. */
function saved(position: SourcePosition): SourcePosition {
  const decoded = SourcePositionCodec.decode(JSON.parse(JSON.stringify(position)));
  if (isLeft(decoded)) throw new Error(`position does not decode: ${JSON.stringify(position)}`);
  return decoded.right;
}

/**
 * Reads batch by batch as the CLI does, one invocation per batch: a fresh source resumed from
 * the last saved position, its next batch that has items (an empty one does not use up a
 * run), then its position saved. Returns the items and every position saved.
 */
async function readResumed(options: FileSourceOptions): Promise<{ items: Item[]; positions: SourcePosition[] }> {
  const items: Item[] = [];
  const positions: SourcePosition[] = [];
  let resume: SourcePosition | undefined;
  for (let runs = 0; ; runs++) {
    if (runs > 10_000) throw new Error("no end");
    const source = await open({ ...options, ...(resume ? { resume } : {}) });
    let r = await source.next();
    while (!isLeft(r) && r.right.batch !== undefined && r.right.batch.items.length === 0) r = await source.next();
    if (isLeft(r)) throw new Error(r.left.message);
    const batch = r.right.batch;
    resume = saved(source.position());
    positions.push(resume);
    await source.close();
    if (batch === undefined) return { items, positions };
    items.push(...batch.items);
  }
}

const LINE_END = fc.constantFrom("\n", "\r\n");
/** CSV rows may also end at a CR alone (a file of CR lines, or one CR among LF lines). */
const CSV_LINE_END = fc.constantFrom("\n", "\r\n", "\r");
/** Text with multi-byte UTF-8 (2, 3 and 4 bytes), quotes and delimiters now and then. */
const TEXT = fc.array(fc.constantFrom("a", "b", "é", "€", "𝄞", " ", '"', ",", ";", "x"), { maxLength: 6 }).map((cs) => cs.join(""));
const INVALID_UTF8 = Buffer.from([0xc3, 0x28]);

const jsonlLine = fc.oneof(
  fc.record({ n: fc.integer(), s: TEXT }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.constantFrom("not json", "[1,2]", "", "  ", '{"a":', "\u00a0").map((t) => Buffer.from(t)),
  TEXT.map((t) => Buffer.concat([Buffer.from(`{"s":"${t.replace(/"/g, "")}`), INVALID_UTF8, Buffer.from('"}')])),
);

/**
 * A CSV cell as written: plain, quoted (a delimiter, a quote, a line break inside), empty or
 * quoted empty; `plain` only the first and empty, as the reader's fast path takes them.
 */
const csvCell = (delimiter: string, plain: boolean) =>
  plain ? fc.oneof(TEXT.map((t) => t.replace(/[",;\r\n]/g, "").split(delimiter).join("")), fc.constant("")) : fc.oneof(
    TEXT.map((t) => t.replace(/[",;\r\n]/g, "").split(delimiter).join("")),
    fc.tuple(TEXT, fc.constantFrom("\n", "\r\n", delimiter, '""', "")).map(([t, inner]) => `"${t.replace(/"/g, '""')}${inner}${t.replace(/"/g, '""')}"`),
    fc.constantFrom("", '""'),
    // A CR alone inside a cell, which csv-parse counts as a line of its own.
    fc.constantFrom("x\ry", "\r", '"p\rq"'),
  );
const csvRow = (delimiter: string, plain: boolean) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(csvCell(delimiter, plain), { minLength: 2, maxLength: 2 }).map((cells) => Buffer.from(cells.join(delimiter))) },
    { weight: 1, arbitrary: fc.array(csvCell(delimiter, plain), { minLength: 1, maxLength: 3 }).map((cells) => Buffer.from(cells.join(delimiter))) },
    { weight: 1, arbitrary: fc.constant(Buffer.from("")) },
    { weight: 1, arbitrary: fc.constant(Buffer.concat([Buffer.from("x"), INVALID_UTF8, Buffer.from(`${delimiter}y`)])) },
  );

/** A file's bytes: an optional BOM, the lines with their ends, the last line end left off or not. */
function fileOf(bom: boolean, lines: ReadonlyArray<Buffer>, ends: ReadonlyArray<string>, finalEnd: boolean): Buffer {
  const parts: Buffer[] = bom ? [Buffer.from("\ufeff")] : [];
  lines.forEach((l, i) => {
    parts.push(l);
    if (i < lines.length - 1 || finalEnd) parts.push(Buffer.from(ends[i % ends.length]!));
  });
  return Buffer.concat(parts);
}

test("property: reading batch by batch, each batch in a fresh source resumed from the saved position, gives the items of one read (jsonl)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.boolean(), fc.array(jsonlLine, { maxLength: 14 }), fc.array(LINE_END, { minLength: 1, maxLength: 3 }), fc.boolean()), { minLength: 1, maxLength: 2 }),
      fc.integer({ min: 1, max: 5 }),
      async (files, batch) => {
        const dir = tempDir();
        files.forEach(([bom, lines, ends, finalEnd], f) => fs.writeFileSync(path.join(dir, `${f}.jsonl`), fileOf(bom, lines, ends, finalEnd)));
        const options = { pattern: "*.jsonl", baseDir: dir, format: "jsonl" as const };
        const whole = await readAll(options);
        const { items, positions } = await readResumed({ ...options, batch });
        assert.equal(items, whole);
        // Every position after an item carries where to read on.
        for (const p of positions) if (p.kind === "after") assert.ok(p.seek !== undefined, JSON.stringify(p));
      },
    ),
    { numRuns: 150 },
  );
});

for (const plain of [false, true]) {
  const what = plain
    ? "plain text only (no quote, no CR: the reader's own split), multi-byte UTF-8, a BOM, rows of the wrong width, empty lines"
    : "CRLF, quoted cells over several lines, rows of the wrong width, empty lines, a BOM, bad UTF-8";
  test(`property: the same for csv, ',' ';' and '||': ${what}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(",", ";", "||").chain((delimiter) =>
          fc.tuple(
            fc.constant(delimiter),
            fc.array(
              fc.tuple(
                fc.boolean(),
                plain ? fc.constant("n") : fc.constantFrom("n", '"n"', '"n\nm"'),
                fc.array(csvRow(delimiter, plain), { maxLength: 12 }),
                plain ? fc.constant(["\n"]) : fc.array(CSV_LINE_END, { minLength: 1, maxLength: 3 }),
                fc.boolean(),
              ),
              { minLength: 1, maxLength: 2 },
            ),
          ),
        ),
        fc.integer({ min: 1, max: 5 }),
        async ([delimiter, files], batch) => {
          const dir = tempDir();
          files.forEach(([bom, first, rows, ends, finalEnd], f) => {
            const header = Buffer.from(`${first}${delimiter}v`);
            fs.writeFileSync(path.join(dir, `${f}.csv`), fileOf(bom, [header, ...rows], ends, finalEnd));
          });
          const options = { pattern: "*.csv", baseDir: dir, format: "csv" as const, delimiter };
          const whole = await readAll(options);
          const { items } = await readResumed({ ...options, batch });
          assert.equal(items, whole);
        },
      ),
      { numRuns: plain ? 80 : 150 },
    );
  });
}

/** A file of `n` JSON lines, each about 60 bytes. */
function jsonlFile(n: number, tag = "x"): string {
  let text = "";
  for (let i = 1; i <= n; i++) text += `{"n":${i},"tag":"${tag}","pad":"${"p".repeat(40)}"}\n`;
  return text;
}

/** A source after `batches` batches of `batch`, and its position. */
async function positionAfter(options: FileSourceOptions, batches: number): Promise<SourcePosition> {
  const source = await open(options);
  for (let i = 0; i < batches; i++) {
    const r = await source.next();
    if (isLeft(r)) throw new Error(r.left.message);
  }
  const p = saved(source.position());
  await source.close();
  return p;
}

async function firstError(options: FileSourceOptions): Promise<string | undefined> {
  const opened = await openFileSource(options);
  if (isLeft(opened)) return opened.left.message;
  const r = await opened.right.source.next();
  await opened.right.source.close();
  return isLeft(r) ? r.left.message : undefined;
}

const REWRITTEN = /^cannot resume .*a\.jsonl: the saved position is after item 300 \(line 300\), but the file no longer matches it \(was it rewritten\?\)/;

test("a file rewritten before the saved offset (same length, other bytes) or cut shorter is refused with the message, never read on", async () => {
  const dir = tempDir();
  const file = path.join(dir, "a.jsonl");
  const text = jsonlFile(1000);
  fs.writeFileSync(file, text);
  const options = { pattern: "a.jsonl", baseDir: dir, format: "jsonl" as const, batch: 100 };
  const position = await positionAfter(options, 3);
  if (position.kind !== "after" || position.seek === undefined) throw new Error("expected a seek point");
  assert.is(position.seek.offset, Buffer.byteLength(jsonlFile(300)));

  // One byte changed just before the offset, the length kept.
  const changed = Buffer.from(text);
  changed[position.seek.offset - 10] = "q".charCodeAt(0);
  fs.writeFileSync(file, changed);
  assert.match((await firstError({ ...options, resume: position })) ?? "read on", REWRITTEN);

  // Cut short of the offset.
  fs.writeFileSync(file, text.slice(0, position.seek.offset - 1));
  assert.match((await firstError({ ...options, resume: position })) ?? "read on", REWRITTEN);

  // Restored, it reads on; grown, it reads what was added too.
  fs.writeFileSync(file, text + jsonlFile(3, "new"));
  const rest = (await readAll({ pattern: "a.jsonl", baseDir: dir, format: "jsonl", resume: position })).map((i) => i.line);
  assert.equal(rest, Array.from({ length: 703 }, (_, i) => 301 + i));
});

test("a position saved by an older build (no seek point) still resumes, by skipping the items read", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "a.csv"), 'n,v\nr1,"x\ny"\nr2,1\nbad\nr3,2\n');
  const options = { pattern: "a.csv", baseDir: dir, format: "csv" as const, batch: 2 };
  const position = await positionAfter(options, 1);
  if (position.kind !== "after") throw new Error("expected a position");
  const { seek: _seek, ...old } = position;
  const decoded = SourcePositionCodec.decode(old);
  if (isLeft(decoded)) throw new Error("an old-style position does not decode");
  const fromOld = await readAll({ ...options, resume: decoded.right });
  const fromNew = await readAll({ ...options, resume: position });
  assert.equal(fromOld.map((i) => i.line), [5, 6]);
  assert.equal(fromOld, fromNew);
  // The old way checks the last skipped item's line.
  assert.match((await firstError({ ...options, resume: { ...decoded.right, line: 3 } as SourcePosition })) ?? "read on", /no longer matches it/);
});

test("a resume reads nothing before the saved offset but the checked bytes: blanking them does not change what is read", async () => {
  // Skipping item by item from the start would meet blank lines (no items, one line per
  // byte) where the items were and refuse the file; reading at the offset does not see them.
  for (const format of ["jsonl", "csv"] as const) {
    const dir = tempDir();
    const name = `a.${format}`;
    const file = path.join(dir, name);
    const body = format === "jsonl" ? jsonlFile(1000) : "n,tag\n" + Array.from({ length: 1000 }, (_, i) => `${i + 1},"t\n${i}"\n`).join("");
    fs.writeFileSync(file, body);
    const options = { pattern: name, baseDir: dir, format, batch: 100 };
    const expected = (await readAll({ pattern: name, baseDir: dir, format })).slice(500);
    const position = await positionAfter(options, 5);
    if (position.kind !== "after" || position.seek === undefined) throw new Error("expected a seek point");
    const bytes = Buffer.from(body);
    // Everything between the header (kept: a CSV resume reads it) and the checked bytes.
    const from = format === "csv" ? "n,tag\n".length : 0;
    bytes.fill(10, from, position.seek.offset - position.seek.length);
    fs.writeFileSync(file, bytes);
    const resumed = await readResumed({ ...options, resume: position } as FileSourceOptions);
    assert.equal(resumed.items, expected, format);
    // The same bytes refuse a position without the seek point: the skip loop reads them.
    const { seek: _seek, ...old } = position;
    assert.match((await firstError({ ...options, resume: old as SourcePosition })) ?? "read on", /no longer matches it/, format);
  }
});

test("a file whose last line has no line end: its last item is read again and skipped on resume, and a line added after it is read", async () => {
  const dir = tempDir();
  const file = path.join(dir, "a.jsonl");
  fs.writeFileSync(file, '{"n":1}\n{"n":2}');
  const position = await positionAfter({ pattern: "a.jsonl", baseDir: dir, format: "jsonl" }, 1);
  if (position.kind !== "after" || position.seek === undefined) throw new Error("expected a seek point");
  assert.equal([position.item, position.seek.offset, position.seek.lines, position.seek.skip], [2, 8, 1, 1]);
  fs.writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":3}\n');
  const rest = await readAll({ pattern: "a.jsonl", baseDir: dir, format: "jsonl", resume: position });
  assert.equal(rest.map((i) => [i.line, i.kind === "record" ? i.record : i.kind === "reject" ? i.reason : i.text]), [[3, { n: 3 }]]);
});

test.run();
