// `int` is exact signed 64-bit: arithmetic agrees with BigInt arithmetic, a
// result outside [-2^63, 2^63 - 1] is null, and an int always prints as its digits.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import { aggregateFor } from "../../src/values/aggregates.js";
import { convert } from "../../src/values/convert.js";
import { decodeValue, encodeValue, toJson } from "../../src/values/json.js";
import { arithmetic, compileBinary, negate, type ArithmeticOp } from "../../src/values/ops.js";
import { abs, round } from "../../src/values/functions/numbers.js";
import { toInt, valueToString } from "../../src/values/functions/conversion.js";
import { T } from "../../src/values/types.js";
import { INT_MAX, INT_MIN, compareValues, intOf, valueEquals, type Value } from "../../src/values/value.js";
import { groupKey } from "../../src/values/keys.js";
import { jsonText } from "../../src/io/json-text.js";

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** 64-bit operands, weighted towards the edges where doubles and 64 bits break. */
const int64: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: INT_MIN, max: INT_MAX }),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -SAFE - 1000n, max: -SAFE + 1000n }),
  fc.bigInt({ min: SAFE - 1000n, max: SAFE + 1000n }),
  fc.bigInt({ min: INT_MAX - 1000n, max: INT_MAX }),
  fc.bigInt({ min: INT_MIN, max: INT_MIN + 1000n }),
  fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n }),
);

/** The int of an exact integer as the runtime holds it. */
const int = (n: bigint): Value => intOf(n);

/** The reference: BigInt arithmetic, null outside 64 bits (and for a zero divisor). */
function reference(op: ArithmeticOp, a: bigint, b: bigint): Value {
  switch (op) {
    case "+":
      return intOf(a + b);
    case "-":
      return intOf(a - b);
    case "*":
      return intOf(a * b);
    case "%":
      return b === 0n ? null : intOf(a % b);
    case "/":
      return b === 0n ? null : a % b === 0n ? Number(a / b) : Number(a) / Number(b);
  }
}

const wellFormed = (v: Value): boolean =>
  v === null || (typeof v === "number" ? Number.isSafeInteger(v) && !Object.is(v, -0) : typeof v === "bigint" && (v > SAFE || v < -SAFE) && v >= INT_MIN && v <= INT_MAX);

test("int arithmetic agrees with BigInt arithmetic clamped to 64 bits or null, for random 64-bit operands", () => {
  for (const op of ["+", "-", "*", "%"] as const) {
    const kernel = compileBinary(op, T.int, T.int);
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const got = kernel(int(a), int(b));
        const want = reference(op, a, b);
        assert.ok(got === want, `${a} ${op} ${b}: got ${String(got)}, want ${String(want)}`);
        // One representation per value: a number while safe, a bigint beyond.
        assert.ok(wellFormed(got), `${a} ${op} ${b} gave ${typeof got} ${String(got)}`);
        // The untyped kernel (an `any` operand) gives the same int.
        assert.ok(arithmetic(op, int(a), int(b)) === want || typeof int(a) === "number" && typeof int(b) === "number", `${a} ${op} ${b} untyped`);
      }),
      { numRuns: 2000 },
    );
  }
});

test("an int with a value of unknown type is exact when that value is an int, and the generic rules otherwise", () => {
  for (const [l, r] of [[T.int, T.any], [T.any, T.int], [T.int, T.null]] as const) {
    const add = compileBinary("+", l, r);
    assert.is(add(9007199254740991, 2), 9007199254740993n);
    assert.is(add(null, 2), null);
  }
  const add = compileBinary("+", T.int, T.any);
  assert.is(add(1, 0.5), 1.5);
  assert.ok((add(1, new Big("0.5")) as Big).eq("1.5"));
  assert.is(add(1, "x"), null);
});

test("int / int is an exact decimal: to 20 places, half away from zero", () => {
  const kernel = compileBinary("/", T.int, T.int);
  fc.assert(
    fc.property(int64, int64, (a, b) => {
      const q = kernel(int(a), int(b));
      if (b === 0n) return assert.is(q, null);
      assert.ok(q instanceof Big, `${a} / ${b} is not a decimal`);
      // The quotient times the divisor is the dividend, within half a unit of the 20th place times the divisor.
      const err = (q as Big).times(b.toString()).minus(a.toString()).abs();
      assert.ok(err.lte(new Big(b < 0n ? (-b).toString() : b.toString()).times("0.5e-20")), `${a} / ${b} = ${q}`);
      assert.ok((q as Big).eq((q as Big).round(20)), `${a} / ${b} has more than 20 places`);
    }),
    { numRuns: 1000 },
  );
  assert.is(String(kernel(6, 3)), "2");
  assert.is(String(kernel(7, 2)), "3.5");
  assert.is(String(kernel(2, 3)), "0.66666666666666666667");
  assert.is(String(kernel(-2, 3)), "-0.66666666666666666667");
  assert.is(kernel(7, 0), null);
});

test("unary minus and abs are exact; -(-2^63) is null", () => {
  fc.assert(
    fc.property(int64, (a) => {
      assert.ok(negate(int(a)) === intOf(-a));
      assert.ok(abs(int(a)) === intOf(a < 0n ? -a : a));
    }),
  );
  assert.is(negate(int(INT_MIN)), null);
  assert.is(abs(int(INT_MIN)), null);
});

