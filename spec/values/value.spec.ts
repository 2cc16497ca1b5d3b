import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import { Duration, Timestamp, compareValues, isRecord, isMap, makeRecord, valueEquals, type Value } from "../../src/values/value.js";
import { groupKey, singleKey } from "../../src/values/keys.js";
import { value } from "./arbitraries.js";

test("valueEquals compares numbers across int, number and decimal", () => {
  assert.ok(valueEquals(2, new Big("2.0")));
  assert.ok(valueEquals(0.5, new Big("0.50")));
  assert.not.ok(valueEquals(2, "2"));
  assert.not.ok(valueEquals(null, "null"));
  assert.ok(valueEquals(null, null));
  assert.ok(valueEquals([1, [new Timestamp(5)]], [1, [new Timestamp(5)]]));
  assert.not.ok(valueEquals(new Timestamp(5), new Duration(5)));
  assert.ok(valueEquals(new Map([["a", 1], ["b", 2]]), new Map([["b", 2], ["a", 1]])));
  assert.not.ok(valueEquals(new Map([["a", 1]]), { a: 1 }));
  assert.ok(valueEquals({ a: 1, b: "x" }, { a: 1, b: "x" }));
  assert.not.ok(valueEquals({ a: 1 }, { a: 1, b: null }));
});

test("compareValues orders like kinds and refuses nulls and mixtures", () => {
  assert.is(compareValues("a", "b"), -1);
  assert.is(compareValues("B", "a"), -1); // code unit order
  assert.is(compareValues(3, new Big("2.5")), 1);
  assert.is(compareValues(new Big("2.50"), 2.5), 0);
  assert.is(compareValues(new Timestamp(1), new Timestamp(2)), -1);
  assert.is(compareValues(new Duration(7), new Duration(7)), 0);
  assert.is(compareValues(false, true), -1);
  assert.is(compareValues(null, 1), undefined);
  assert.is(compareValues(1, "1"), undefined);
  assert.is(compareValues([1], [1]), undefined);
  assert.is(compareValues(NaN, 1), undefined);
});

test("groupKey keeps look-alike values apart", () => {
  const distinct: Value[][] = [[1], ["1"], [null], ["null"], [["a,b"]], [["a", "b"]], ["a", "b"], ["a,b"], [""], [],
    [new Map([["__proto__", 1]])], [{ __proto__: 1 } as unknown as Value], [makeRecord([["__proto__", 1]])], [true], ["true"], [new Timestamp(1)], [new Duration(1)]];
  const keys = distinct.map(groupKey);
  assert.is(new Set(keys).size, keys.length);
  assert.is(groupKey([2]), groupKey([new Big("2.00")]));
  assert.is(groupKey([0.1]), groupKey([new Big("0.1")]));
  assert.is(groupKey([-0]), groupKey([0]));
  assert.is(groupKey([{ a: 1, b: 2 }]), groupKey([{ b: 2, a: 1 }]));
});

test("property: groupKey is collision-free and agrees with valueEquals", () => {
  fc.assert(
    fc.property(fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 3 }), (a, b) => {
      const same = a.length === b.length && a.every((x, i) => valueEquals(x, b[i]!));
      return (groupKey(a) === groupKey(b)) === same;
    }),
    { numRuns: 3000 },
  );
});

test("property: singleKey is collision-free, agrees with valueEquals, and is the string itself for most strings", () => {
  const withNul = fc.oneof(value, fc.string().map((s) => `\u0000${s}`), fc.constantFrom<Value>("\u0000", "\u0000s", "\u0000z", "z", "s1:a"));
  fc.assert(
    fc.property(withNul, withNul, (a, b) => (singleKey(a) === singleKey(b)) === valueEquals(a, b)),
    { numRuns: 3000 },
  );
  assert.is(singleKey("evt-1-2"), "evt-1-2");
  assert.is.not(singleKey(null), singleKey("\u0000z"));
});

test("guards tell records from maps and other objects", () => {
  assert.ok(isRecord({ a: 1 }));
  assert.not.ok(isRecord(new Map()));
  assert.not.ok(isRecord(new Big(1)));
  assert.not.ok(isRecord(new Timestamp(1)));
  assert.not.ok(isRecord([1]));
  assert.ok(isMap(new Map()));
  const r = makeRecord([["__proto__", 1], ["b", 2]]);
  assert.equal(Object.keys(r), ["__proto__", "b"]);
  assert.is(Object.getPrototypeOf(r), Object.prototype);
});

test.run();
