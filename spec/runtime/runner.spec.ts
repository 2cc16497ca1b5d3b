// Dedup across runs, the balance, determinism and the runner's refusals.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile, createRunner, RunnerError } from "../../src/index.js";
import { countingTimer, plan, runnerFor, tunedRunner, NOW } from "./helpers.js";

const DEDUP = `stream t
source s { id string  n int? }
dedup d from s by id within 1h
sink o from d to jsonl "o.jsonl"
sink dups from d.duplicates to jsonl "dups.jsonl"`;

test("dedup keeps the first record of each key within a batch", () => {
  const r = runnerFor(DEDUP).run({ sources: { s: [{ id: "a", n: 1 }, { id: "b", n: 2 }, { id: "a", n: 3 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ id: "a", n: 1 }, { id: "b", n: 2 }]);
  assert.equal(r.outputs.dups, [{ id: "a", n: 3 }]);
});

test("dedup remembers keys across runs and runners until `within` of the run clock has passed", () => {
  const runner = runnerFor(DEDUP);
  runner.run({ sources: { s: [{ id: "a" }] }, now: "2026-11-20T10:00:00Z" });
  let r = runner.run({ sources: { s: [{ id: "a" }, { id: "b" }] }, now: "2026-11-20T10:30:00Z" });
  assert.equal(r.outputs.o, [{ id: "b", n: null }]);
  // One chunk of keys per run, with the run clock they were first seen at.
  assert.equal(runner.state.dedup.d, [[Date.parse("2026-11-20T10:00:00Z"), ["a"]], [Date.parse("2026-11-20T10:30:00Z"), ["b"]]]);
  const next = createRunner(plan(DEDUP), { state: JSON.parse(JSON.stringify(runner.state)) });
  r = next.run({ sources: { s: [{ id: "a" }, { id: "b" }] }, now: "2026-11-20T11:00:00Z" });
  assert.equal(r.outputs.o, [{ id: "a", n: null }], "a expired after 1h; b has 30 minutes left");
  assert.equal(r.outputs.dups, [{ id: "b", n: null }]);
});

test("dedup keys __proto__, constructor, unicode and look-alikes stay distinct across runs", () => {
  const ids = ["__proto__", "constructor", "toString", "\u65e5\u672c", "e\u0301", "\u00e9", "", "s1:a", "a"];
  const runner = runnerFor(DEDUP);
  const r1 = runner.run({ sources: { s: ids.map((id) => ({ id })) }, now: NOW });
  assert.equal(r1.outputs.o!.map((x) => x.id), ids);
  const runner2 = createRunner(plan(DEDUP), { state: JSON.parse(JSON.stringify(runner.state)) });
  const r2 = runner2.run({ sources: { s: [...ids, "hasOwnProperty"].map((id) => ({ id })) }, now: NOW });
  assert.equal(r2.outputs.o!.map((x) => x.id), ["hasOwnProperty"]);
  assert.is(r2.outputs.dups!.length, ids.length);
  assert.is(r2.report.balanced, true);
});

test("dedup by several keys; an unconsumed duplicates port is counted", () => {
  const r = runnerFor(`stream t
source s { a string  b int? }
dedup d from s by a, b
sink o from d to jsonl "o.jsonl"`).run({ sources: { s: [{ a: "x", b: 1 }, { a: "x", b: 2 }, { a: "x", b: 1 }, { a: "x" }, { a: "x", b: null }] }, now: NOW });
  assert.equal(r.outputs.o, [{ a: "x", b: 1 }, { a: "x", b: 2 }, { a: "x", b: null }]);
  assert.equal(r.report.balance, { read: 5, created: 0, delivered: 3, absorbed: 0, duplicates: 2, rejected: 0, dropped: 0 });
});

const BALANCE = `stream t
source s { id string  acct string?  qty int }
validate v from s { require qty > 0 else "positive" }
dedup d from v by id
route r from d { when acct == null -> orphan  when qty > 100 -> big }
aggregate usage from r.big by acct { n = count()  qty = sum(qty) }
map per from usage for each k in ["a", "b"] { acct = acct  k = k }
sink totals from usage to jsonl "totals.jsonl"
sink items from per to jsonl "items.jsonl"
sink orphans from r.orphan to jsonl "orphans.jsonl"`;

test("the balance, hand-computed: read + created == delivered + absorbed + duplicates + rejected + dropped", () => {
  const r = runnerFor(BALANCE).run({
    sources: {
      s: [
        { id: "1", acct: "A", qty: 200 }, // big -> usage A
        { id: "2", acct: "A", qty: 300 }, // big -> usage A
        { id: "3", acct: "B", qty: 150 }, // big -> usage B
        { id: "1", acct: "A", qty: 200 }, // duplicate (counted)
        { id: "4", qty: 5 }, // orphan -> delivered
        { id: "5", acct: "C", qty: 5 }, // unmatched -> rejects
        { id: "6", acct: "C", qty: 0 }, // invalid -> rejects
        { id: "7", qty: "x" }, // undecodable -> rejects
      ],
    },
    now: NOW,
  });
  assert.equal(r.outputs.totals, [{ acct: "A", n: 2, qty: 500 }, { acct: "B", n: 1, qty: 150 }]);
  assert.equal(r.outputs.items, [{ acct: "A", k: "a" }, { acct: "A", k: "b" }, { acct: "B", k: "a" }, { acct: "B", k: "b" }]);
  assert.equal(r.outputs.orphans, [{ id: "4", acct: null, qty: 5 }]);
  assert.equal(r.rejects.map((x) => [x.step, x.port]), [["s", "invalid"], ["v", "invalid"], ["r", "unmatched"]]);
  // read 8; created: 2 sessions + 4 for-each items + 2 extra copies of usage (read by two steps) = 8;
  // delivered: 2 totals + 4 items + 1 orphan = 7; absorbed: 3 into sessions + 2 expanded = 5; duplicates 1; rejected 3.
  assert.equal(r.report.balance, { read: 8, created: 8, delivered: 7, absorbed: 5, duplicates: 1, rejected: 3, dropped: 0 });
  assert.is(r.report.balanced, true);
  const byStep = Object.fromEntries(r.report.steps.map((s) => [s.step, [s.in, s.out]]));
  assert.equal(byStep.d, [6, { main: 5, duplicates: 1 }]);
  assert.equal(byStep.r, [5, { unmatched: 1, orphan: 1, big: 3 }]);
});

test("determinism: the same stream, inputs, state and clock give deep-equal results", () => {
  const batch = { s: [{ id: "1", acct: "A", qty: 200 }, { id: "2", qty: 5 }, { id: "2", qty: 5 }, { id: "3", acct: "Z", qty: 1 }] };
  // Each runner reads its own fake timer, so the step times are equal too.
  const a = tunedRunner(plan(BALANCE), {}, { timer: countingTimer() });
  const b = tunedRunner(plan(BALANCE), {}, { timer: countingTimer() });
  for (const now of ["2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z"]) {
    const ra = a.run({ sources: batch, now });
    const rb = b.run({ sources: batch, now });
    assert.equal(ra, rb);
    assert.equal(a.state, b.state);
  }
  // Rerunning from the same saved state gives the same result again.
  const saved = JSON.parse(JSON.stringify(a.state));
  const c1 = tunedRunner(plan(BALANCE), { state: saved }, { timer: countingTimer() }).run({ sources: batch, now: "2026-11-22T00:00:00Z" });
  const c2 = tunedRunner(plan(BALANCE), { state: saved }, { timer: countingTimer() }).run({ sources: batch, now: "2026-11-22T00:00:00Z" });
  assert.equal(c1, c2);
  assert.ok(c1.report.steps.every((s) => s.ms > 0), "every step was timed");
});

test("step times in the report come from the timer the runner is given, charged to the step that works", () => {
  // A host function advances the fake clock: by 5 ms per record in `a`, by 1 ms in `b`.
  let clock = 0;
  const tick = { params: ["int", "int"], returns: "int", impl: (n: unknown, ms: unknown) => ((clock += ms as number), n as number) };
  const text = `stream t
source s { n int }
map a from s { n = tick(n, 5) }
map b from a { n = tick(n, 1) }
sink out from b to jsonl "out.jsonl"`;
  const c = compile(text, { filename: "t.stream", functions: { tick } });
  if (c._tag === "Left") throw new Error("does not compile");
  const runner = tunedRunner(c.right, {}, { timer: () => clock, chunkSize: 2 });
  const r = runner.run({ sources: { s: [{ n: 1 }, { n: 2 }, { n: 3 }] }, now: NOW });
  assert.equal(r.outputs.out, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(Object.fromEntries(r.report.steps.map((s) => [s.step, s.ms])), { s: 0, a: 15, b: 3, out: 0 });
  // Without a timer the runtime reads no clock: every step time is 0.
  const untimed = tunedRunner(c.right, {}, {}).run({ sources: { s: [{ n: 1 }] }, now: NOW });
  assert.ok(untimed.report.steps.every((s) => s.ms === 0));
});

test("a state handed back is never changed by later runs", () => {
  const runner = runnerFor(DEDUP);
  runner.run({ sources: { s: [{ id: "a" }] }, now: NOW });
  const before = runner.state;
  const snapshot = JSON.stringify(before);
  runner.run({ sources: { s: [{ id: "b" }] }, now: NOW });
  assert.is(JSON.stringify(before), snapshot);
  assert.ok(Object.isFrozen(before.dedup.d), "the state is frozen");
  // A run from the earlier state still sees only its keys.
  const r = createRunner(plan(DEDUP), { state: before }).run({ sources: { s: [{ id: "b" }] }, now: NOW });
  assert.equal(r.outputs.o, [{ id: "b", n: null }]);
});

const TABLES = `stream t
param limit int
param label string = "x"
table plans from csv "p.csv" key id { id string  price decimal }
source s { id string }
map m from s { p = plans[id].price  over = limit  l = label }
sink o from m to jsonl "o.jsonl"`;

function refusal(fn: () => unknown): RunnerError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, RunnerError);
    return e as RunnerError;
  }
  throw new assert.Assertion({ message: "expected a RunnerError", operator: "throws", expects: "RunnerError", actual: "nothing" });
}

