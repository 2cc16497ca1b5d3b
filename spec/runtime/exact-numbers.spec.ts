// The embedding API with big ints: a host's bigint converts exactly, results
// past 2^53 come back as bigints, sessions keep them across a JSON state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRunner } from "../../src/index.js";
import { plan, NOW } from "./helpers.js";

const STREAM = `stream t
param base int = 0
source s { id string  n int  d decimal }
map m from s { id = id  next = n + 1 + base  d = d }
aggregate total from s by all = "all" flush after 1h idle { sum = sum(n)  top = max(n) }
sink o from m to jsonl "o.jsonl"
sink t from total to jsonl "t.jsonl"`;

test("a host's bigint converts exactly, and results past 2^53 come back as bigints", () => {
  const runner = createRunner(plan(STREAM), { params: { base: 9007199254740993n } });
  const r = runner.run({ sources: { s: [{ id: "a", n: 9007199254740993n, d: 12345678901234567890n }, { id: "b", n: 2n ** 63n, d: 1 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ id: "a", next: 18014398509481987n, d: "12345678901234567890" }]);
  assert.equal(r.rejects.map((x) => x["errors"]), [[{ rule: "schema", message: "n: expected int, got 9223372036854775808 (beyond the 64-bit range of int)" }]]);
  assert.is((r.rejects[0]!["record"] as Record<string, unknown>)["n"], 2n ** 63n);
});

test("an aggregate's big int sum survives a state handed over as JSON text", () => {
  const first = createRunner(plan(STREAM));
  first.run({ sources: { s: [{ id: "a", n: "9007199254740993", d: 1 }, { id: "b", n: "4611686018427387904", d: 1 }] }, now: NOW });
  const text = JSON.stringify(first.state);
  const second = createRunner(plan(STREAM), { state: JSON.parse(text) });
  const r = second.run({ sources: { s: [{ id: "c", n: -1, d: 1 }] }, now: NOW, final: true });
  assert.equal(r.outputs.t, [{ all: "all", sum: 4620693217682128896n, top: 4611686018427387904n }]);
});

test.run();
