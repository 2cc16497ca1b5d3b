// Event time: an aggregate whose clock is its watermark (the largest event time
// it has seen minus its lateness), session windows closed by later records,
// late records to `NAME.late` or to rejects, the watermark in the state, and the
// property that order and the split into runs change nothing while no record is
// later than the lateness.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createRunner, type JsonRecord } from "../../src/index.js";
import { plan, runnerFor, tunedRunner, NOW } from "./helpers.js";

const SESSIONS = `stream t
source s { k string  at timestamp  qty int }
aggregate a from s by k event time at flush after 1h idle { n = count()  qty = sum(qty)  first_at = min(at)  last_at = max(at) }
sink o from a to jsonl "o.jsonl"`;

const at = (hhmm: string) => `2026-11-20T${hhmm}:00Z`;
const iso = (hhmm: string) => `2026-11-20T${hhmm}:00.000Z`;

test("an idle session is closed by a later record's event time in the same run", () => {
  const runner = runnerFor(SESSIONS);
  const r = runner.run({
    sources: { s: [{ k: "a", at: at("10:00"), qty: 1 }, { k: "a", at: at("10:30"), qty: 2 }, { k: "b", at: at("11:45"), qty: 5 }] },
    now: NOW,
  });
  // b's event time moves the watermark to 11:45, past a's last event (10:30) + 1h; b stays open.
  assert.equal(r.outputs.o, [{ k: "a", n: 2, qty: 3, first_at: iso("10:00"), last_at: iso("10:30") }]);
  assert.equal(r.report.openSessions, { a: 1 });
  assert.equal(runner.state.watermarks, { a: Date.parse(at("11:45")) });
  assert.is(r.report.balanced, true);
});

test("without event time the same records stay in one session until the run clock says so (as before)", () => {
  const r = runnerFor(SESSIONS.replace(" event time at", "")).run({
    sources: { s: [{ k: "a", at: at("10:00"), qty: 1 }, { k: "b", at: at("11:45"), qty: 5 }] },
    now: NOW,
  });
  assert.equal(r.outputs.o, []);
  assert.equal(r.report.balance.late, undefined, "no late term without an event-time aggregate");
});

test("a gap of the idle duration or more starts a new session window of the same key, and a record between two joins them", () => {
  const runner = runnerFor(SESSIONS.replace("event time at", "event time at lateness 3h"));
  let r = runner.run({ sources: { s: [{ k: "a", at: at("10:00"), qty: 1 }, { k: "a", at: at("11:30"), qty: 2 }] }, now: NOW });
  assert.equal(r.outputs.o, []);
  assert.equal(r.report.openSessions, { a: 2 }, "two windows of key a");
  // 10:45 is within 1h of both windows: they become one.
  r = runner.run({ sources: { s: [{ k: "a", at: at("10:45"), qty: 4 }] }, now: NOW });
  assert.equal(r.report.openSessions, { a: 1 });
  r = runner.finish();
  assert.equal(r.outputs.o, [{ k: "a", n: 3, qty: 7, first_at: iso("10:00"), last_at: iso("11:30") }]);
});

test("records out of order within the lateness join their session", () => {
  const runner = runnerFor(`stream t
source s { k string  at timestamp  qty int }
aggregate a from s by k, period = month(at) event time at lateness 2d flush at end_of_month(period) + 1d { n = count()  qty = sum(qty) }
sink o from a to jsonl "o.jsonl"`);
  const r = runner.run({
    sources: {
      s: [
        { k: "a", at: "2026-10-30T10:00:00Z", qty: 1 },
        { k: "a", at: "2026-11-02T10:00:00Z", qty: 10 },
        // Behind the latest event by 3 days, but the watermark (Nov 2 minus 2d = Oct 31) has not reached Oct's flush time (Nov 2).
        { k: "a", at: "2026-10-30T09:00:00Z", qty: 2 },
        { k: "a", at: "2026-11-04T00:00:00Z", qty: 20 },
      ],
    },
    now: NOW,
  });
  // The last record moves the watermark to Nov 2 00:00: October's session (due Nov 2) is flushed.
  assert.equal(r.outputs.o, [{ k: "a", period: "2026-10-01T00:00:00.000Z", n: 2, qty: 3 }]);
  assert.equal(r.ports, undefined);
  assert.equal(r.rejects, []);
  assert.is(r.report.balance.late, 0);
});

const LATE = `stream t
source s { k string  at timestamp  qty int }
aggregate a from s by k, period = month(at) event time at lateness 1d flush at end_of_month(period) + 1d { n = count() }
sink o from a to jsonl "o.jsonl"`;