test("createRunner: a missing table, a bad or missing param, an unknown param throw RunnerError listing every problem", () => {
  const e = refusal(() => createRunner(plan(TABLES), { params: { limit: "ten", colour: "red" } }));
  assert.equal(e.problems, ["param `limit`: expected int, got \"ten\"", "the stream declares no param `colour`", "table `plans` was not given"]);
  assert.match(e.message, "table `plans` was not given");
  const missing = refusal(() => createRunner(plan(TABLES), { tables: { plans: [] } }));
  assert.equal(missing.problems, ["param `limit` has no value; set it with --param limit=VALUE"]);
  const rows = refusal(() => createRunner(plan(TABLES), { params: { limit: 1 }, tables: { plans: [{ id: "a", price: "x" }, { id: "b", price: "1" }, { id: "b", price: "2" }] } }));
  assert.equal(rows.problems, ['table `plans`, row 1: price: expected decimal, got "x"', 'table `plans`, row 3: duplicate key "b"']);
  const ok = createRunner(plan(TABLES), { params: { limit: "10" }, tables: { plans: [{ id: "a", price: "1.50" }] } });
  assert.equal(ok.run({ sources: { s: [{ id: "a" }] }, now: NOW }).outputs.o, [{ p: "1.5", over: 10, l: "x" }]);
});