test("the cases of the issue: past 2^53 exact, past 2^63 null", () => {
  const add = compileBinary("+", T.int, T.int);
  const sub = compileBinary("-", T.int, T.int);
  const mul = compileBinary("*", T.int, T.int);
  assert.is(add(9007199254740991, 2), 9007199254740993n);
  assert.is(sub(-9007199254740991, 10), -9007199254741001n);
  assert.is(mul(1000000000000, 1000000000), null); // 10^21 > 2^63 - 1
  assert.is(mul(1000000000, 1000000000), 1000000000000000000n);
  assert.is(add(int(INT_MAX), 1), null);
  assert.is(sub(int(INT_MIN), 1), null);
  assert.is(add(int(INT_MAX), -1), INT_MAX - 1n);
  // Back in the safe range, a result is a plain number again.
  assert.is(sub(9007199254740993n, 2), 9007199254740991);
  assert.is(compileBinary("%", T.int, T.int)(int(INT_MIN), -1), 0);
  assert.is(compileBinary("%", T.int, T.int)(-7, 3), -1);
});

test("ints meet decimals exactly and numbers as doubles", () => {
  const d = compileBinary("+", T.int, T.decimal)(9007199254740993n, new Big("0.5"));
  assert.ok(d instanceof Big && d.toFixed() === "9007199254740993.5");
  assert.is(compileBinary("*", T.int, T.number)(9007199254740993n, 0.5), 4503599627370496.5);
  assert.ok(valueEquals(9007199254740993n, new Big("9007199254740993")));
  assert.not.ok(valueEquals(9007199254740993n, 9007199254740992));
  assert.is(compareValues(9007199254740993n, 9007199254740992), 1);
  assert.is(compareValues(9007199254740993n, new Big("9007199254740993.1")), -1);
});

test("equal numbers share a group key, whatever their representation", () => {
  fc.assert(
    fc.property(int64, (a) => {
      const asDecimal = new Big(a.toString());
      assert.is(groupKey([int(a)]), groupKey([asDecimal]));
      assert.ok(valueEquals(int(a), asDecimal));
      assert.is(compareValues(int(a), asDecimal), 0);
    }),
  );
  assert.is.not(groupKey([9007199254740993n]), groupKey([9007199254740992]));
});

test("an int prints as its digits everywhere, and its digits read back as the same int", () => {
  fc.assert(
    fc.property(int64, (a) => {
      const v = int(a);
      const digits = a.toString();
      assert.is(valueToString(v), digits); // string(x)
      assert.is(jsonText({ x: toJson(v) }), `{"x":${digits}}`); // a sink's JSON text
      const decoded = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));
      assert.ok(decoded._tag === "Right" && decoded.right === v); // the state file
      const back = convert(digits, T.int);
      assert.ok(back.ok && back.value === v, digits);
      assert.ok(toInt(digits) === v);
    }),
    { numRuns: 1000 },
  );
});

test("int input outside 64 bits is rejected with a reason", () => {
  const r = convert("9223372036854775808", T.int);
  assert.equal(r, { ok: false, reason: 'expected int, got "9223372036854775808" (beyond the 64-bit range of int)' });
  assert.equal(convert(2n ** 63n, T.int).ok, false);
  assert.ok(convert(-(2n ** 63n), T.int).ok);
  const unsafeDouble = convert(2 ** 60, T.int);
  assert.ok(!unsafeDouble.ok && unsafeDouble.reason.includes("as a bigint or as text"));
  assert.equal(convert(12345678901234567890n, T.decimal), { ok: true, value: new Big("12345678901234567890") });
});

test("sum of ints is exact and null past 64 bits; it survives the state file", () => {
  const sum = aggregateFor("sum", 1, T.int)!;
  fc.assert(
    fc.property(fc.array(int64, { maxLength: 12 }), fc.nat(12), (xs, cut) => {
      let acc = sum.create();
      xs.forEach((x, i) => {
        if (i === cut) {
          const back = sum.decode(JSON.parse(JSON.stringify(sum.encode(acc))));
          if (back._tag === "Left") throw new Error(back.left);
          acc = back.right;
        }
        acc = sum.add(acc, int(x));
      });
      const total = xs.reduce((s, x) => s + x, 0n);
      assert.ok(sum.result(acc) === (xs.length ? intOf(total) : null), `${xs.join(" + ")}`);
    }),
  );
  // An intermediate overflow that later values cancel does no harm.
  let acc = sum.create();
  for (const x of [INT_MAX, 10n, -20n]) acc = sum.add(acc, int(x));
  assert.is(sum.result(acc), INT_MAX - 10n);
});

test("min and max of big ints, and round keeps ints exact", () => {
  const max = aggregateFor("max", 1, T.int)!;
  let acc = max.create();
  for (const x of [9007199254740993n, 9007199254740992, 9007199254740994n]) acc = max.add(acc, x);
  assert.is(max.result(acc), 9007199254740994n);
  assert.is(round(9007199254740993n), 9007199254740993n);
  assert.is(round(9223372036854775807n, -1), null);
  assert.is(round(9007199254740991, -3), 9007199254741000n);
  assert.is(round(123456789012345678n, -2), 123456789012345700n);
});

test.run();
