// Properties of peppa.stream over random Core and CPQ batches handed in as raw
// records, malformed ones included: the balance holds, reruns are
// deterministic, and a batch fed twice adds nothing to billing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createRunner, type Plan } from "../../src/index.js";
import { peppaTables, peppaText, plan } from "./helpers.js";

const PEPPA: Plan = plan(peppaText());
const TABLES = peppaTables();
const NOW = "2026-11-20T12:00:00Z";
const NOW_MS = Date.parse(NOW);

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -3 * 86_400_000, max: 3_600_000 }).map((d) => new Date(NOW_MS - d).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom("not a time", "", 42, null, "2026-11-20") },
);
const oddText = fc.constantFrom("__proto__", "constructor", "\u65e5\u672c", "", "toString");
const tenant = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TABLES.core_tenants!.map((r) => r.tenant!)) }, { weight: 1, arbitrary: fc.constantFrom("T-9123", "T-9999") }, { weight: 1, arbitrary: oddText });
const eventId = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 30 }).map((n) => `evt-1-${n}`) }, { weight: 1, arbitrary: fc.oneof(oddText, fc.constant("evt-x")) });

const coreEvent = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record(
      {
        event_id: eventId,
        tenant,
        user: fc.integer({ min: 1, max: 5 }).map((n) => `u-${n}`),
        event: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TABLES.funnel_events!.map((r) => r.code!)) }, { weight: 1, arbitrary: fc.constant("BOGUS") }),
        service: fc.constantFrom("svc-forms", "svc-chat"),
        at: time,
        extra: fc.constantFrom(1, "x"),
      },
      { requiredKeys: ["event_id", "tenant", "event", "at"] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constant("garbage"), fc.constant(null), fc.record({ event_id: fc.integer(), at: fc.boolean() })) },
);
const cpqEvent = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      quote_line: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 30 }).map((n) => `Q${n}`) }, { weight: 1, arbitrary: oddText }),
      cpq_account: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TABLES.cpq_accounts!.map((r) => r.cpq_account!)) }, { weight: 1, arbitrary: fc.constantFrom("CPQ/9001", "__proto__") }),
      stage: fc.constantFrom("quote_created", "quote_sent", "contract_signed"),
      component: fc.constantFrom("cpq-pricing", "cpq-docs"),
      occurred: time,
    }),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constant(7), fc.record({ quote_line: fc.constant(["Q1"]) })) },
);
const batch = fc.record({ core: fc.array(coreEvent, { maxLength: 25 }), cpq: fc.array(cpqEvent, { maxLength: 12 }) });

const runner = () => createRunner(PEPPA, { tables: TABLES });
const withoutTimings = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === "ms" ? 0 : v)));

test("the balance holds on every run, the final one included", () => {
  fc.assert(
    fc.property(fc.array(batch, { minLength: 1, maxLength: 3 }), (batches) => {
      const r = runner();
      for (const b of batches) {
        const res = r.run({ sources: b, now: NOW });
        if (!res.report.balanced) return false;
        const read = b.core.length + b.cpq.length;
        if (res.report.balance.read !== read) return false;
      }
      return r.finish().report.balanced;
    }),
    { numRuns: 60 },
  );
});

test("reruns are deterministic: two runners over the same batches give deep-equal results and states", () => {
  fc.assert(
    fc.property(fc.array(batch, { minLength: 1, maxLength: 2 }), (batches) => {
      const a = runner();
      const b = runner();
      for (const x of batches) {
        assert.equal(withoutTimings(a.run({ sources: x, now: NOW })), withoutTimings(b.run({ sources: x, now: NOW })));
      }
      assert.equal(a.state, b.state);
    }),
    { numRuns: 50 },
  );
});

test("a batch fed twice adds nothing to billing: every event of the second run is a duplicate or rejected", () => {
  fc.assert(
    fc.property(batch, (b) => {
      const r = runner();
      const first = r.run({ sources: b, now: NOW });
      const second = r.run({ sources: b, now: NOW });
      assert.equal(second.outputs.billing, []);
      assert.equal(second.outputs.analytics, []);
      assert.equal(second.outputs.reconciliation, []);
      const passedValidation = first.report.steps.filter((s) => s.step === "core_events" || s.step === "cpq_events").reduce((n, s) => n + s.in, 0);
      assert.is(second.report.balance.duplicates, passedValidation);
      assert.is(second.report.balance.rejected, first.report.balance.rejected);
      assert.ok(second.report.balanced);
    }),
    { numRuns: 60 },
  );
});

test.run();