test("createRunner: a damaged state is refused, never silently reset", () => {
  const agg = `stream t
source s { k string }
aggregate a from s by k flush after 1h idle { n = count() }
sink o from a to jsonl "o.jsonl"`;
  for (const state of [{}, { version: 2, runs: 0, dedup: {}, sessions: {}, sources: {} }, { version: 1, runs: "1", dedup: {}, sessions: {}, sources: {} }, "garbage"]) {
    const e = refusal(() => createRunner(plan(agg), { state }));
    assert.match(e.message, "does not have the shape of a peppa-stream state");
  }
  const good = runnerFor(agg);
  good.run({ sources: { s: [{ k: "a" }] }, now: NOW });
  const damaged = JSON.parse(JSON.stringify(good.state));
  damaged.sessions.a[0].fields = [["not an accumulator"]];
  damaged.sessions.a[0].keys = [{ $bogus: 1 }];
  const e = refusal(() => createRunner(plan(agg), { state: damaged }));
  assert.match(e.message, "sessions of `a` do not fit this stream");
});

test("run: a bad clock or an unknown source is a RunnerError", () => {
  const runner = runnerFor(DEDUP);
  assert.match(refusal(() => runner.run({ now: "yesterday" })).message, "is not an ISO-8601 timestamp");
  assert.match(refusal(() => runner.run({ sources: { nope: [] }, now: NOW })).message, "the stream has no source `nope`");
  assert.is(runner.state.runs, 0, "a refused run changes nothing");
});


