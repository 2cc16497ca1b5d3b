import { createHash } from "node:crypto";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import Big from "big.js";
import { builtins } from "../../src/values/functions/registry.js";
import { T, type Type } from "../../src/values/types.js";
import { Duration, Timestamp, valueEquals, type Value } from "../../src/values/value.js";

const call = (name: string, ...args: Value[]): Value => {
  const f = builtins.get(name);
  if (!f?.impl) throw new Error(`no impl for ${name}`);
  return f.impl(...args);
};
const eq = (actual: Value, expected: Value) => assert.ok(valueEquals(actual, expected) && (actual === null) === (expected === null), `${String(actual)} != ${String(expected)}`);
const ts = (iso: string) => new Timestamp(Date.parse(iso));
const check = (name: string, ...args: Type[]) => builtins.get(name)!.check(args);

test("text functions", () => {
  assert.is(call("lower", "AbC"), "abc");
  assert.is(call("upper", "straße"), "STRASSE");
  assert.is(call("trim", "  x "), "x");
  assert.is(call("length", "héllo"), 5);
  assert.is(call("length", "a😀"), 2);
  assert.is(call("length", [1, 2, 3]), 3);
  assert.is(call("length", new Map([["a", 1]])), 1);
  assert.is(call("substr", "hello", 1, 3), "ell");
  assert.is(call("substr", "hello", 1), "ello");
  assert.is(call("substr", "hello", 10), "");
  assert.is(call("substr", "hello", -1), null);
  assert.is(call("substr", "😀ab", 1, 1), "a");
  assert.is(call("replace", "a-b-c", "-", "+"), "a+b+c");
  assert.is(call("replace", "abc", "", "x"), "abc");
  assert.equal(call("split", "a,b,,c", ","), ["a", "b", "", "c"]);
  assert.is(call("starts_with", "evt-1", "evt"), true);
  assert.is(call("ends_with", "evt-1", "evt"), false);
  assert.is(call("contains", "evt-1", "t-"), true);
  assert.is(call("pad_left", "7", 3, "0"), "007");
  assert.is(call("pad_left", "1234", 3, "0"), "1234");
  assert.is(call("pad_left", "7", 3), "  7");
  assert.is(call("pad_left", "7", 3, "ab"), null);
  assert.is(call("concat", "a", 1, null, true, new Big("2.50")), "a1true2.5");
  for (const f of ["lower", "upper", "trim", "length"]) assert.is(call(f, null), null);
  assert.is(call("substr", null, 1), null);
  assert.is(call("split", "a", null), null);
});

test("number functions keep the argument's type and round half away from zero", () => {
  assert.is(call("abs", -3), 3);
  eq(call("abs", new Big("-1.50")), new Big("1.5"));
  assert.is(call("round", 2.5), 3);
  assert.is(call("round", -2.5), -3);
  assert.is(call("round", 1.005, 2), 1.01);
  assert.is(call("round", 1250, -2), 1300);
  assert.is((call("round", new Big("2.345"), 2) as Big).toFixed(), "2.35");
  assert.is(call("round", 2.5, 1.5), null);
  assert.is(call("floor", -2.5), -3);
  assert.is(call("ceil", -2.5), -2);
  assert.is(call("floor", 2.5), 2);
  assert.is((call("ceil", new Big("2.1")) as Big).toFixed(), "3");
  assert.is(call("greatest", 1, null, 7, 3), 7);
  assert.is(call("least", 4, new Big("3.5"), 9)!.toString(), "3.5");
  assert.is(call("greatest", 1, "x"), null);
  assert.is(call("greatest", null, null), null);
  assert.is(call("abs", "x"), null);
});

test("conversion functions", () => {
  assert.is(call("string", 42), "42");
  assert.is(call("string", new Big("12.50")), "12.5");
  assert.is(call("string", ts("2026-11-20T10:00:00Z")), "2026-11-20T10:00:00.000Z");
  assert.is(call("string", new Duration(900_000)), "PT15M");
  assert.is(call("string", null), null);
  assert.is(call("int", "42"), 42);
  assert.is(call("int", "x"), null);
  assert.is(call("int", "4.5"), null);
  assert.is(call("int", 4.7), 4);
  assert.is(call("int", -4.7), -4);
  assert.is(call("int", new Big("9.99")), 9);
  assert.is(call("number", "2.5"), 2.5);
  assert.is(call("number", "two"), null);
  assert.ok((call("decimal", "0.1") as Big).plus(call("decimal", "0.2") as Big).eq("0.3"));
  assert.is(call("decimal", "abc"), null);
  assert.is(call("bool", "True"), true);
  assert.is(call("bool", "yes"), null);
  eq(call("timestamp", "2026-11-20"), ts("2026-11-20T00:00:00Z"));
  eq(call("timestamp", "20.11.2026 10:30", "dd.MM.yyyy HH:mm"), ts("2026-11-20T10:30:00Z"));
  assert.is(call("timestamp", "garbage"), null);
});

test("time functions truncate in UTC and format with Unicode patterns", () => {
  const t = ts("2026-11-20T10:45:12.345Z");
  eq(call("year", t), ts("2026-01-01T00:00:00Z"));
  eq(call("month", t), ts("2026-11-01T00:00:00Z"));
  eq(call("day", t), ts("2026-11-20T00:00:00Z"));
  eq(call("hour", t), ts("2026-11-20T10:00:00Z"));
  eq(call("end_of_month", t), ts("2026-12-01T00:00:00Z"));
  eq(call("end_of_month", ts("2026-12-31T23:59:59Z")), ts("2027-01-01T00:00:00Z"));
  assert.is(call("format_time", t, "yyyy-MM"), "2026-11");
  assert.is(call("format_time", t, "yyyy-MM-dd HH:mm:ss.SSS"), "2026-11-20 10:45:12.345");
  eq(call("parse_time", "2026-11-20 10:45", "yyyy-MM-dd HH:mm"), ts("2026-11-20T10:45:00Z"));
  eq(call("parse_time", "2026-11-20 10:45 +02:00", "yyyy-MM-dd HH:mm ZZ"), ts("2026-11-20T08:45:00Z"));
  assert.is(call("parse_time", "20-11-2026", "yyyy-MM-dd"), null);
  assert.is(call("format_time", null, "yyyy"), null);
  assert.is(String(call("seconds", new Duration(90_000))), "90");
  assert.is(String(call("days", new Duration(36 * 3_600_000))), "1.5");
  assert.is(call("month", "2026-11-20"), null);
});

