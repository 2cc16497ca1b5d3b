// RunnerOptions.keyStore: a runner whose dedup keys live in a store gives the
// same results as one that keeps them in its state value, and keeps them in one
// place only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRunner, prepareRunner, RunnerError } from "../../src/index.js";
import { StateStore } from "../../src/io/state-store.js";
import { plan } from "./helpers.js";

const STREAM = `stream keys
source events { id string  n int }
dedup once from events by id within 2d
sink out from once to jsonl "out.jsonl"
`;

const batches = [
  [{ id: "a", n: 1 }, { id: "b", n: 2 }, { id: "a", n: 3 }],
  [{ id: "b", n: 4 }, { id: "c", n: 5 }],
  [{ id: "a", n: 6 }, { id: "c", n: 7 }, { id: "d", n: 8 }],
  [{ id: "d", n: 9 }, { id: "e", n: 10 }],
];
// Days 0, 1, 3 and 4.
const clocks = ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z", "2026-11-05T00:00:00Z"];

test("a runner with a key store gives the outputs of one without, and its state value holds no keys", () => {
  const p = plan(STREAM);
  const memory = createRunner(p, {}, {});
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "peppa-keys-")), "k.state");
  const opened = StateStore.open(file, "keys");
  if (isLeft(opened)) throw new Error(opened.left.message);
  const store = opened.right;
  try {
    const stored = createRunner(p, { keyStore: store }, {});
    batches.forEach((records, i) => {
      const a = memory.run({ sources: { events: records }, now: clocks[i]! });
      const b = stored.run({ sources: { events: records }, now: clocks[i]! });
      assert.equal(b.outputs, a.outputs, `run ${i + 1}`);
      assert.equal(b.report.balance, a.report.balance, `run ${i + 1}`);
      store.commit(i + 1, stored.state);
    });
    // Day 3: the chunks of days 0 and 1 have passed their window, so a and c are new again.
    assert.equal(memory.state.dedup["once"]!.map(([, keys]) => [...keys]), [["a", "c", "d"], ["e"]]);
    assert.equal(stored.state.dedup, {});
    assert.equal(store.describe().map((d) => [d.step, d.chunks.map((c) => c.keys)]), [["once", [3, 1]]]);
    assert.equal(JSON.parse(JSON.stringify(stored.state)).runs, 4, "still a JSON value");
  } finally {
    store.close();
  }
});

test("keys in one place: a state holding keys with a key store, or a key store that is not one, is refused", () => {
  const p = plan(STREAM);
  const memory = createRunner(p, {}, {});
  memory.run({ sources: { events: batches[0]! }, now: clocks[0]! });
  const fake = { openKeys: () => ({ has: () => false, add: () => undefined }) };
  const both = prepareRunner(p, { state: memory.state, keyStore: fake });
  assert.ok(isLeft(both));
  assert.equal(isLeft(both) && both.left, ["the state holds dedup keys of `once`, but the runner was also given a key store: keys live in one place (move them into the store)"]);
  assert.throws(
    () => createRunner(p, { keyStore: { open: 1 } as never }),
    (e: unknown) => e instanceof RunnerError && /the runner option `keyStore` must be an object with an openKeys\(step, windowMs, nowMs\) method/.test(e.message),
  );
});

test.run();