test("a sink with an encoder hands back its records' text, chunk by chunk, instead of its records", () => {
  const records = Array.from({ length: 5 }, (_, i) => ({ id: `k${i % 3}`, n: i }));
  const plain = tunedRunner(plan(DEDUP), {}, { chunkSize: 2 }).run({ sources: { s: records }, now: NOW });
  const chunks: number[] = [];
  const encode = { o: (rs: ReadonlyArray<unknown>) => (chunks.push(rs.length), rs.map((r) => JSON.stringify(r) + "\n").join("")) };
  const r = tunedRunner(plan(DEDUP), {}, { chunkSize: 2 }).run({ sources: { s: records }, now: NOW, encode });
  assert.is(r.outputs.o, undefined);
  const lines = plain.outputs.o!.map((x) => JSON.stringify(x) + "\n");
  assert.equal(r.texts!.o!.chunks, [lines[0]! + lines[1]!, lines[2]!], "one text per chunk, in order");
  assert.is(r.texts!.o!.text, lines.join(""));
  assert.is(r.texts!.o!.records, 3);
  assert.equal(chunks, [2, 1]);
  assert.equal(r.outputs.dups, plain.outputs.dups, "a sink without an encoder still hands back records");
  assert.equal(r.report.balance, plain.report.balance);
  assert.throws(() => runnerFor(DEDUP).run({ sources: {}, now: NOW, encode: { nope: () => "" } }), (e: unknown) => e instanceof RunnerError && /no sink `nope`/.test(e.message));
  assert.throws(() => runnerFor(DEDUP).run({ sources: {}, now: NOW, encode: { o: "jsonl" as never } }), (e: unknown) => e instanceof RunnerError && /must be a function/.test(e.message));
});

test("a released batch is emptied as the run decodes it, and the run gives what a copied one gives", () => {
  const batch = () => ({
    records: [{ id: "a", n: 1 }, { id: "b", n: "two" }, { id: "a", n: 3 }],
    origins: [{ file: "y.jsonl", line: 1 }, { file: "y.jsonl", line: 2 }, { file: "y.jsonl", line: 3 }],
    malformed: [{ file: "x.jsonl", line: 9, reason: "line 9: invalid JSON", text: "{" }, { file: "y.jsonl", line: 4, reason: "line 4: invalid JSON", text: "[" }],
  });
  const copied = batch();
  const kept = runnerFor(DEDUP).run({ sources: { s: copied }, now: NOW });
  assert.equal(copied.records.length, 3);
  assert.ok(copied.records.every((r) => r !== undefined), "a batch not released is left as it was");
  const given = { ...batch(), release: true };
  const r = runnerFor(DEDUP).run({ sources: { s: given }, now: NOW });
  assert.equal([...given.records], [undefined, undefined, undefined]);
  assert.equal([...given.origins], [undefined, undefined, undefined]);
  assert.equal(r.outputs, kept.outputs);
  assert.equal(r.rejects, kept.rejects, "rejects keep their files' order: y.jsonl (its records came first), then x.jsonl");
});

test.run();
