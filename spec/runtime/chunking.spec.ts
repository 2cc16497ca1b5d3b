// Records move between steps in chunks (run.ts). Whatever the chunk size, a run
// gives exactly what one pass over the whole batch gives: the same outputs in
// the same order, rejects, audit events, port contents, report and state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { Plan } from "../../src/index.js";
import { NOW, peppaTables, peppaText, plan, tunedRunner } from "./helpers.js";

/** Every run (and the final flush) with chunks of 1, 3 and 10,000 records gives the same result. */
function sameForEveryChunkSize(p: Plan, tables: Record<string, unknown[]>, batches: ReadonlyArray<Record<string, unknown[]>>): void {
  const results = [1, 3, 10_000].map((size) => {
    // No timer: every step time is 0, so whole results compare.
    const r = tunedRunner(p, { tables }, { chunkSize: size });
    const out = batches.map((sources) => r.run({ sources, now: NOW, capture: true }));
    out.push(r.finish());
    return { out, state: r.state };
  });
  assert.equal(results[1], results[0]);
  assert.equal(results[2], results[0]);
}

// Branches of one source split and joined again in the other order, a sink
// reading two inputs, an aggregate behind a merge, and unconsumed ports.
const FAN = `stream fan
source s { id string  n int  g string }
route r from s { when n > 10 -> big  when n > 0 -> small }
map big2 from r.big { id = id  n = n * 2  g = g }
merge back from r.small, big2, r.big
audit seen from back { kind = "seen"  id = id }
aggregate per_g from seen by g { total = sum(n)  ids = collect_set(id) }
dedup once from s by g within 1d
sink all from seen, r.small to jsonl "all.jsonl"
sink totals from per_g to jsonl "totals.jsonl"
sink firsts from once to jsonl "firsts.jsonl"`;

const record = fc.oneof(
  { weight: 8, arbitrary: fc.record({ id: fc.constantFrom("a", "b", "c", "__proto__"), n: fc.integer({ min: -5, max: 20 }), g: fc.constantFrom("x", "y", "z") }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("junk", { id: "d", n: "many", g: "x" }) },
);

test("fan-out and join: the same results whatever the chunk size", () => {
  const p = plan(FAN);
  fc.assert(
    fc.property(fc.array(fc.array(record, { maxLength: 30 }), { minLength: 1, maxLength: 3 }), (batches) => {
      sameForEveryChunkSize(
        p,
        {},
        batches.map((s) => ({ s })),
      );
    }),
    { numRuns: 60 },
  );
});

test("peppa.stream: the same results whatever the chunk size", () => {
  const p = plan(peppaText());
  const tables = peppaTables();
  const tenants = tables.core_tenants!.map((r) => r.tenant!);
  const accounts = tables.cpq_accounts!.map((r) => r.cpq_account!);
  const core = fc.record({
    event_id: fc.integer({ min: 1, max: 40 }).map((n) => `evt-1-${n}`),
    tenant: fc.oneof(fc.constantFrom(...tenants), fc.constant("T-9999")),
    user: fc.constant("u-1"),
    event: fc.constantFrom("BOGUS", ...tables.funnel_events!.map((r) => r.code!)),
    service: fc.constantFrom("svc-forms", "svc-chat"),
    at: fc.integer({ min: 0, max: 3 * 86_400_000 }).map((d) => new Date(Date.parse(NOW) - d).toISOString()),
  });
  const cpq = fc.record({
    quote_line: fc.integer({ min: 1, max: 20 }).map((n) => `Q${n}`),
    cpq_account: fc.oneof(fc.constantFrom(...accounts), fc.constant("CPQ/9001")),
    stage: fc.constantFrom("quote_created", "quote_sent"),
    component: fc.constantFrom("cpq-pricing", "cpq-docs"),
    occurred: fc.constantFrom("2026-11-19T08:00:00Z", "2026-12-01T00:00:00Z", "nope"),
  });
  fc.assert(
    fc.property(fc.array(fc.record({ core: fc.array(core, { maxLength: 40 }), cpq: fc.array(cpq, { maxLength: 15 }) }), { minLength: 1, maxLength: 2 }), (batches) => {
      sameForEveryChunkSize(p, tables, batches);
    }),
    { numRuns: 40 },
  );
});

test.run();
