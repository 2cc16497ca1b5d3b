// The on-disk key store behind `--state`: it decides every key as the in-memory
// chunks do (the embedding API's store), across commits, reopenings and failed
// runs; its filter never hides a remembered key; and a damaged, foreign or
// other stream's file is refused with a message.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BloomFilter, keyHashes } from "../../src/io/bloom.js";
import { StateStore, StoreDamaged } from "../../src/io/state-store.js";
import { ChunkKeys, type SeenState } from "../../src/runtime/ops/dedup.js";
import { tempDir } from "./helpers.js";

const DAY = 86_400_000;

function open(file: string, stream = "s", minGroupKeys?: number): StateStore {
  const r = StateStore.open(file, stream, minGroupKeys === undefined ? {} : { minGroupKeys });
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right;
}

const messageOf = (file: string, stream = "s"): string => {
  const r = StateStore.open(file, stream);
  if (isRight(r)) {
    r.right.close();
    throw new Error("expected a refusal");
  }
  return r.left.message.replace(/\S*\.state/, "STATE");
};

/** A run: the clock moves on by `advance` days, the window is `window` days, and these keys arrive (of two steps). */
const runArb = fc.record({
  advance: fc.integer({ min: 0, max: 20 }),
  window: fc.constantFrom(1, 7, 30),
  keys: fc.array(fc.tuple(fc.constantFrom("a", "b"), fc.string({ unit: fc.constantFrom("x", "y", "z", "\u0000", "é"), maxLength: 3 })), { maxLength: 25 }),
  fails: fc.boolean(),
  reopen: fc.boolean(),
  /** On reopening, the file is first made a store of version 1 (no group filters), as an older build left it. */
  asVersion1: fc.boolean(),
});

/** What an older build's store looked like: no groups table, version 1. */
function makeVersion1(file: string): void {
  const db = new Database(file);
  db.exec("DROP TABLE groups; UPDATE meta SET value = '1' WHERE name = 'version'");
  db.close();
}

test("the store decides every key as the in-memory chunks do, across commits, reopenings and failed runs", () => {
  fc.assert(
    // Groups of a few keys, so that runs fill groups, start new ones and outlive them.
    fc.property(fc.array(runArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (runs, minGroupKeys) => {
      const file = path.join(tempDir(), "p.state");
      let store = open(file, "s", minGroupKeys);
      let memory: Record<string, SeenState> = {};
      let now = Date.parse("2026-01-01T00:00:00Z");
      let committed = 0;
      try {
        for (const r of runs) {
          now += r.advance * DAY;
          const mem = { a: new ChunkKeys(memory["a"] ?? [], r.window * DAY, now), b: new ChunkKeys(memory["b"] ?? [], r.window * DAY, now) };
          const disk = { a: store.openKeys("a", r.window * DAY, now), b: store.openKeys("b", r.window * DAY, now) };
          for (const [step, key] of r.keys) {
            const seen = mem[step].has(key);
            assert.is(disk[step].has(key), seen, `step ${step} key ${JSON.stringify(key)}`);
            if (!seen) {
              mem[step].add(key);
              disk[step].add(key);
            }
          }
          if (r.fails) store.discard();
          else {
            memory = { a: mem.a.close(), b: mem.b.close() };
            store.commit(++committed, { runs: committed });
          }
          if (r.reopen) {
            store.close();
            if (r.asVersion1) makeVersion1(file);
            store = open(file, "s", minGroupKeys);
            assert.is(store.runs, committed);
          }
        }
        const kept = (s: SeenState): number => s.reduce((n, [, keys]) => n + keys.length, 0);
        const described = new Map(store.describe().map((d) => [d.step, d.keys]));
        for (const step of ["a", "b"]) assert.is(described.get(step) ?? 0, kept(memory[step] ?? []), `keys of ${step}`);
      } finally {
        store.close();
      }
    }),
    { numRuns: 80 },
  );
});

test("a Bloom filter never answers no for a key it holds", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 300 }), (keys) => {
      const f = BloomFilter.sized(keys.length);
      for (const k of keys) f.add(...keyHashes(k));
      const back = BloomFilter.fromBytes(f.bytes())!;
      for (const k of keys) assert.ok(back.mayHave(...keyHashes(k)), k);
    }),
  );
  // And it does say no: of 100,000 other keys, few pass a filter of 10,000.
  const f = BloomFilter.sized(10_000);
  for (let i = 0; i < 10_000; i++) f.add(...keyHashes(`evt-${i}`));
  let passed = 0;
  for (let i = 0; i < 100_000; i++) if (f.mayHave(...keyHashes(`other-${i}`))) passed++;
  assert.ok(passed < 20, `${passed} false positives of 100,000`);
});

