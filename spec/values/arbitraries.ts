// fast-check generators of runtime values, shared by the property tests.
import fc from "fast-check";
import Big from "big.js";
import { Duration, INT_MAX, INT_MIN, Timestamp, intOf, makeRecord, type Value } from "../../src/values/value.js";

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("__proto__", "constructor", "toString", "a,b", "", "é", "1"));

export const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("null", "1", "a,b", "__proto__", ""),
  fc.integer({ min: -1000, max: 1000 }),
  // ints of every size: a number while safe, a bigint beyond
  fc.bigInt({ min: INT_MIN, max: INT_MAX }).map((n) => intOf(n)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 6 })).map(([d, s]) => new Big(d.toString()).div(new Big(10).pow(s))),
  fc.integer({ min: -1e12, max: 1e13 }).map((ms) => new Timestamp(ms)),
  fc.integer({ min: -1e9, max: 1e9 }).map((ms) => new Duration(ms)),
);

export const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie("v")), { maxLength: 3 }).map((es) => new Map(es)),
    fc.uniqueArray(fc.tuple(key, tie("v")), { maxLength: 3, selector: ([k]) => k }).map((es) => makeRecord(es)),
  ),
})).v;
