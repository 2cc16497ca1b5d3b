// A partition's state in the bucket, on a real nats-server: a commit writes only the
// chunks whose text changed (a dedup window's keys are appended at the end, so a
// long-lived state is not rewritten on every commit), what it keeps and what it writes
// read back as exactly the new state, and dropping the old state after a commit, or
// the new one after a refused commit, leaves exactly the committed state's chunks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { connectNats } from "../../src/cluster/nats.js";
import { dropState, loadState, newEntry, saveState, STATE_CHUNK, type SavedState, type StepContext } from "../../src/cluster/partition.js";
import type { Stage } from "../../src/index.js";
import { startNats } from "./helpers.js";

const ref = { stage: { index: 1 } as Stage, partition: 3 };
const stateText = (keys: ReadonlyArray<string>, sessions: number): string => JSON.stringify({ version: 1, runs: 0, dedup: { d: [[0, keys]] }, sessions: { s: Array.from({ length: sessions }, (_, i) => ({ key: `k${i}` })) }, sources: {} });

test("property: each commit's state reads back exactly, only changed chunks are written, and no chunk is left behind or missing", async () => {
  const nats = await startNats();
  const t = await connectNats({ url: nats.url, name: "chunks" });
  try {
    const kv = (await t.store(true))!;
    const ctx = { kv } as unknown as StepContext;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ add: fc.integer({ min: 0, max: 40_000 }), sessions: fc.nat(3), refused: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const r = { ...ref, partition: round++ };
          const keys: string[] = [];
          let committed: { saved: SavedState; json: string } | undefined;
          for (const s of steps) {
            const before = committed;
            for (let i = 0; i < s.add; i++) keys.push(`evt-${keys.length}-${i % 97}`);
            const json = stateText(keys, s.sessions);
            const saved = await saveState(ctx, r, json, before);
            const written = (saved.gens ?? Array(saved.chunks).fill(saved.gen)).filter((g) => g === saved.gen).length;
            if (before) {
              // A chunk is written again only where its text differs from the one before.
              const changed = Array.from({ length: saved.chunks }, (_, i) => before.json.slice(i * STATE_CHUNK, (i + 1) * STATE_CHUNK) !== json.slice(i * STATE_CHUNK, (i + 1) * STATE_CHUNK)).filter(Boolean).length;
              assert.is(written, changed);
            } else assert.is(written, saved.chunks);
            if (s.refused) {
              // Another worker took the partition: the commit is refused, the new chunks go, the committed state stays.
              await dropState(ctx, r, saved, undefined, true);
              for (let i = 0; i < s.add; i++) keys.pop();
            } else {
              await dropState(ctx, r, before?.saved ?? null, saved);
              committed = { saved, json };
            }
            const live = (await kv.keys(`state.1.${r.partition}.`)).length;
            assert.is(live, committed?.saved.chunks ?? 0, "the bucket holds exactly the committed state's chunks");
            if (committed) assert.is((await loadState(ctx, r, { ...newEntry(), state: committed.saved }))!.json, committed.json);
          }
        },
      ),
      { numRuns: 12 },
    );
  } finally {
    await t.close();
    await nats.stop();
  }
});

test("a bulk append to a partition that does not exist fails in words; one of many thousands is acknowledged each", async () => {
  const nats = await startNats();
  const t = await connectNats({ url: nats.url, name: "bulk" });
  try {
    await t.log.ensureTopic("s0", 1);
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `m${i}`, data: new TextEncoder().encode(String(i)) }));
    assert.equal(await t.log.append("s0", 0, many), { duplicates: 0 });
    assert.equal(await t.log.append("s0", 0, many.slice(4990)), { duplicates: 10 });
    assert.is(await t.log.end("s0", 0), 5000);
    const back = await t.log.read("s0", 0, 4999, 10);
    assert.equal(back.map((m) => m.seq), [4999, 5000]);
    try {
      await t.log.append("s9", 0, many.slice(0, 3));
      assert.unreachable("an append to a missing partition must fail");
    } catch (e) {
      assert.match((e as Error).message, /no responders/);
    }
  } finally {
    await t.close();
    await nats.stop();
  }
});

test.run();
