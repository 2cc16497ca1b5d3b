import { test } from "uvu";
import * as assert from "uvu/assert";
import Big from "big.js";
import { convert } from "../../src/values/convert.js";
import { T, type Type } from "../../src/values/types.js";
import { Duration, Timestamp, type Value } from "../../src/values/value.js";

const ok = (raw: unknown, type: Type): Value => {
  const r = convert(raw, type);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const reason = (raw: unknown, type: Type): string => {
  const r = convert(raw, type);
  return r.ok ? "ok" : r.reason;
};

test("scalars convert from JSON values and text", () => {
  assert.is(ok(42, T.string), "42");
  assert.is(ok(true, T.string), "true");
  assert.is(ok("42", T.int), 42);
  assert.is(ok(" -7 ", T.int), -7);
  assert.is(ok(-7, T.int), -7);
  assert.is(ok("4.5", T.number), 4.5);
  assert.is(ok("1e3", T.number), 1000);
  assert.is((ok("12.50", T.decimal) as Big).toFixed(2), "12.50");
  assert.ok((ok("0.1", T.decimal) as Big).eq("0.1"));
  assert.ok((ok(0.1, T.decimal) as Big).eq("0.1"));
  assert.is(ok("TRUE", T.bool), true);
  assert.is(ok("false", T.bool), false);
  assert.is(ok(null, T.int), null);
});

test("timestamps honour offsets and default to UTC", () => {
  assert.is((ok("2026-11-20T10:00:00Z", T.timestamp) as Timestamp).ms, Date.UTC(2026, 10, 20, 10));
  assert.is((ok("2026-11-20T10:00:00+02:00", T.timestamp) as Timestamp).ms, Date.UTC(2026, 10, 20, 8));
  assert.is((ok("2026-11-20T10:00:00", T.timestamp) as Timestamp).ms, Date.UTC(2026, 10, 20, 10));
  assert.is((ok("2026-11-20", T.timestamp) as Timestamp).ms, Date.UTC(2026, 10, 20));
  assert.is((ok("2026-11-20T10:00:00.123Z", T.timestamp) as Timestamp).ms, Date.UTC(2026, 10, 20, 10, 0, 0, 123));
  assert.is(reason("20/11/2026", T.timestamp), 'expected timestamp, got "20/11/2026"');
});

test("durations in ISO and language forms", () => {
  assert.is((ok("PT15M", T.duration) as Duration).ms, 900_000);
  assert.is((ok("P30D", T.duration) as Duration).ms, 30 * 86_400_000);
  assert.is((ok("15m", T.duration) as Duration).ms, 900_000);
  assert.is((ok("30d", T.duration) as Duration).ms, 30 * 86_400_000);
  assert.is((ok("500ms", T.duration) as Duration).ms, 500);
  assert.is((ok("1h30m", T.duration) as Duration).ms, 5_400_000);
  assert.is(reason("P1M", T.duration), 'expected duration, got "P1M"');
  assert.is(reason("P", T.duration), 'expected duration, got "P"');
  assert.is(reason("15x", T.duration), 'expected duration, got "15x"');
});

test("failures explain themselves", () => {
  assert.is(reason("abc", T.int), 'expected int, got "abc"');
  assert.is(reason("4.5", T.int), 'expected int, got "4.5"');
  assert.is(reason(4.5, T.int), "expected int, got 4.5");
  assert.is(reason("yes", T.bool), 'expected bool, got "yes"');
  assert.is(reason({ a: 1 }, T.string), 'expected string, got {"a":1}');
  assert.is(reason("x".repeat(100), T.int), `expected int, got "${"x".repeat(36)}...`);
  assert.is(reason([1, "b"], T.list(T.int)), '[1]: expected int, got "b"');
  assert.is(reason({ k: "b" }, T.map(T.int)), '["k"]: expected int, got "b"');
});

test("lists and maps convert item by item; map keys are safe", () => {
  assert.equal(ok([1, "2"], T.list(T.int)), [1, 2]);
  const m = ok(JSON.parse('{"__proto__": "1", "b": 2}'), T.map(T.int)) as Map<string, Value>;
  assert.equal([...m], [["__proto__", 1], ["b", 2]]);
});

test.run();