const LATE_RECORDS = [
  { k: "a", at: "2026-10-30T10:00:00Z", qty: 1 },
  { k: "a", at: "2026-11-06T04:00:00Z", qty: 1 },
  { k: "a", at: "2026-10-31T10:00:00Z", qty: 1 },
];

test("a late record goes to rejects with its reason when nothing reads `late`, never into a second session", () => {
  const runner = runnerFor(LATE);
  const r = runner.run({ sources: { s: LATE_RECORDS }, now: NOW });
  assert.equal(r.outputs.o, [{ k: "a", period: "2026-10-01T00:00:00.000Z", n: 1 }]);
  assert.equal(r.rejects, [
    {
      step: "a",
      port: "late",
      run: 1,
      errors: [{ rule: "late", message: "late by 3d 4h: session closed at 2026-11-02T00:00:00.000Z" }],
      record: { k: "a", at: "2026-10-31T10:00:00.000Z", qty: 1 },
    },
  ]);
  assert.equal(r.report.steps.find((s) => s.step === "a")!.out, { main: 1, late: 1 });
  assert.equal(r.report.balance, { read: 3, created: 1, delivered: 1, absorbed: 2, duplicates: 0, rejected: 1, dropped: 0, late: 1 });
  assert.is(r.report.balanced, true);
  // The final flush emits November's session only: October's late record opened nothing.
  assert.equal(runner.finish().outputs.o, [{ k: "a", period: "2026-11-01T00:00:00.000Z", n: 1 }]);
});

test("a late record goes to the `late` port when a step reads it, typed as the aggregate's input", () => {
  const r = runnerFor(`${LATE}
map recon from a.late { k = k  at = at  why = "late" }
sink late_out from recon to jsonl "late.jsonl"`).run({ sources: { s: LATE_RECORDS }, now: NOW });
  assert.equal(r.outputs.late_out, [{ k: "a", at: "2026-10-31T10:00:00.000Z", why: "late" }]);
  assert.equal(r.rejects, []);
  assert.equal(r.report.balance, { read: 3, created: 1, delivered: 2, absorbed: 2, duplicates: 0, rejected: 0, dropped: 0, late: 1 });
});

test("a record without an event time goes to `late` with that reason", () => {
  const r = runnerFor(`stream t
source s { k string  at timestamp?  qty int }
aggregate a from s by k event time at flush after 1h idle { n = count() }
sink o from a to jsonl "o.jsonl"`).run({ sources: { s: [{ k: "a", qty: 1 }] }, now: NOW });
  assert.equal(r.rejects.map((x) => x["errors"]), [[{ rule: "late", message: "no event time: it is null, so the record has no place in any session" }]]);
  assert.is(r.report.balanced, true);
});

test("the watermark lives in the state: a record late against an earlier runner's watermark is late", () => {
  const first = runnerFor(LATE);
  first.run({ sources: { s: LATE_RECORDS.slice(0, 2) }, now: NOW });
  const saved = JSON.parse(JSON.stringify(first.state));
  assert.equal(saved.watermarks, { a: Date.parse("2026-11-05T04:00:00Z") });
  const second = createRunner(plan(LATE), { state: saved });
  const r = second.run({ sources: { s: LATE_RECORDS.slice(2) }, now: NOW });
  assert.equal(r.rejects.length, 1);
  assert.is((r.rejects[0]!["errors"] as JsonRecord[])[0]!["message"], "late by 3d 4h: session closed at 2026-11-02T00:00:00.000Z");
});

test("a state without watermarks (written before event time) reads as none yet", () => {
  const first = runnerFor(LATE);
  first.run({ sources: { s: LATE_RECORDS.slice(0, 1) }, now: NOW });
  const { watermarks: _, ...old } = JSON.parse(JSON.stringify(first.state));
  const r = createRunner(plan(LATE), { state: old }).run({ sources: { s: LATE_RECORDS.slice(1) }, now: NOW });
  // With no watermark carried over, the Nov 6 record sets it, and the Oct 31 record after it is still late.
  assert.equal(r.rejects.length, 1);
  assert.throws(() => createRunner(plan(LATE), { state: { ...old, watermarks: { a: "soon" } } }), /shape of a peppa-stream state/);
});

// ---------------------------------------------------------------- the property

const PROP = `stream t
source s { k string  at timestamp  qty int }
aggregate by_day from s by k, day = day(at) event time at lateness 6h flush at day + 1d { n = count()  qty = sum(qty)  lo = min(at)  hi = max(at) }
aggregate sess from s by k event time at lateness 6h flush after 2h idle { n = count()  qty = sum(qty)  lo = min(at)  hi = max(at) }
sink days from by_day to jsonl "days.jsonl"
sink sessions from sess to jsonl "sessions.jsonl"`;

