import { test } from "uvu";
import * as assert from "uvu/assert";
import Big from "big.js";
import { aggregateFor } from "../../src/values/aggregates.js";
import { isLeft, left } from "fp-ts/lib/Either.js";
import { T, type Type } from "../../src/values/types.js";
import fc from "fast-check";
import { Timestamp, compareValues, valueEquals, type Value } from "../../src/values/value.js";

/** Folds values, round-tripping the accumulator through JSON text halfway (as the state file does). */
function fold(name: string, values: Value[], type?: Type, argCount = 1): Value {
  const agg = aggregateFor(name, argCount, type)!;
  let acc = agg.create();
  values.forEach((v, i) => {
    acc = agg.add(acc, v);
    if (i === Math.floor(values.length / 2)) {
      const back = agg.decode(JSON.parse(JSON.stringify(agg.encode(acc))));
      if (isLeft(back)) throw new Error(back.left);
      acc = back.right;
    }
  });
  return agg.result(acc);
}
const eq = (a: Value, b: Value) => assert.ok(valueEquals(a, b) && (a === null) === (b === null), `${String(a)} != ${String(b)}`);

test("count counts records, count(x) non-null values", () => {
  assert.is(fold("count", [1, null, 3], undefined, 0), 3);
  assert.is(fold("count", [1, null, 3]), 2);
  assert.is(fold("count", [], undefined, 0), 0);
});

test("sum and avg", () => {
  assert.is(fold("sum", [1, 2, null, 4], T.int), 7);
  assert.is(fold("sum", [null], T.int), null);
  const money = Array.from({ length: 10 }, () => new Big("0.10"));
  assert.is((fold("sum", money, T.decimal) as Big).toFixed(), "1");
  assert.ok((fold("sum", [new Big("0.1"), new Big("0.2")], T.decimal) as Big).eq("0.3"));
  assert.ok((fold("sum", [1, new Big("0.5")], T.decimal) as Big).eq("1.5"));
  assert.is(String(fold("avg", [1, 2, null], T.int)), "1.5"); // ints average exactly, as a decimal
  assert.is(String(fold("avg", [9007199254740993n, 9007199254740995n], T.int)), "9007199254740994");
  assert.is(fold("avg", [1, 2], T.number), 1.5);
  assert.ok((fold("avg", [new Big("1"), new Big("2"), new Big("2")], T.decimal) as Big).eq(new Big(5).div(3)));
  assert.is(fold("avg", [], T.number), null);
});

test("property: min, max, first and last of timestamps or ints are what a sort and a filter give, and merging two halves' accumulators gives the whole's", () => {
  const values = fc.oneof(
    fc.array(fc.option(fc.integer({ min: -1e15, max: 1e15 }).map((ms) => new Timestamp(ms)) as fc.Arbitrary<Value>, { nil: null })),
    fc.array(fc.option(fc.integer() as fc.Arbitrary<Value>, { nil: null })),
  );
  fc.assert(
    fc.property(values, fc.nat(), (vs, cut) => {
      const present = vs.filter((v) => v !== null);
      const sorted = [...present].sort((a, b) => compareValues(a, b)!);
      const expected: Record<string, Value> = { min: sorted[0] ?? null, max: sorted[sorted.length - 1] ?? null, first: present[0] ?? null, last: present[present.length - 1] ?? null };
      for (const name of ["min", "max", "first", "last"]) {
        eq(fold(name, vs), expected[name]!);
        const agg = aggregateFor(name, 1)!;
        const at = vs.length ? cut % (vs.length + 1) : 0;
        const half = (part: Value[]) => part.reduce((acc, v) => agg.add(acc, v), agg.create());
        eq(agg.result(agg.merge(half(vs.slice(0, at)), half(vs.slice(at)))), expected[name]!);
      }
    }),
  );
});

test("min, max, first, last skip nulls", () => {
  const t = (ms: number) => new Timestamp(ms);
  eq(fold("min", [t(5), null, t(2), t(9)], T.timestamp), t(2));
  eq(fold("max", [t(5), null, t(2), t(9)], T.timestamp), t(9));
  assert.is(fold("min", ["b", "a", "c"]), "a");
  assert.is(fold("first", [null, "x", "y"]), "x");
  assert.is(fold("last", ["x", "y", null]), "y");
  assert.is(fold("max", []), null);
});

test("count_distinct and collect_set", () => {
  assert.is(fold("count_distinct", ["a", "b", "a", null, 1, "1"]), 4);
  assert.is(fold("count_distinct", [2, new Big("2.0")]), 1);
  assert.equal(fold("collect_set", ["b", "a", "b", null, "c", "a"]), ["b", "a", "c"]);
});

test("unknown aggregates and arities", () => {
  assert.is(aggregateFor("median", 1), undefined);
  assert.is(aggregateFor("sum", 0), undefined);
  assert.equal(aggregateFor("sum", 1)!.decode({ bogus: true }), left("bad sum accumulator"));
  assert.equal(aggregateFor("collect_set", 1)!.decode([{ $d: "x" }]), left('bad encoded value with tag "$d"'));
});

test.run();
