import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openFileSource, type FileSource, type FileSourceOptions } from "../../src/io/file-source.js";
import type { Item } from "../../src/io/item.js";
import { SourcePositionCodec, type SourcePosition } from "../../src/io/source-position.js";
import { FIXTURES, recordsOf, tempDir } from "./helpers.js";

async function open(options: FileSourceOptions): Promise<FileSource> {
  const opened = await openFileSource(options);
  if (isLeft(opened)) throw new Error(opened.left.message);
  return opened.right.source;
}

async function batches(source: FileSource): Promise<Array<{ items: ReadonlyArray<Item>; files: ReadonlyArray<string> }>> {
  const out = [];
  for (;;) {
    const r = await source.next();
    if (isLeft(r)) throw new Error(r.left.message);
    if (r.right.batch === undefined) return out;
    out.push(r.right.batch);
  }
}

/** The seek point a position after byte `offset` of `content` holds: the last KiB before it, hashed. */
function seekAt(content: string, offset: number, lines: number, skip = 0) {
  const before = Buffer.from(content, "utf8").subarray(Math.max(0, offset - 1024), offset);
  return { offset, lines, skip, length: before.length, sha256: createHash("sha256").update(before).digest("hex").slice(0, 32) };
}

const names = (items: ReadonlyArray<Item>) => recordsOf(items).map((r) => (r as { n: string }).n);

test("a glob reads files in code-unit name order, one whole file per call; an empty file gives an empty batch", async () => {
  const source = await open({ pattern: "glob/*.jsonl", baseDir: FIXTURES, format: "jsonl" });
  assert.equal(source.files.map((f) => path.basename(f)), ["B.jsonl", "a.jsonl", "b.jsonl", "empty.jsonl"]);
  const all = await batches(source);
  assert.equal(all.map((b) => names(b.items)), [["B1"], ["a1"], ["b1", "b2"], []]);
  assert.equal(all.map((b) => b.files.map((f) => path.basename(f))), [["B.jsonl"], ["a.jsonl"], ["b.jsonl"], ["empty.jsonl"]]);
  assert.equal(source.position(), { kind: "after", file: "glob/empty.jsonl", line: 0, item: 0, seek: seekAt("", 0, 0) });
  assert.is(isRight(await source.next()), true);
});

test("batch N reads the next N records across file boundaries, malformed lines included", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "1.jsonl"), '{"n":"1a"}\nnot json\n{"n":"1b"}\n{"n":"1c"}\n');
  const second = '{"n":"2a"}\n{"n":"2b"}\n{"n":"2c"}\n';
  fs.writeFileSync(path.join(dir, "2.jsonl"), second);
  const source = await open({ pattern: "*.jsonl", baseDir: dir, format: "jsonl", batch: 2 });
  const all = await batches(source);
  assert.equal(all.map((b) => names(b.items)), [["1a"], ["1b", "1c"], ["2a", "2b"], ["2c"]]);
  assert.equal(all[0]!.items.map((i) => i.kind), ["record", "reject"]);
  assert.equal(all[2]!.files.map((f) => path.basename(f)), ["2.jsonl"]);
  assert.equal(source.position(), { kind: "after", file: "2.jsonl", line: 3, item: 3, seek: seekAt(second, second.length, 3) });
  await source.close();
});

test("batch N (property): batches end at the same lines whichever lines are valid, and resume exactly", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(fc.boolean(), { maxLength: 6 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), async (files, n) => {
      const dir = tempDir();
      files.forEach((valid, f) => fs.writeFileSync(path.join(dir, `${f}.jsonl`), valid.map((ok, i) => (ok ? `{"n":"${f}-${i}"}` : `bad ${f}-${i}`) + "\n").join("")));
      const lines = files.flatMap((valid, f) => valid.map((_, i) => `${f}.jsonl:${i + 1}`));
      const expected: string[][] = [];
      for (let i = 0; i < lines.length; i += n) expected.push(lines.slice(i, i + n));
      const source = await open({ pattern: "*.jsonl", baseDir: dir, format: "jsonl", batch: n });
      const got: string[][] = [];
      const positions: SourcePosition[] = [];
      for (;;) {
        const r = await source.next();
        if (isLeft(r)) throw new Error(r.left.message);
        if (r.right.batch === undefined) break;
        if (r.right.batch.items.length > 0) got.push(r.right.batch.items.map((i) => `${i.file}:${i.line}`));
        positions.push(source.position());
      }
      assert.equal(got, expected);
      // Resuming after any batch gives the rest, cut the same way.
      const at = Math.floor(positions.length / 2);
      if (positions.length > 0) {
        const resumed = await open({ pattern: "*.jsonl", baseDir: dir, format: "jsonl", batch: n, resume: positions[at]! });
        const rest = (await batches(resumed)).filter((b) => b.items.length > 0).map((b) => b.items.map((i) => `${i.file}:${i.line}`));
        assert.equal(rest, expected.slice(at + 1));
      }
    }),
    { numRuns: 60 },
  );
});

