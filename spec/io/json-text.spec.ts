// JSON text without lost digits: parseJsonText is JSON.parse except that a
// number a double cannot hold arrives as its text; jsonText is JSON.stringify
// except that bigints and such numbers are written as their exact digits.
import { isRight } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import { jsonText, parseJsonText } from "../../src/io/json-text.js";
import { readJsonl } from "../../src/io/read-jsonl.js";
import { parseJsonArray } from "../../src/io/read-json.js";
import { writeCsv } from "../../src/io/write-csv.js";
import { writeJson } from "../../src/io/write-json.js";
import { writeJsonl } from "../../src/io/write-jsonl.js";
import { convert } from "../../src/values/convert.js";
import { T } from "../../src/values/types.js";
import { JsonNumber } from "../../src/values/value.js";
import { collect, recordsOf } from "./helpers.js";

const SUITE = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../shared/conformance/jsontestsuite/test_parsing");

/** JSON.parse's value with each kept number replaced by what a double makes of it. */
function asDoubles(v: unknown): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(asDoubles);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asDoubles(x)]));
  return v;
}

test("parseJsonText gives JSON.parse's value for any JSON, numbers aside, and the same errors", () => {
  fc.assert(
    fc.property(fc.json(), (text) => {
      const parsed = parseJsonText(text);
      assert.equal(asDoubles(parsed), JSON.parse(text));
    }),
    { numRuns: 1000 },
  );
  for (const bad of ["{", '{"a":1,}', "[1e]", '{"a":01}', "", "{'a':1}"]) {
    let native = "";
    try {
      JSON.parse(bad);
    } catch (e) {
      native = (e as Error).message;
    }
    assert.throws(() => parseJsonText(bad), (e: Error) => e.message === native);
  }
  // JSON.parse's rules for keys: the last duplicate wins, `__proto__` is an own key.
  const dup = parseJsonText('{"a":1,"a":12345678901234567890,"__proto__":1e400}') as Record<string, unknown>;
  assert.equal(Object.keys(dup), ["a", "__proto__"]);
  assert.ok(dup["a"] instanceof JsonNumber && (dup["a"] as JsonNumber).text === "12345678901234567890");
  assert.is(Object.getPrototypeOf(dup), Object.prototype);
});

test("a number a double cannot hold keeps its text; every other number is a plain double", () => {
  const parsed = parseJsonText(
    '{"a":12345678901234567890.123,"b":0.10000000000000000001,"c":9007199254740993,"d":1e999999999,"e":1e-999999999,"f":9007199254740991,"g":0.1,"h":1e3,"i":"12345678901234567890","j":[1.50,-0]}',
  ) as Record<string, unknown>;
  const text = (k: string): string => (parsed[k] as JsonNumber).text;
  assert.equal([text("a"), text("b"), text("c"), text("d"), text("e")], ["12345678901234567890.123", "0.10000000000000000001", "9007199254740993", "1e999999999", "1e-999999999"]);
  assert.equal([parsed["f"], parsed["g"], parsed["h"], parsed["i"], parsed["j"]], [9007199254740991, 0.1, 1000, "12345678901234567890", [1.5, -0]]);
});

test("property: any decimal written as a JSON number arrives exact in a decimal field", () => {
  const decimalText = fc
    .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: -40, max: 40 }))
    .map(([digits, scale, exp]) => {
      const s = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, "0");
      const mantissa = scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
      return `${digits < 0n ? "-" : ""}${mantissa}${exp ? `e${exp}` : ""}`;
    });
  fc.assert(
    fc.property(decimalText, fc.constantFrom("", " ", "\t"), (literal, ws) => {
      const raw = (parseJsonText(`{"x":${ws}${literal}}`) as Record<string, unknown>)["x"];
      const d = convert(raw, T.decimal);
      assert.ok(d.ok && (d.value as Big).eq(new Big(literal)), `${literal} gave ${d.ok ? String(d.value) : d.reason}`);
    }),
    { numRuns: 2000 },
  );
});

