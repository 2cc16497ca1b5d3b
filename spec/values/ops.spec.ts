import { test } from "uvu";
import * as assert from "uvu/assert";
import Big from "big.js";
import { arithmetic, compare, compileBinary, negate } from "../../src/values/ops.js";
import { T } from "../../src/values/types.js";
import { Duration, Timestamp, valueEquals, type Value } from "../../src/values/value.js";

const eq = (a: Value, b: Value) => assert.ok(valueEquals(a, b) && (a === null) === (b === null), `${String(a)} != ${String(b)}`);

test("decimal arithmetic is exact", () => {
  const d = (s: string) => new Big(s);
  assert.ok((arithmetic("+", d("0.1"), d("0.2")) as Big).eq("0.3"));
  let total: Value = d("0");
  for (let i = 0; i < 1000; i++) total = arithmetic("+", total, d("19.99"));
  assert.is((total as Big).toFixed(), "19990");
  assert.ok((arithmetic("*", 3, d("1.10")) as Big).eq("3.3")); // int with decimal gives decimal
  assert.ok((arithmetic("%", d("7.5"), 2) as Big).eq("1.5"));
  assert.is(arithmetic("/", d("1"), d("0")), null);
});

test("numbers, division and nulls", () => {
  assert.is(arithmetic("+", 1, 2), 3);
  assert.is(arithmetic("/", 6, 3), 2);
  assert.is(arithmetic("/", 7, 2), 3.5);
  assert.is(arithmetic("/", 1, 0), null);
  assert.is(arithmetic("%", 7, 0), null);
  assert.is(arithmetic("%", -7, 3), -1);
  assert.is(arithmetic("+", null, 1), null);
  assert.is(arithmetic("-", "a", "b"), null);
  assert.is(arithmetic("+", "a", "b"), "ab");
  assert.is(arithmetic("+", "a", 1), null);
  assert.is(negate(5), -5);
  assert.is(negate(null), null);
  assert.is(negate("x"), null);
  // typed as number + decimal: floating point
  assert.is(compileBinary("+", T.number, T.decimal)(0.5, new Big("0.25")), 0.75);
  assert.ok((compileBinary("+", T.int, T.decimal)(1, new Big("0.25")) as Big).eq("1.25"));
});

test("time arithmetic", () => {
  const t = new Timestamp(1_000_000);
  eq(arithmetic("+", t, new Duration(500)), new Timestamp(1_000_500));
  eq(arithmetic("+", new Duration(500), t), new Timestamp(1_000_500));
  eq(arithmetic("-", t, new Duration(500)), new Timestamp(999_500));
  eq(arithmetic("-", t, new Timestamp(400_000)), new Duration(600_000));
  eq(arithmetic("+", new Duration(1), new Duration(2)), new Duration(3));
  eq(arithmetic("*", 3, new Duration(60_000)), new Duration(180_000));
  eq(arithmetic("*", new Duration(60_000), 3), new Duration(180_000));
  assert.is(arithmetic("+", t, t), null);
  eq(negate(new Duration(5)), new Duration(-5));
});

test("comparisons and null", () => {
  assert.is(compare("==", null, null), true);
  assert.is(compare("==", null, 1), false);
  assert.is(compare("!=", null, 1), true);
  assert.is(compare("!=", null, null), false);
  assert.is(compare("<", null, 1), false);
  assert.is(compare(">=", null, 1), false);
  assert.is(compare("==", 2, new Big("2.0")), true);
  assert.is(compare("<", "a", "b"), true);
  assert.is(compare("<=", new Timestamp(1), new Timestamp(1)), true);
  assert.is(compare(">", new Duration(2), new Duration(1)), true);
  assert.is(compare("<", 1, "2"), false);
  assert.is(compare("==", "1", 1), false);
});

test.run();