test("items name a file relative to the stream's folder (or as an absolute pattern gives it), from any working folder", async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "data", "x.jsonl"), '{"n":"x"}\nbad\n');
  const cwd = process.cwd();
  try {
    for (const wd of [cwd, dir, path.join(dir, "data")]) {
      process.chdir(wd);
      for (const pattern of ["data/x.jsonl", "./data/x.jsonl", "data/*.jsonl"]) {
        const all = await batches(await open({ pattern, baseDir: dir, format: "jsonl" }));
        assert.equal(all.flatMap((b) => b.items.map((i) => i.file)), ["data/x.jsonl", "data/x.jsonl"], `${pattern} from ${wd}`);
      }
      const absolute = path.join(dir, "data", "x.jsonl");
      const all = await batches(await open({ pattern: absolute, baseDir: FIXTURES, format: "jsonl" }));
      assert.equal(all.flatMap((b) => b.items.map((i) => i.file)), [absolute, absolute]);
    }
  } finally {
    process.chdir(cwd);
  }
});

test("resuming from any saved position gives exactly the remaining records", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "a.csv"), 'n,v\nr1,"x\ny"\nr2,1\nbad\nr3,2\n');
  fs.writeFileSync(path.join(dir, "b.csv"), "n,v\n");
  fs.writeFileSync(path.join(dir, "c.csv"), "n,v\nr4,1\nr5,2\n");
  const everything = ["r1", "r2", "r3", "r4", "r5"];
  for (const batch of [undefined, 1, 2, 3]) {
    const base = { pattern: "*.csv", baseDir: dir, format: "csv" as const, ...(batch ? { batch } : {}) };
    const first = await open(base);
    const positions: SourcePosition[] = [first.position()];
    const got: string[][] = [];
    for (;;) {
      const r = await first.next();
      if (isLeft(r)) throw new Error(r.left.message);
      if (r.right.batch === undefined) break;
      got.push(names(r.right.batch.items));
      // Round trip through JSON and the codec, as the state file does.
      const decoded = SourcePositionCodec.decode(JSON.parse(JSON.stringify(first.position())));
      if (decoded._tag === "Left") throw new Error("position does not decode");
      positions.push(decoded.right);
    }
    assert.equal(got.flat(), everything, `batch ${batch}`);
    for (const [i, position] of positions.entries()) {
      const resumed = await open({ ...base, resume: position });
      const rest = (await batches(resumed)).flatMap((b) => names(b.items));
      assert.equal(rest, got.slice(i).flat(), `batch ${batch}, resume from ${JSON.stringify(position)}`);
    }
  }
});

test("resume refuses a file that no longer matches the saved position", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "a.jsonl"), '{"n":1}\n{"n":2}\n');
  const bad = await openFileSource({ pattern: "a.jsonl", baseDir: dir, format: "jsonl", resume: { kind: "after", file: "a.jsonl", line: 5, item: 2 } });
  if (isLeft(bad)) throw new Error(bad.left.message);
  const r = await bad.right.source.next();
  if (isRight(r)) throw new Error("expected an error");
  assert.match(r.left.message, /cannot resume .*a\.jsonl: the saved position is after item 2 \(line 5\)/);
});

test("a glob matching nothing and a missing named file are errors naming them", async () => {
  const dir = tempDir();
  const none = await openFileSource({ pattern: "in/*.jsonl", baseDir: dir, format: "jsonl" });
  if (isRight(none)) throw new Error("expected an error");
  assert.match(none.left.message, /^no file matches the source pattern .*in\/\*\.jsonl$/);
  const missing = await openFileSource({ pattern: "x.csv", baseDir: dir, format: "csv" });
  if (isRight(missing)) throw new Error("expected an error");
  assert.match(missing.left.message, /^source file not found: .*x\.csv$/);
});

test("a file deleted between the glob and its turn is an error, and the position stays put", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "a.jsonl"), '{"n":"a"}\n');
  fs.writeFileSync(path.join(dir, "b.jsonl"), '{"n":"b"}\n');
  const source = await open({ pattern: "*.jsonl", baseDir: dir, format: "jsonl" });
  assert.is(isRight(await source.next()), true);
  const after = source.position();
  fs.rmSync(path.join(dir, "b.jsonl"));
  const r = await source.next();
  if (isRight(r)) throw new Error("expected an error");
  assert.match(r.left.message, /^source file not found: .*b\.jsonl$/);
  assert.equal(source.position(), after);
});

test.run();
