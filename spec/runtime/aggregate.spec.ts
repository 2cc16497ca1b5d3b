// aggregate: every aggregate function, drill-downs, flush triggers, and
// sessions carried in the state from run to run and runner to runner.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createRunner, type JsonRecord } from "../../src/index.js";
import { plan, runnerFor, NOW } from "./helpers.js";

const ALL = `stream t
source s { acct string  kind string?  qty int?  amount decimal?  at timestamp }
aggregate a from s by acct, day = day(at) {
  n        = count()
  nq       = count(qty)
  total    = sum(qty)
  money    = sum(amount)
  lo       = min(qty)
  hi       = max(at)
  mean     = avg(qty)
  firstk   = first(kind)
  lastk    = last(kind)
  kinds    = count_distinct(kind)
  set      = collect_set(kind)
  per_kind = sum(qty) by kind
  ratio    = sum(qty) * 100 / count()
}
sink o from a to jsonl "o.jsonl"`;

const RECORDS = [
  { acct: "A", kind: "x", qty: 1, amount: "0.10", at: "2026-11-20T01:00:00Z" },
  { acct: "A", kind: "y", qty: 2, amount: "0.20", at: "2026-11-20T05:00:00Z" },
  { acct: "B", qty: 5, at: "2026-11-20T03:00:00Z" },
  { acct: "A", kind: "x", amount: "0.30", at: "2026-11-20T02:00:00Z" },
  { acct: "A", kind: "z", qty: 4, at: "2026-11-19T23:00:00Z" },
];

test("every aggregate function, nulls skipped, decimals exact (int / int too), key fields first, sessions in opening order", () => {
  const r = runnerFor(ALL).run({ sources: { s: RECORDS }, now: NOW });
  assert.equal(r.outputs.o, [
    { acct: "A", day: "2026-11-20T00:00:00.000Z", n: 3, nq: 2, total: 3, money: "0.6", lo: 1, hi: "2026-11-20T05:00:00.000Z", mean: "1.5", firstk: "x", lastk: "x", kinds: 2, set: ["x", "y"], per_kind: { x: 1, y: 2 }, ratio: "100" },
    { acct: "B", day: "2026-11-20T00:00:00.000Z", n: 1, nq: 1, total: 5, money: null, lo: 5, hi: "2026-11-20T03:00:00.000Z", mean: "5", firstk: null, lastk: null, kinds: 0, set: [], per_kind: { null: 5 }, ratio: "500" },
    { acct: "A", day: "2026-11-19T00:00:00.000Z", n: 1, nq: 1, total: 4, money: null, lo: 4, hi: "2026-11-19T23:00:00.000Z", mean: "4", firstk: "z", lastk: "z", kinds: 1, set: ["z"], per_kind: { z: 4 }, ratio: "400" },
  ]);
  assert.equal(Object.keys(r.outputs.o![0]!).slice(0, 2), ["acct", "day"]);
  assert.equal(r.report.balance, { read: 5, created: 3, delivered: 3, absorbed: 5, duplicates: 0, rejected: 0, dropped: 0 });
  assert.equal(r.report.openSessions, { a: 0 });
});

test("sum of decimals never rounds", () => {
  const r = runnerFor(`stream t
source s { k string  v decimal }
aggregate a from s by k { total = sum(v)  lo = min(v)  hi = max(v) }
sink o from a to jsonl "o.jsonl"`).run({ sources: { s: Array.from({ length: 10 }, () => ({ k: "k", v: "0.1" })).concat([{ k: "k", v: "12345678901234567890.01" }]) }, now: NOW });
  assert.equal(r.outputs.o, [{ k: "k", total: "12345678901234567891.01", lo: "0.1", hi: "12345678901234567890.01" }]);
});

