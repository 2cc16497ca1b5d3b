import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import { Duration, Timestamp, makeRecord, valueEquals, isMap, isRecord, type Value } from "../../src/values/value.js";
import { isLeft, left } from "fp-ts/lib/Either.js";
import { decodeValue, durationToIso, encodeValue, toJson } from "../../src/values/json.js";
import { value } from "./arbitraries.js";

test("toJson writes timestamps, decimals, durations and maps as the CLI does", () => {
  assert.is(toJson(new Timestamp(Date.UTC(2026, 10, 20, 10))), "2026-11-20T10:00:00.000Z");
  assert.is(toJson(new Big("12.50")), "12.5");
  assert.is(toJson(new Big("1e25")), "10000000000000000000000000");
  assert.is(toJson(new Big("0.0000001")), "0.0000001");
  assert.is(toJson(new Duration(5_400_000)), "PT1H30M");
  assert.is(toJson(new Duration(30 * 86_400_000)), "P30D");
  assert.is(toJson(NaN), null);
  assert.is(toJson(Infinity), null);
  const m = toJson(new Map<string, Value>([["b", 1], ["__proto__", 2], ["a", 3]])) as object;
  assert.is(JSON.stringify(m), '{"__proto__":2,"a":3,"b":1}');
  assert.is(JSON.stringify(toJson(makeRecord([["z", [new Duration(1500)]], ["a", null]]))), '{"z":["PT1.5S"],"a":null}');
});

test("durationToIso covers mixed, negative and zero durations", () => {
  assert.is(durationToIso(0), "PT0S");
  assert.is(durationToIso(86_400_000 + 7_200_000), "P1DT2H");
  assert.is(durationToIso(-900_000), "-PT15M");
  assert.is(durationToIso(500), "PT0.5S");
});

test("encodeValue/decodeValue keep decimals, instants, maps vs records and key order", () => {
  const v: Value = makeRecord([
    ["__proto__", new Map<string, Value>([["constructor", new Big("0.10")]])],
    ["t", new Timestamp(-5)],
    ["d", new Duration(3)],
    ["n", [NaN, -0, Infinity, 2.5]],
  ]);
  const back = decoded(JSON.parse(JSON.stringify(encodeValue(v)))) as Record<string, Value>;
  assert.equal(Object.keys(back), ["__proto__", "t", "d", "n"]);
  assert.ok(isMap(back["__proto__"]));
  assert.ok(isRecord(back));
  assert.ok(Object.is((back.n as number[])[1], -0));
  assert.ok(Number.isNaN((back.n as number[])[0]));
  assert.ok(valueEquals(back.__proto__ as Value, (v as Record<string, Value>).__proto__ as Value)); // NaN never equals itself, so compare the rest
  assert.ok(valueEquals([back.t!, back.d!], [new Timestamp(-5), new Duration(3)]));
});

test("decodeValue refuses damaged input with the reason, also deep inside", () => {
  const cases: Array<[unknown, string]> = [
    [{ $d: "abc" }, 'bad encoded value with tag "$d"'],
    [{ $x: 1 }, 'bad encoded value with tag "$x"'],
    [{ $t: "x" }, 'bad encoded value with tag "$t"'],
    [{ a: 1, b: 2 }, 'an encoded value has exactly one tag, got ["a","b"]'],
    [{ $m: [[1, 2]] }, "bad map entries"],
    [[1, { $r: [["a", { $d: "x" }]] }], 'bad encoded value with tag "$d"'],
  ];
  for (const [bad, reason] of cases) assert.equal(decodeValue(bad), left(reason));
});

/** The value of a decode that must succeed. */
function decoded(json: unknown): Value {
  const v = decodeValue(json);
  if (isLeft(v)) throw new Error(v.left);
  return v.right;
}

const same = (a: Value, b: Value): boolean => {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a instanceof Big && b instanceof Big) return a.eq(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isMap(a) && isMap(b)) return [...a.keys()].join("\0") === [...b.keys()].join("\0") && [...a].every(([k, x]) => same(x, b.get(k)!));
  if (isRecord(a) && isRecord(b)) return Object.keys(a).join("\0") === Object.keys(b).join("\0") && Object.keys(a).every((k) => same(a[k]!, b[k]!));
  return valueEquals(a, b) && Object.getPrototypeOf(a ?? 0) === Object.getPrototypeOf(b ?? 0);
};

test("property: encode/decode round-trips every value exactly through JSON text", () => {
  fc.assert(fc.property(value, (v) => same(decoded(JSON.parse(JSON.stringify(encodeValue(v)))), v)), { numRuns: 2000 });
});

test.run();