const HOUR = 3_600_000;
const BASE = Date.parse("2026-11-20T00:00:00Z");

interface Event { k: string; ms: number; qty: number }

/** Runs the records in `order`, split into runs at `cuts`, the last run final; everything flushed and late, sorted. */
function outcome(records: ReadonlyArray<Event>, cuts: ReadonlyArray<number>, chunkSize: number): { days: string[]; sessions: string[]; late: string[] } {
  const runner = tunedRunner(plan(PROP), {}, { chunkSize });
  const bounds = [...new Set([0, ...cuts.filter((c) => c > 0 && c < records.length), records.length])].sort((a, b) => a - b);
  const days: string[] = [];
  const sessions: string[] = [];
  const late: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const batch = records.slice(bounds[i], bounds[i + 1]).map((e) => ({ k: e.k, at: new Date(e.ms).toISOString(), qty: e.qty }));
    const r = runner.run({ sources: { s: batch }, now: NOW, final: i + 2 === bounds.length });
    days.push(...(r.outputs.days ?? []).map((x) => JSON.stringify(x)));
    sessions.push(...(r.outputs.sessions ?? []).map((x) => JSON.stringify(x)));
    late.push(...r.rejects.map((x) => JSON.stringify([x["step"], x["record"]])));
    assert.is(r.report.balanced, true);
  }
  return { days: days.sort(), sessions: sessions.sort(), late: late.sort() };
}

/** Records in event-time order, then shuffled only within the lateness: none arrives after one more than 6h later. */
const events = fc
  .array(fc.record({ k: fc.constantFrom("a", "b"), step: fc.integer({ min: 0, max: 5 * HOUR }), qty: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 25 })
  .map((xs) => {
    let t = BASE;
    return xs.map((x) => ((t += x.step), { k: x.k, ms: t, qty: x.qty }));
  });

function withinLateness(order: ReadonlyArray<Event>): boolean {
  let max = -Infinity;
  for (const e of order) {
    if (e.ms < max - 6 * HOUR) return false;
    max = Math.max(max, e.ms);
  }
  return true;
}

test("property: any order within the lateness and any split into runs (and any chunk size) gives the same sessions, none late", () => {
  fc.assert(
    fc.property(
      events,
      fc.array(fc.integer({ min: 0, max: 1_000_000 })),
      fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 4 }),
      fc.constantFrom(1, 2, 2048),
      (sorted, noise, cuts, chunk) => {
        // A reordering: each record moves back among those within 6h before it.
        const order = sorted.map((e, i) => ({ e, key: e.ms - ((noise[i] ?? 0) % (6 * HOUR)) })).sort((a, b) => a.key - b.key).map((x) => x.e);
        fc.pre(withinLateness(order));
        const expected = outcome(sorted, [], 2048);
        const actual = outcome(order, cuts, chunk);
        assert.equal(actual, expected);
        assert.equal(actual.late, []);
      },
    ),
    { numRuns: 60 },
  );
});

test("property: a record later than the lateness is late in exactly the orders where its session is due, and then never in a second session", () => {
  fc.assert(
    fc.property(events, fc.nat(), fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 3 }), (sorted, pick, cuts) => {
      // Move one record to the end: it may now be behind the watermark.
      const i = pick % sorted.length;
      const order = [...sorted.slice(0, i), ...sorted.slice(i + 1), sorted[i]!];
      const r = outcome(order, cuts, 2048);
      const e = sorted[i]!;
      const others = order.slice(0, -1);
      // The watermark when it arrives: the largest event time before it minus the lateness (none before the first record).
      const watermark = others.length ? Math.max(...others.map((x) => x.ms)) - 6 * HOUR : -Infinity;
      const dayDue = Math.floor(e.ms / 86_400_000) * 86_400_000 + 86_400_000 <= watermark;
      const record = JSON.stringify({ k: e.k, at: new Date(e.ms).toISOString(), qty: e.qty });
      const lateIn = r.late.filter((x) => x.includes(record.slice(1, -1)));
      assert.is(lateIn.some((x) => x.startsWith('["by_day"')), dayDue);
      // Everything is counted once: records in sessions plus late records are all the records.
      const count = (xs: string[]) => xs.reduce((n, x) => n + (JSON.parse(x) as { n: number }).n, 0);
      assert.is(count(r.days) + r.late.filter((x) => x.startsWith('["by_day"')).length, sorted.length);
      assert.is(count(r.sessions) + r.late.filter((x) => x.startsWith('["sess"')).length, sorted.length);
    }),
    { numRuns: 60 },
  );
});

test.run();