test("a run's keys are committed as one chunk; chunks past their window are deleted at commit", () => {
  const file = path.join(tempDir(), "p.state");
  const store = open(file);
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const k1 = store.openKeys("d", 30 * DAY, t0);
  for (const k of ["e1", "e2", "e3"]) k1.add(k);
  store.commit(1, { runs: 1 });
  const k2 = store.openKeys("d", 30 * DAY, t0 + 10 * DAY);
  assert.ok(k2.has("e1"));
  k2.add("e4");
  store.commit(2, { runs: 2 });
  assert.equal(store.describe(), [{ step: "d", windowMs: 30 * DAY, keys: 4, chunks: [{ chunk: 1, run: 1, seenAt: t0, keys: 3 }, { chunk: 2, run: 2, seenAt: t0 + 10 * DAY, keys: 1 }] }]);
  assert.equal(store.find("e2"), [{ step: "d", chunk: 1, run: 1, seenAt: t0 }]);
  // 35 days on, run 1's keys have passed their window: e1 is new again, e4 is not.
  const k3 = store.openKeys("d", 30 * DAY, t0 + 35 * DAY);
  assert.not.ok(k3.has("e1"));
  assert.ok(k3.has("e4"));
  store.commit(3, { runs: 3 });
  assert.equal(store.describe()[0]!.chunks.map((c) => c.run), [2]);
  store.close();
  const db = new Database(file);
  assert.is(db.prepare("SELECT count(*) FROM keys").pluck().get(), 1);
  db.close();
});

test("a damaged, foreign or other stream's store is refused with a message, never read as empty", () => {
  const dir = tempDir();
  const file = path.join(dir, "p.state");
  const store = open(file);
  store.openKeys("d", DAY, 0).add("k");
  store.commit(1, { runs: 1 });
  store.close();
  const move = "Move it away to start fresh; it is never reset silently.";
  assert.is(messageOf(file, "other"), 'state file STATE belongs to stream "s", not "other". Give each stream its own state file.');

  const edit = (sql: string): void => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };
  const good = fs.readFileSync(file);
  edit("UPDATE meta SET value = '{\"runs\":7}' WHERE name = 'state'");
  assert.is(messageOf(file), `state file STATE is damaged: its run state does not match its checksum. ${move}`);
  fs.writeFileSync(file, good);
  edit("UPDATE chunks SET filter = zeroblob(length(filter))");
  assert.is(messageOf(file), `state file STATE is damaged: the filter of chunk 1 of step \`d\` does not match its checksum. ${move}`);
  fs.writeFileSync(file, good);
  edit("UPDATE groups SET filter = zeroblob(length(filter))");
  assert.is(messageOf(file), `state file STATE is damaged: the filter of the group of chunks 1-1 of step \`d\` does not match its checksum. ${move}`);
  fs.writeFileSync(file, good);
  edit("UPDATE meta SET value = '9' WHERE name = 'version'");
  assert.match(messageOf(file), /^state file STATE has store version "9", but this interpreter reads version 2\./);

  fs.writeFileSync(file, good.subarray(0, 100));
  assert.match(messageOf(file), new RegExp(`^state file STATE is damaged: .*\\(SQLITE_\\w+\\)\\. ${move}$`));
  // The code is said once, even where the driver's message holds it already.
  const corrupt = Buffer.from(good);
  corrupt.write("garbage garbage garbage", 100);
  const said = messageOf((fs.writeFileSync(file, corrupt), file));
  assert.is((said.match(/SQLITE_\w+/g) ?? []).length, 1, said);
  const other = path.join(dir, "other.state");
  const db = new Database(other);
  db.exec("CREATE TABLE meta (name TEXT, value TEXT); INSERT INTO meta VALUES ('format', 'someone/else')");
  db.close();
  assert.is(messageOf(other), "STATE is not a peppa-stream state file. Give --state a file of its own; this one is left untouched.");
  const foreign = path.join(dir, "notes.state");
  const sqlite = new Database(foreign);
  sqlite.exec("CREATE TABLE notes (t TEXT)");
  sqlite.close();
  assert.match(messageOf(foreign), /^state file STATE is damaged: no such table: meta \(SQLITE_ERROR\)/);
});

test("a store of version 1 is upgraded in place when a run opens it, and read as it is when inspected", () => {
  const file = path.join(tempDir(), "p.state");
  let store = open(file);
  store.openKeys("d", DAY, 0).add("k");
  store.commit(1, { runs: 1 });
  store.close();
  makeVersion1(file);
  const version = (): string => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare("SELECT value FROM meta WHERE name = 'version'").pluck().get() as string);
    } finally {
      db.close();
    }
  };
  const inspected = StateStore.open(file, "", { inspect: true });
  if (isLeft(inspected)) throw new Error(inspected.left.message);
  assert.is(inspected.right.describe()[0]!.keys, 1);
  inspected.right.close();
  assert.is(version(), "1");
  store = open(file);
  const keys = store.openKeys("d", DAY, 1);
  assert.ok(keys.has("k"));
  assert.not.ok(keys.has("j"));
  store.close();
  assert.is(version(), "2");
});

test("a key lookup that fails while a run reads the store is StoreDamaged, which the CLI reports as such", () => {
  const file = path.join(tempDir(), "p.state");
  const store = open(file);
  store.openKeys("d", DAY, 0).add("k");
  store.commit(1, { runs: 1 });
  const keys = store.openKeys("d", DAY, 1);
  store.close();
  assert.throws(() => keys.has("k"), (e: unknown) => e instanceof StoreDamaged && /reading a key failed/.test(e.message));
});

test.run();