test("coalesce and hash", () => {
  assert.is(call("coalesce", null, null, 3, 4), 3);
  assert.is(call("coalesce", null), null);
  // One string: SHA-256 of its UTF-8 bytes (FIPS 180-2 vectors, and `printf 'é€😀' | sha256sum`).
  assert.is(call("hash", "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.is(call("hash", ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.is(call("hash", "é€😀"), "df9226927fd572c1ee66eec85de1bb139497614899f36e4e90474cb71f6ef9d0");
  // Anything else: SHA-256 of the byte 0xFF and the compact JSON array of the arguments
  // (`printf '\xff["a",1]' | sha256sum`).
  assert.is(call("hash", "a", 1), "8effc3a437f578a4f0976c127b0dab2564ddb90effdf03acbaca8e86dfa752c1");
  assert.is(call("hash", 2), "6e5e4d2cb2c03cd426f1641569dac3a67685a0f7e0e7ec77ff49f450352739d9");
  assert.is(call("hash", new Big("2.00")), call("hash", 2));
  assert.is(call("hash", 2.0), call("hash", 2));
  const nested = new Map<string, Value>([["b", ["x"]], ["a", 1]]);
  assert.is(
    call("hash", new Timestamp(Date.parse("2026-11-20T10:00:00Z")), new Duration(900_000), null, true, nested),
    "9dab388a1324f68440217ff88ef75d2dd937d4fd6e4e73e89bd09731df43b94a", // \xff["2026-11-20T10:00:00.000Z","PT15M",null,true,{"a":1,"b":["x"]}]
  );
  // Unambiguous: no two different argument lists share an encoding.
  assert.is.not(call("hash", "a,b"), call("hash", "a", "b"));
  assert.is.not(call("hash", "1"), call("hash", 1));
  assert.is.not(call("hash", '["a",1]'), call("hash", "a", 1));
});

test("property: hash of one string is SHA-256 of its UTF-8 bytes; of several, of 0xFF and their JSON array", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (s) => {
      assert.is(call("hash", s), createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex"));
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)), { minLength: 2, maxLength: 5 }), (xs) => {
      assert.is(call("hash", ...xs), createHash("sha256").update(Buffer.from([0xff])).update(JSON.stringify(xs), "utf8").digest("hex"));
    }),
  );
});

test("functions never throw on bad input", () => {
  const odd: Value[] = [null, "", "x", -1, 0, NaN, Infinity, 1e300, true, new Big("-1e-30"), new Timestamp(8.64e15 + 1), new Duration(-1), [], new Map(), {}];
  for (const [name, f] of builtins) {
    if (!f.impl) continue;
    const n = Math.min(Math.max(f.minArgs, 1), 3);
    for (const a of odd) for (const b of odd) {
      const args = [a, b, a].slice(0, Math.max(n, f.minArgs));
      try {
        f.impl(...args);
      } catch (e) {
        assert.unreachable(`${name}(${args.map(String).join(", ")}) threw ${String(e)}`);
      }
    }
  }
});

test("static checks give result types and name the bad argument", () => {
  assert.equal(check("substr", T.string, T.int), { ok: true, type: T.string });
  assert.equal(check("substr", T.string, T.string), { ok: false, message: { code: "E2002", text: "argument 2 of substr must be int, got string" }, arg: 1 });
  assert.equal(check("round", T.int), { ok: true, type: T.int });
  assert.equal(check("round", T.decimal, T.int), { ok: true, type: T.decimal });
  assert.equal(check("abs", T.any), { ok: true, type: T.any });
  assert.ok(check("lower", T.null).ok);
  assert.equal(check("coalesce", T.null, T.int, T.decimal), { ok: true, type: T.decimal });
  assert.not.ok(check("coalesce", T.int, T.string).ok);
  assert.equal(check("split", T.string, T.string), { ok: true, type: T.list(T.string) });
  assert.equal(check("random_choice", T.list(T.string)), { ok: true, type: T.string });
  assert.equal(check("random_key", T.any), { ok: true, type: T.string });
  assert.equal(check("sum", T.int), { ok: true, type: T.int });
  assert.equal(check("sum", T.decimal), { ok: true, type: T.decimal });
  assert.equal(check("avg", T.int), { ok: true, type: T.decimal });
  assert.equal(check("avg", T.number), { ok: true, type: T.number });
  assert.equal(check("avg", T.decimal), { ok: true, type: T.decimal });
  assert.equal(check("max", T.timestamp), { ok: true, type: T.timestamp });
  assert.equal(check("collect_set", T.string), { ok: true, type: T.list(T.string) });
  assert.equal(check("count"), { ok: true, type: T.int });
  assert.not.ok(check("sum", T.string).ok);
  assert.is(builtins.get("seq")!.context, "simulate");
  assert.is(builtins.get("count")!.context, "aggregate");
  assert.is(builtins.get("now")!.impl, undefined);
  assert.is(builtins.get("concat")!.maxArgs, Infinity);
});

test.run();