test("drill-down maps of other aggregates, and their keys sorted", () => {
  const r = runnerFor(`stream t
source s { k string  svc string  qty int }
aggregate a from s by k { n = count() by svc  top = max(qty) by svc  seen = collect_set(qty) by svc }
sink o from a to jsonl "o.jsonl"`).run({ sources: { s: [{ k: "k", svc: "z", qty: 1 }, { k: "k", svc: "a", qty: 3 }, { k: "k", svc: "z", qty: 2 }, { k: "k", svc: "\u00e9", qty: 9 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ k: "k", n: { a: 1, z: 2, "\u00e9": 1 }, top: { a: 3, z: 2, "\u00e9": 9 }, seen: { a: [3], z: [1, 2], "\u00e9": [9] } }]);
});

const IDLE = `stream t
source s { k string }
aggregate a from s by k flush after 2h idle { n = count() }
sink o from a to jsonl "o.jsonl"`;

test("flush after D idle, by the run clock; sessions live in runner.state in between", () => {
  const runner = runnerFor(IDLE);
  let r = runner.run({ sources: { s: [{ k: "a" }, { k: "b" }] }, now: "2026-11-20T00:00:00Z" });
  assert.equal(r.outputs.o, []);
  assert.equal(r.report.openSessions, { a: 2 });
  assert.is(runner.state.sessions.a!.length, 2);
  assert.is(r.report.balanced, true);
  r = runner.run({ sources: { s: [{ k: "b" }] }, now: "2026-11-20T01:00:00Z" });
  assert.equal(r.outputs.o, []);
  r = runner.run({ sources: {}, now: "2026-11-20T02:00:00Z" });
  assert.equal(r.outputs.o, [{ k: "a", n: 1 }], "a was idle 2h; b only 1h");
  assert.equal(r.report.balance, { read: 0, created: 1, delivered: 1, absorbed: 0, duplicates: 0, rejected: 0, dropped: 0 });
  r = runner.run({ sources: {}, now: "2026-11-20T03:00:00Z" });
  assert.equal(r.outputs.o, [{ k: "b", n: 2 }]);
  assert.equal(runner.state.sessions.a, []);
});

test("sessions survive a JSON round trip of the state into a new runner, and finish() flushes the rest", () => {
  const first = runnerFor(IDLE);
  first.run({ sources: { s: [{ k: "a" }, { k: "b" }, { k: "a" }] }, now: "2026-11-20T00:00:00Z" });
  const saved = JSON.parse(JSON.stringify(first.state));
  const second = createRunner(plan(IDLE), { state: saved });
  assert.is(second.state.runs, 1);
  let r = second.run({ sources: { s: [{ k: "a" }] }, now: "2026-11-20T01:00:00Z" });
  assert.equal(r.report.run, 2);
  assert.equal(r.outputs.o, []);
  r = second.finish();
  assert.equal(r.outputs.o, [{ k: "a", n: 3 }, { k: "b", n: 1 }]);
  assert.equal(r.report.openSessions, { a: 0 });
  assert.is(r.report.balanced, true);
  assert.is(r.report.now, "2026-11-20T01:00:00.000Z", "finish runs at the last run's clock");
  assert.equal(second.finish().outputs.o, [], "nothing left to flush");
});

test("finish() before any run needs a clock rather than assuming one", () => {
  const runner = createRunner(plan(IDLE), {});
  assert.throws(() => runner.finish(), (e: Error) => e.name === "RunnerError" && /needs a clock/.test(e.message));
  assert.is(runner.finish({ now: "2026-11-20T00:00:00Z" }).report.now, "2026-11-20T00:00:00.000Z");
});

test("flush at EXPR of the key fields (end of month + 2d), whichever trigger comes first", () => {
  const runner = runnerFor(`stream t
source s { k string  at timestamp }
aggregate a from s by k, period = month(at) flush at end_of_month(period) + 2d, after 60d idle { n = count() }
sink o from a to jsonl "o.jsonl"`);
  runner.run({ sources: { s: [{ k: "a", at: "2026-10-31T23:00:00Z" }, { k: "a", at: "2026-11-01T00:00:00Z" }] }, now: "2026-11-01T01:00:00Z" });
  let r = runner.run({ sources: {}, now: "2026-11-02T23:59:59Z" });
  assert.equal(r.outputs.o, []);
  r = runner.run({ sources: {}, now: "2026-11-03T00:00:00Z" });
  assert.equal(r.outputs.o, [{ k: "a", period: "2026-10-01T00:00:00.000Z", n: 1 }]);
  r = runner.run({ sources: {}, now: "2026-12-03T00:00:00Z" });
  assert.equal(r.outputs.o, [{ k: "a", period: "2026-11-01T00:00:00.000Z", n: 1 }]);
});

test("flush when EXPR over the session's fields", () => {
  const runner = runnerFor(`stream t
source s { k string  qty int }
aggregate a from s by k flush when total >= 10 { total = sum(qty)  n = count() }
sink o from a to jsonl "o.jsonl"`);
  let r = runner.run({ sources: { s: [{ k: "a", qty: 4 }, { k: "b", qty: 12 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ k: "b", total: 12, n: 1 }]);
  r = runner.run({ sources: { s: [{ k: "a", qty: 6 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ k: "a", total: 10, n: 2 }]);
  assert.equal(r.report.openSessions, { a: 0 });
});

test("flush each run is the default; group keys with odd characters stay distinct", () => {
  const runner = runnerFor(`stream t
source s { k string?  j int? }
aggregate a from s by k, j { n = count() }
sink o from a to jsonl "o.jsonl"`);
  const keys = [{ k: "__proto__" }, { k: "constructor" }, { k: "\u65e5\u672c" }, { k: "1", j: 1 }, { k: "1" }, { j: 1 }, {}, { k: "__proto__" }, { k: "a,b" }, { k: "a", j: null }];
  const r = runner.run({ sources: { s: keys }, now: NOW });
  assert.equal(r.outputs.o!.map((x) => JSON.stringify(x)), [
    '{"k":"__proto__","j":null,"n":2}',
    '{"k":"constructor","j":null,"n":1}',
    '{"k":"\u65e5\u672c","j":null,"n":1}',
    '{"k":"1","j":1,"n":1}',
    '{"k":"1","j":null,"n":1}',
    '{"k":null,"j":1,"n":1}',
    '{"k":null,"j":null,"n":1}',
    '{"k":"a,b","j":null,"n":1}',
    '{"k":"a","j":null,"n":1}',
  ]);
  assert.equal(runner.state.sessions.a, []);
});

test("sessions keyed by a timestamp, a decimal and look-alike strings are found again after the state's JSON round trip", () => {
  const text = `stream t
source s { k string?  d decimal?  at timestamp }
aggregate a from s by k, d, day = day(at) flush after 2h idle { n = count() }
sink o from a to jsonl "o.jsonl"`;
  const records = [
    { k: "\u0000s1:x", d: "1.0", at: "2026-11-20T01:00:00Z" },
    { k: "x", d: "1", at: "2026-11-20T02:00:00Z" },
    { k: "\u0000", at: "2026-11-20T03:00:00Z" },
    { k: "", at: "2026-11-20T03:00:00Z" },
    { d: "1.00", at: "2026-11-19T03:00:00Z" },
  ];
  const first = runnerFor(text);
  assert.equal(first.run({ sources: { s: records }, now: "2026-11-20T10:00:00Z" }).outputs.o, []);
  const second = createRunner(plan(text), { state: JSON.parse(JSON.stringify(first.state)) });
  second.run({ sources: { s: records }, now: "2026-11-20T11:00:00Z" });
  assert.equal(second.state.sessions.a!.length, 5, "the second run found the five sessions of the first");
  const r = second.finish();
  assert.equal(r.outputs.o!.map((x) => [x.k, x.d, x.day, x.n]), [
    ["\u0000s1:x", "1", "2026-11-20T00:00:00.000Z", 2],
    ["x", "1", "2026-11-20T00:00:00.000Z", 2],
    ["\u0000", null, "2026-11-20T00:00:00.000Z", 2],
    ["", null, "2026-11-20T00:00:00.000Z", 2],
    [null, "1", "2026-11-19T00:00:00.000Z", 2],
  ]);
});

// A drill-down keeps few sub-keys in a flat list and many in a Map (src/runtime/ops/aggregate.ts,
// ByKey): from 0 to 20 sub-keys per session, across runs and state round trips, windows joined
// by a record between them, its results are the counts and sums one pass over the records gives.
const DRILL = `stream t
source s { k string  svc string  qty int  at timestamp }
aggregate a from s by k event time at flush after 1h idle {
  n   = count() by svc
  tot = sum(qty) by svc
  hi  = max(qty) by svc
  mix = sum(qty) - count() by svc
}
sink o from a to jsonl "o.jsonl"
sink l from a.late to jsonl "l.jsonl"`;

const drillRecord = fc.record({
  k: fc.constantFrom("a", "b"),
  svc: fc.integer({ min: 0, max: 19 }).map((i) => `s${i}`),
  qty: fc.integer({ min: -3, max: 9 }),
  // Minutes of one day: records 1h apart open windows that a record between them joins.
  at: fc.integer({ min: 0, max: 100 }).map((m) => new Date(Date.parse("2026-11-20T00:00:00Z") + m * 60_000).toISOString()),
});

test("drill-downs of 0 to 20 sub-keys: per key and sub-key, emitted sessions and late records add up to the records", () => {
  const p = plan(DRILL);
  fc.assert(
    fc.property(fc.array(fc.array(drillRecord, { maxLength: 50 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (runs, roundTrip) => {
      let runner = createRunner(p);
      const emitted: JsonRecord[] = [];
      const late: JsonRecord[] = [];
      for (const batch of runs) {
        const r = runner.run({ sources: { s: batch }, now: NOW });
        emitted.push(...(r.outputs.o as JsonRecord[]));
        late.push(...(r.outputs.l as JsonRecord[]));
        if (roundTrip) runner = createRunner(p, { state: JSON.parse(JSON.stringify(runner.state)) });
      }
      const end = runner.finish({ now: NOW });
      emitted.push(...(end.outputs.o as JsonRecord[]));
      // One pass: per key and sub-key, what every record not turned away as late adds.
      const want = new Map<string, { n: number; tot: number; hi: number }>();
      const lateCount = new Map<string, number>();
      for (const r of late) lateCount.set(`${r["k"]}/${r["svc"]}/${r["qty"]}`, (lateCount.get(`${r["k"]}/${r["svc"]}/${r["qty"]}`) ?? 0) + 1);
      for (const r of runs.flat()) {
        const id = `${r.k}/${r.svc}/${r.qty}`;
        if ((lateCount.get(id) ?? 0) > 0) {
          lateCount.set(id, lateCount.get(id)! - 1);
          continue;
        }
        const w = want.get(`${r.k}/${r.svc}`) ?? { n: 0, tot: 0, hi: -Infinity };
        want.set(`${r.k}/${r.svc}`, { n: w.n + 1, tot: w.tot + r.qty, hi: Math.max(w.hi, r.qty) });
      }
      const got = new Map<string, { n: number; tot: number; hi: number }>();
      for (const s of emitted) {
        const n = s["n"] as Record<string, number>;
        const keys = Object.keys(n);
        assert.equal(keys, [...keys].sort(), "sub-keys sorted");
        assert.equal(Object.keys(s["tot"] as object), keys);
        for (const svc of keys) {
          const tot = (s["tot"] as Record<string, number>)[svc]!;
          assert.is((s["mix"] as Record<string, number>)[svc], tot - n[svc]!);
          const g = got.get(`${s["k"]}/${svc}`) ?? { n: 0, tot: 0, hi: -Infinity };
          got.set(`${s["k"]}/${svc}`, { n: g.n + n[svc]!, tot: g.tot + tot, hi: Math.max(g.hi, (s["hi"] as Record<string, number>)[svc]!) });
        }
      }
      assert.equal(new Map([...got].sort()), new Map([...want].sort()));
      assert.is(end.report.balanced, true);
    }),
    { numRuns: 150 },
  );
});

test("a session with more sub-keys than a flat list holds keeps every one, in the state too", () => {
  const p = plan(DRILL);
  const batch = Array.from({ length: 20 }, (_, i) => ({ k: "a", svc: `s${19 - i}`, qty: i, at: "2026-11-20T00:00:00Z" }));
  const first = createRunner(p);
  first.run({ sources: { s: batch.slice(0, 12) }, now: NOW });
  const second = createRunner(p, { state: JSON.parse(JSON.stringify(first.state)) });
  second.run({ sources: { s: batch.slice(12) }, now: NOW });
  const [session] = second.finish({ now: NOW }).outputs.o as JsonRecord[];
  const n = session!["n"] as Record<string, number>;
  assert.is(Object.keys(n).length, 20);
  assert.equal(Object.keys(n), batch.map((r) => r.svc).sort());
  assert.equal((session!["tot"] as Record<string, number>)["s0"], 19);
});

test.run();
