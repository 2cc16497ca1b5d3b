// One grammar of numeric text for int, number and decimal, and a bound on a
// decimal's exponent that makes hostile texts (`1e999999999`) cheap to refuse.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import { convert, parseDecimal, parseIntText, parseNumber } from "../../src/values/convert.js";
import { T } from "../../src/values/types.js";
import { DECIMAL_MAX_EXPONENT, JsonNumber, intOf } from "../../src/values/value.js";

/** A numeric text in any accepted form: sign, digits, fraction, exponent; and its exact value. */
const numericText: fc.Arbitrary<{ text: string; value: Big }> = fc
  .tuple(
    fc.constantFrom("", "+", "-"),
    fc.bigInt({ min: 0n, max: 10n ** 25n }),
    fc.integer({ min: 0, max: 8 }), // digits after the point
    fc.constantFrom("", "e", "E"),
    fc.constantFrom("", "+", "-"),
    fc.integer({ min: 0, max: 30 }),
    fc.boolean(), // trailing point or leading point forms
  )
  .map(([sign, digits, scale, e, expSign, exp, odd]) => {
    let mantissa = digits.toString().padStart(scale + 1, "0");
    mantissa = scale === 0 ? (odd ? `${mantissa}.` : mantissa) : `${mantissa.slice(0, -scale)}.${mantissa.slice(-scale)}`;
    if (odd && scale > 0 && mantissa.startsWith("0.")) mantissa = mantissa.slice(1); // `.5`
    const expPart = e ? `${e}${expSign}${exp}` : "";
    const text = `${sign}${mantissa}${expPart}`;
    const value = new Big(`${sign === "-" ? "-" : ""}${digits}e${(e ? (expSign === "-" ? -exp : exp) : 0) - scale}`);
    return { text, value };
  });

test("int, number and decimal accept the same numeric texts, signs included", () => {
  fc.assert(
    fc.property(numericText, ({ text, value }) => {
      const d = parseDecimal(text);
      assert.ok(d !== undefined && d.eq(value), `${text} as decimal`);
      const n = parseNumber(text);
      assert.ok(n !== undefined && n === Number(value.toString()), `${text} as number`);
      const whole = value.round(0, Big.roundDown).eq(value);
      const i = parseIntText(text);
      if (whole && value.abs().lt("9223372036854775808")) assert.ok(i === intOf(BigInt(value.toFixed())), `${text} as int`);
      else assert.is(i, undefined, `${text} as int`);
    }),
    { numRuns: 2000 },
  );
  assert.ok(parseDecimal("+1.0")?.eq(1));
  assert.is(parseIntText("+5"), 5);
  assert.is(parseIntText("+5.0"), 5);
  assert.is(parseIntText(" 1e3 "), 1000);
  assert.is(parseIntText("5.5"), undefined);
  assert.is(parseNumber("+1.5"), 1.5);
  for (const bad of ["", "+", "-", ".", "1e", "e3", "1.2.3", "0x10", "Infinity", "NaN", "1_000", "++1", "1e+-3", "١"]) {
    assert.is(parseDecimal(bad), undefined, bad);
    assert.is(parseNumber(bad), undefined, bad);
    assert.is(parseIntText(bad), undefined, bad);
  }
});

test("a decimal's digits lie within 10^±1000; beyond is refused with a reason", () => {
  const max = DECIMAL_MAX_EXPONENT;
  assert.ok(parseDecimal(`1e${max}`)?.eq(new Big(`1e${max}`)));
  assert.ok(parseDecimal(`1e-${max}`)?.eq(new Big(`1e-${max}`)));
  assert.ok(parseDecimal(`0.5e${max + 1}`)); // 5e1000
  assert.is(parseDecimal(`1e${max + 1}`), undefined);
  assert.is(parseDecimal(`1e-${max + 1}`), undefined);
  assert.is(parseDecimal(`1.5e-${max}`), undefined); // its last digit is at 10^-1001
  assert.ok(parseDecimal("0e999999999")?.eq(0)); // zero, whatever the exponent
  const r = convert("1e999999999", T.decimal);
  assert.equal(r, { ok: false, reason: 'expected decimal, got "1e999999999" (beyond the digits a decimal may have, 10^1000 down to 10^-1000)' });
  // Every finite double is a decimal.
  assert.ok(convert(Number.MAX_VALUE, T.decimal).ok);
  assert.ok(convert(Number.MIN_VALUE, T.decimal).ok);
});

test("hostile exponents are refused in well under a second, in every numeric type", () => {
  const hostile = ["1e999999999", "1e-999999999", "-1e999999999999999999999", "1.5e+99999999999999", `1${"0".repeat(100_000)}`, `0.${"0".repeat(100_000)}1`, "9".repeat(10_000)];
  const start = Date.now();
  for (const text of hostile) {
    for (const raw of [text, new JsonNumber(text)]) {
      assert.is(convert(raw, T.decimal).ok, false, text.slice(0, 20));
      assert.is(convert(raw, T.int).ok, false, text.slice(0, 20));
    }
  }
  assert.ok(Date.now() - start < 500, `took ${Date.now() - start} ms`);
  // A number is a double: huge is refused, tiny rounds to zero as in any JSON reader.
  assert.is(convert("1e999999999", T.number).ok, false);
  assert.equal(convert("1e-999999999", T.number), { ok: true, value: 0 });
});

test("random digit strings and exponents: each decimal conversion is quick and exact or refused", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[+-]?[0-9]{1,40}(\.[0-9]{0,40})?([eE][+-]?[0-9]{1,12})?$/), (text) => {
      const start = Date.now();
      const d = convert(text, T.decimal);
      assert.ok(Date.now() - start < 100, text);
      if (d.ok) assert.ok((d.value as Big).eq(new Big(text.replace(/^\+/, ""))), text);
      else assert.match(d.reason, /beyond the digits a decimal may have/);
    }),
    { numRuns: 500 },
  );
});

test("a JSON number kept as text converts exactly for every numeric field, and as text for a string", () => {
  const n = new JsonNumber("12345678901234567890.123");
  assert.equal(convert(n, T.decimal), { ok: true, value: new Big("12345678901234567890.123") });
  assert.equal(convert(new JsonNumber("0.10000000000000000001"), T.decimal), { ok: true, value: new Big("0.10000000000000000001") });
  assert.equal(convert(new JsonNumber("9007199254740993"), T.int), { ok: true, value: 9007199254740993n });
  assert.equal(convert(new JsonNumber("9.007199254740993e15"), T.int), { ok: true, value: 9007199254740993n });
  assert.equal(convert(n, T.string), { ok: true, value: "12345678901234567890.123" });
  assert.equal(convert(n, T.number), { ok: true, value: 12345678901234567890.123 });
  assert.equal(convert(n, T.int), { ok: false, reason: "expected int, got 12345678901234567890.123" });
  assert.equal(convert(new JsonNumber("1e400"), T.number), { ok: false, reason: "expected number, got 1e400 (beyond the range of a number)" });
  assert.equal(convert(new JsonNumber("1"), T.map(T.int)), { ok: false, reason: "expected map<int>, got 1" });
  // Messages show kept numbers and bigints inside other values as their digits.
  assert.equal(convert({ a: new JsonNumber("1e999"), b: 2n ** 64n }, T.string), { ok: false, reason: 'expected string, got {"a":1e999,"b":18446744073709551616}' });
});

test.run();
