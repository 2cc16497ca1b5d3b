import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { KeyTable } from "../../src/values/key-table.js";

// Few distinct keys in a table that starts at 16 slots: homes collide all the
// time, so probing, growing and the backward shift of `delete` are all exercised.
const key = fc.oneof(
  { arbitrary: fc.constantFrom("", "a", "b", "é", "\ud800", "evt-1-1", "evt-1-2"), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`), weight: 4 },
  { arbitrary: fc.string({ maxLength: 1 }), weight: 1 },
);
const removal = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), key }),
  fc.record({ kind: fc.constant("deleteIf" as const), key, value: fc.integer({ min: 0, max: 3 }) }),
);
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("set" as const), key, value: fc.integer({ min: 0, max: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("has" as const), key }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("get" as const), key }), weight: 1 },
  { arbitrary: removal, weight: 2 },
);
// Calls, then a spell of removals (as when a window's chunks expire, so the table compacts), then calls.
const calls = fc.tuple(fc.array(op, { maxLength: 600, size: "max" }), fc.array(removal, { maxLength: 600, size: "max" }), fc.array(op, { maxLength: 200, size: "max" })).map(([a, b, c]) => [...a, ...b, ...c]);

test("a KeyTable answers every sequence of calls as a Map does", () => {
  fc.assert(
    fc.property(calls, fc.constantFrom(0, 0, 0, 5, 200), (ops, expected) => {
      const table = new KeyTable<number>(expected);
      const model = new Map<string, number>();
      for (const o of ops) {
        switch (o.kind) {
          case "set":
            table.set(o.key, o.value);
            model.set(o.key, o.value);
            break;
          case "has":
            assert.is(table.has(o.key), model.has(o.key), `has ${JSON.stringify(o.key)}`);
            break;
          case "get":
            assert.is(table.get(o.key), model.get(o.key), `get ${JSON.stringify(o.key)}`);
            break;
          case "delete":
            assert.is(table.delete(o.key), model.delete(o.key), `delete ${JSON.stringify(o.key)}`);
            break;
          case "deleteIf": {
            const hit = model.get(o.key) === o.value;
            if (hit) model.delete(o.key);
            assert.is(table.delete(o.key, o.value), hit, `delete ${JSON.stringify(o.key)} if ${o.value}`);
            break;
          }
        }
        assert.is(table.size, model.size);
      }
      for (const [k, v] of model) assert.is(table.get(k), v, `kept ${JSON.stringify(k)}`);
    }),
    { numRuns: 300 },
  );
});

test("a KeyTable keeps 200,000 keys through growth and deletes half of them", () => {
  const table = new KeyTable<number>();
  for (let i = 0; i < 200_000; i++) {
    assert.ok(!table.has(`evt-${i}`));
    table.set(`evt-${i}`, i);
  }
  for (let i = 0; i < 200_000; i += 2) assert.ok(table.delete(`evt-${i}`));
  assert.is(table.size, 100_000);
  for (let i = 0; i < 200_000; i++) assert.is(table.get(`evt-${i}`), i % 2 ? i : undefined);
  // Deleted entries are reused: adding as many back keeps every key findable.
  for (let i = 0; i < 200_000; i += 2) table.set(`new-${i}`, -i);
  assert.is(table.size, 200_000);
  assert.is(table.get("new-100"), -100);
  assert.is(table.get("evt-101"), 101);
});

test("a KeyTable whose keys mostly expired shrinks to what it keeps, and still finds all of them", () => {
  const table = new KeyTable<string>();
  for (let i = 0; i < 100_000; i++) table.set(`id-${i}`, `chunk-${i % 7}`);
  assert.ok(table.capacity >= 100_000);
  for (let i = 0; i < 100_000; i++) if (i % 50 !== 0) assert.ok(table.delete(`id-${i}`, `chunk-${i % 7}`));
  assert.is(table.size, 2_000);
  assert.ok(table.capacity < 8_192, `capacity ${table.capacity}`);
  for (let i = 0; i < 100_000; i++) assert.is(table.get(`id-${i}`), i % 50 === 0 ? `chunk-${i % 7}` : undefined);
  table.set("id-1", "again");
  assert.is(table.get("id-1"), "again");
  assert.is(table.size, 2_001);
});

test.run();
