// A decimal's fixed scale (value.ts SCALES): what round(x, p) prints, how it carries
// through arithmetic and sums, that it survives the state encoding, and that it is
// never part of the value.
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import Big from "big.js";
import { decodeValue, encodeValue, toJson } from "../../src/values/json.js";
import { arithmetic } from "../../src/values/ops.js";
import { round } from "../../src/values/functions/numbers.js";
import { valueToString } from "../../src/values/functions/conversion.js";
import { aggregateFor } from "../../src/values/aggregates.js";
import { groupKey } from "../../src/values/keys.js";
import { T } from "../../src/values/types.js";
import { scaleOf, valueEquals, type Value } from "../../src/values/value.js";

const decimal = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).chain((n) => fc.integer({ min: 0, max: 8 }).map((e) => new Big(n.toString()).div(new Big(10).pow(e))));
const places = (text: string): number => (text.includes(".") ? text.length - text.indexOf(".") - 1 : 0);

test("property: round(x, p) prints exactly p places, in JSON, as text and after the state round trip", () => {
  fc.assert(
    fc.property(decimal, fc.integer({ min: 0, max: 6 }), (x, p) => {
      const r = round(x, p) as Big;
      const printed = toJson(r) as string;
      assert.is(places(printed), p, `round(${x.toFixed()}, ${p}) printed ${printed}`);
      assert.ok(new Big(printed).eq(x.round(p, Big.roundHalfUp)));
      assert.is(valueToString(r), printed);
      const back = decodeValue(encodeValue(r));
      assert.ok(back._tag === "Right");
      assert.is(toJson(back.right as Value), printed);
      assert.is(scaleOf(back.right as Big), p);
    }),
  );
  assert.is(toJson(round(new Big(13), 2)), "13.00");
  assert.is(toJson(round(new Big("-0.5"), 0)), "-1");
  assert.is(toJson(round(new Big("1250"), -2)), "1300");
  // Without digits, round gives a free decimal, and an int stays an int.
  assert.is(scaleOf(round(new Big("2.5")) as Big), undefined);
  assert.is(round(13, 2), 13);
});

test("property: + - keep the larger scale, * the sum; no digit is ever dropped", () => {
  fc.assert(
    fc.property(decimal, decimal, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), (a, b, p, q) => {
      const x = round(a, p) as Big;
      const y = round(b, q) as Big;
      for (const [op, want] of [["+", Math.max(p, q)], ["-", Math.max(p, q)], ["*", p + q]] as const) {
        const r = arithmetic(op, x, y) as Big;
        assert.is(scaleOf(r), want);
        const printed = toJson(r) as string;
        assert.ok(new Big(printed).eq(op === "+" ? x.plus(y) : op === "-" ? x.minus(y) : x.times(y)), `${x} ${op} ${y} printed ${printed}`);
        assert.is(places(printed), Math.max(want, places(r.toFixed())));
      }
      // A free decimal with more places keeps them.
      const free = arithmetic("+", x, new Big("0.0000001")) as Big;
      assert.is(places(toJson(free) as string), Math.max(p, 7));
    }),
  );
  assert.is(toJson(arithmetic("*", round(new Big("4.5"), 2), 3)), "13.50");
  assert.is(toJson(arithmetic("/", round(new Big("4.5"), 2), 3)), "1.5");
});

test("a sum of scaled decimals has their largest scale, through the aggregate state too", () => {
  const sum = aggregateFor("sum", 1, T.decimal)!;
  let acc = sum.create();
  for (const v of [round(new Big("1.5"), 2), new Big("2"), round(new Big("0.25"), 1)]) acc = sum.add(acc, v);
  assert.is(toJson(sum.result(acc)), "3.80");
  const saved = sum.decode(JSON.parse(JSON.stringify(sum.encode(acc))));
  assert.ok(saved._tag === "Right");
  assert.is(toJson(sum.result(saved.right)), "3.80");
});

test("property: the scale is never part of the value: equality and group keys ignore it", () => {
  fc.assert(
    fc.property(decimal, fc.integer({ min: 0, max: 6 }), (x, p) => {
      const plain = x.round(p, Big.roundHalfUp);
      const scaled = round(x, p) as Big;
      assert.ok(valueEquals(plain, scaled));
      assert.is(groupKey([plain]), groupKey([scaled]));
    }),
  );
});

test.run();
