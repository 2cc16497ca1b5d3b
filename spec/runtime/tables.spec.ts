// Lookup tables keep only the columns a stream reads: what a stream sees of a
// table, which rows are refused, and random_key, are the same as with every column.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createRunner, type Plan } from "../../src/index.js";
import { buildTable } from "../../src/runtime/tables.js";
import { plan, NOW } from "./helpers.js";

const keptOf = (p: Plan, table: string): ReadonlyArray<string> | undefined => p.tables.find((t) => t.name === table)!.kept;
/**
 * The same stream with one more step that reads a whole row of `table` (into a sink
 * of its own), so the table keeps every column: the reference a pruned plan is compared with.
 */
function unpruned(text: string, table: string, input: string, key: string): Plan {
  const p = plan(`${text}\nmap whole_row from ${input} { row = ${table}[${key}] }\nsink whole_rows from whole_row to jsonl "w.jsonl"`);
  assert.is(keptOf(p, table), undefined);
  return p;
}

const CRM = `table crm from csv "crm.csv" key id { id string  name string  plan string  seats int? }`;

test("a table keeps its key and the columns read as T[k].field; `k in T` reads only the key", () => {
  const p = plan(`stream t
${CRM}
source s { id string }
validate v from s { require id in crm else "unknown" }
map m from v { plan = crm[id].plan  seats = crm[id].seats ?? 0 }
sink o from m to jsonl "o.jsonl"`);
  assert.equal(keptOf(p, "crm"), ["id", "plan", "seats"]);
  const only = plan(`stream t
${CRM}
source s { id string }
validate v from s { require id in crm else "unknown" }
sink o from v to jsonl "o.jsonl"`);
  assert.equal(keptOf(only, "crm"), ["id"]);
});

test("a row used as a whole value keeps every column, and the stream sees all of them", () => {
  const text = `stream t
${CRM}
source s { id string }
map m from s { row = crm[id]  plan = crm[id].plan }
sink o from m to jsonl "o.jsonl"`;
  const p = plan(text);
  assert.is(keptOf(p, "crm"), undefined);
  const out = createRunner(p, { tables: { crm: [{ id: "a", name: "Acme", plan: "pro", seats: "3" }] } }).run({ sources: { s: [{ id: "a" }] }, now: NOW }).outputs.o;
  assert.equal(out, [{ row: { id: "a", name: "Acme", plan: "pro", seats: 3 }, plan: "pro" }]);
});

test("a row named with `let`, then read field by field, keeps every column it may reach", () => {
  const text = `stream t
${CRM}
source s { id string }
map m from s {
  let row = crm[id]
  plan = row.plan
  seats = row.seats
}
sink o from m to jsonl "o.jsonl"`;
  const p = plan(text);
  assert.is(keptOf(p, "crm"), undefined);
  const out = createRunner(p, { tables: { crm: [{ id: "a", name: "Acme", plan: "pro", seats: "3" }] } }).run({ sources: { s: [{ id: "a" }] }, now: NOW }).outputs.o;
  assert.equal(out, [{ plan: "pro", seats: 3 }]);
});

test("a column nothing reads is still checked: a row whose unread column does not fit is refused", () => {
  const p = plan(`stream t
${CRM}
source s { id string }
map m from s { plan = crm[id].plan }
sink o from m to jsonl "o.jsonl"`);
  assert.equal(keptOf(p, "crm"), ["id", "plan"]);
  const built = buildTable(p.tables[0]!, [{ record: { id: "a", name: "A", plan: "pro", seats: "many" } }, { record: { id: "b", plan: "pro" } }]);
  assert.is(built._tag, "Left");
  assert.equal(built._tag === "Left" ? built.left : [], ['table `crm`, row 1: seats: expected int, got "many"', "table `crm`, row 2: name: missing"]);
});

test("random_key draws from a table whose other columns nothing reads", () => {
  const text = `stream t
table keys from csv "k.csv" key k { k string  note string }
source g simulate 20 per run seed 5 { key = random_key(keys) }
sink o from g to jsonl "o.jsonl"`;
  const p = plan(text);
  assert.equal(keptOf(p, "keys"), ["k"]);
  const tables = { keys: [{ k: "k1", note: "x" }, { k: "k2", note: "y" }] };
  const pruned = createRunner(p, { tables }).run({ now: NOW }).outputs.o!;
  const full = createRunner(unpruned(text, "keys", "g", "key"), { tables }).run({ now: NOW }).outputs.o!;
  assert.equal(pruned, full);
  assert.equal(new Set(pruned.map((r) => r.key)), new Set(["k1", "k2"]));
});

// Property: over any table and any lookups, the stream's outputs and rejects are
// the same whether the table keeps only the columns read or all of them.
test("property: keeping only the columns read changes no output", () => {
  const text = `stream t
${CRM}
source s { id string? }
validate known from s { require id in crm else "unknown" }
map m from known { id = id  plan = crm[id].plan  seats = crm[id].seats }
sink o from m to jsonl "o.jsonl"`;
  const p = plan(text);
  assert.equal(keptOf(p, "crm"), ["id", "plan", "seats"]);
  const full = unpruned(text, "crm", "s", "id");
  const ids = fc.constantFrom("a", "b", "c", "d", "e");
  const row = fc.record({ id: ids, name: fc.string(), plan: fc.string(), seats: fc.option(fc.integer({ min: -5, max: 1000 }).map(String), { nil: "" }) });
  fc.assert(
    fc.property(fc.uniqueArray(row, { selector: (r) => r.id }), fc.array(fc.option(ids, { nil: null }), { maxLength: 30 }), (rows, lookups) => {
      const tables = { crm: rows };
      const sources = { s: lookups.map((id) => ({ id })) };
      const a = createRunner(p, { tables }).run({ sources, now: NOW });
      const b = createRunner(full, { tables }).run({ sources, now: NOW });
      assert.equal(a.outputs.o, b.outputs.o);
      assert.equal(a.rejects, b.rejects);
    }),
    { numRuns: 200 },
  );
});

test.run();