test("JSONTestSuite: every document parses as JSON.parse does; every number is exact as a decimal or refused quickly", () => {
  const files = fs.readdirSync(SUITE).filter((f) => f.endsWith(".json"));
  assert.ok(files.length > 300);
  let numbers = 0;
  for (const f of files) {
    const text = fs.readFileSync(path.join(SUITE, f), "utf8");
    let native: unknown;
    let nativeOk = true;
    try {
      native = JSON.parse(text);
    } catch {
      nativeOk = false;
    }
    let mine: unknown;
    let mineOk = true;
    try {
      mine = parseJsonText(text);
    } catch {
      mineOk = false;
    }
    assert.is(mineOk, nativeOk, f);
    if (!nativeOk) continue;
    assert.equal(asDoubles(mine), native, f);
    if (!f.includes("number")) continue;
    const items = Array.isArray(mine) ? mine : [mine];
    for (const item of items) {
      if (typeof item !== "number" && !(item instanceof JsonNumber)) continue;
      numbers++;
      const literal = item instanceof JsonNumber ? item.text : String(item);
      const start = Date.now();
      const d = convert(item, T.decimal);
      assert.ok(Date.now() - start < 100, f);
      if (d.ok) assert.ok((d.value as Big).eq(new Big(literal)), f);
      else assert.match(d.reason, /beyond the digits a decimal may have/, f);
    }
  }
  assert.ok(numbers > 20, `${numbers} numbers`);
});

test("jsonText is JSON.stringify for JSON values, and writes bigints and kept numbers as their digits", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (v, indent) => {
      assert.is(jsonText(v, indent), JSON.stringify(v, null, indent));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      assert.is(jsonText({ n, list: [n] }), `{"n":${n},"list":[${n}]}`);
      assert.equal(parseJsonText(jsonText({ n })), { n: Number.isSafeInteger(Number(n)) ? Number(n) : new JsonNumber(n.toString()) });
    }),
  );
  assert.is(jsonText({ x: new JsonNumber("0.10000000000000000001") }, 2), '{\n  "x": 0.10000000000000000001\n}');
});

test("the writers print ints beyond 2^53 and kept numbers exactly", () => {
  const records = [{ id: "a", n: 9007199254740993n, raw: { d: new JsonNumber("1e999999999") } }, { id: "b", n: 1, raw: null }];
  assert.is(writeJsonl(records), '{"id":"a","n":9007199254740993,"raw":{"d":1e999999999}}\n{"id":"b","n":1,"raw":null}\n');
  assert.is(JSON.parse(writeJson(records).replace("9007199254740993", '"big"'))[0].n, "big");
  assert.match(writeJson(records), /"n": 9007199254740993,/);
  assert.is(writeCsv(records, { columns: ["id", "n", "raw"] }), 'id,n,raw\na,9007199254740993,"{""d"":1e999999999}"\nb,1,\n');
});

test("the JSON readers hand exact numbers to the decoder; a lone big number is still not a record", async () => {
  const lines = '{"d":12345678901234567890.123}\n12345678901234567890\n[1e999]\n';
  const items = await collect(readJsonl(Readable.from([lines]), "in.jsonl"));
  assert.equal(items.map((i) => (i.kind === "reject" ? i.reason : i.kind)), ["record", "line 2: expected a JSON object, got a number", "line 3: expected a JSON object, got an array"]);
  const [rec] = recordsOf(items) as Record<string, unknown>[];
  assert.equal(convert(rec!["d"], T.decimal), { ok: true, value: new Big("12345678901234567890.123") });
  const arr = parseJsonArray('[\n{"n":9007199254740993},\n12345678901234567890\n]', "in.json");
  assert.ok(isRight(arr));
  if (!isRight(arr)) return;
  assert.equal(convert((arr.right.items[0] as { record: Record<string, unknown> }).record["n"], T.int), { ok: true, value: 9007199254740993n });
  const reject = arr.right.items[1]!;
  assert.ok(reject.kind === "reject" && reject.text === "12345678901234567890" && reject.reason.endsWith("got a number"));
});

test.run();
