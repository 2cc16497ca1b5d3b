import { isLeft, isRight } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
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

const names = (items: ReadonlyArray<Item>) => recordsOf(items).map((r) => (r as { n: string }).n);

test("a glob reads files in code-unit name order, one whole file per call; an empty file gives an empty batch", async () => {
  const source = await open({ pattern: "glob/*.jsonl", baseDir: FIXTURES, format: "jsonl" });
  assert.equal(source.files.map((f) => path.basename(f)), ["B.jsonl", "a.jsonl", "b.jsonl", "empty.jsonl"]);
  const all = await batches(source);
  assert.equal(all.map((b) => names(b.items)), [["B1"], ["a1"], ["b1", "b2"], []]);
  assert.equal(all.map((b) => b.files.map((f) => path.basename(f))), [["B.jsonl"], ["a.jsonl"], ["b.jsonl"], ["empty.jsonl"]]);
  assert.equal(source.position(), { kind: "after", file: "glob/empty.jsonl", line: 0, item: 0 });
  assert.is(isRight(await source.next()), true);
});

test("batch N reads N records across file boundaries; rejects ride along without counting", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "1.jsonl"), '{"n":"1a"}\nnot json\n{"n":"1b"}\n{"n":"1c"}\n');
  fs.writeFileSync(path.join(dir, "2.jsonl"), '{"n":"2a"}\n{"n":"2b"}\n');
  const source = await open({ pattern: "*.jsonl", baseDir: dir, format: "jsonl", batch: 2 });
  const all = await batches(source);
  assert.equal(all.map((b) => names(b.items)), [["1a", "1b"], ["1c", "2a"], ["2b"]]);
  assert.equal(all[0]!.items.map((i) => i.kind), ["record", "reject", "record"]);
  assert.equal(all[1]!.files.map((f) => path.basename(f)), ["1.jsonl", "2.jsonl"]);
  assert.equal(source.position(), { kind: "after", file: "2.jsonl", line: 2, item: 2 });
  await source.close();
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
