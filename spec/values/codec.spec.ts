import { test } from "uvu";
import * as assert from "uvu/assert";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import Big from "big.js";
import fc from "fast-check";
import { compileDecoder, recordCodec, type DecodeField } from "../../src/values/codec.js";
import { T, type Type } from "../../src/values/types.js";
import { JsonNumber, type Value } from "../../src/values/value.js";

const field = (name: string, type: Type, optional = false, dflt?: Value): DecodeField => ({
  name,
  path: name.split("."),
  type,
  optional,
  ...(dflt === undefined ? {} : { default: dflt }),
});

const schema = [
  field("tenant", T.string),
  field("qty", T.int),
  field("data.account", T.string),
  field("data.meta.region", T.string, true, "eu"),
  field("note", T.string, true),
];
const decode = compileDecoder(schema);

test("decodes nested dotted paths in schema order and counts dropped fields", () => {
  const r = decode({ extra: 1, qty: "3", data: { account: "A-1", other: true, meta: { region: "us", x: 1 } }, tenant: "T-1" });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(Object.keys(r.record), ["tenant", "qty", "data.account", "data.meta.region", "note"]);
  assert.equal(r.record, { tenant: "T-1", qty: 3, "data.account": "A-1", "data.meta.region": "us", note: null });
  assert.is(r.dropped, 3); // extra, data.other, data.meta.x
});

test("defaults fill missing optional fields; an empty cell counts as absent", () => {
  const r = decode({ tenant: "T", qty: "", data: { account: "A" } });
  assert.equal(r, { ok: false, reasons: ["qty: missing"] });
  const csv = compileDecoder(schema, { emptyIsAbsent: true });
  const c = csv({ tenant: "T", qty: "1", "data.account": "A", "data.meta.region": "", note: "" });
  assert.equal(c, { ok: true, record: { tenant: "T", qty: 1, "data.account": "A", "data.meta.region": "eu", note: null }, dropped: 0 });
});

test("one reason per bad field", () => {
  assert.equal(decode({ tenant: null, qty: "abc", data: 5 }), {
    ok: false,
    reasons: ["tenant: missing", 'qty: expected int, got "abc"', "data.account: expected a record at data, got 5", "data.meta.region: expected a record at data, got 5"],
  });
  assert.equal(decode("x"), { ok: false, reasons: ['expected a record, got "x"'] });
  assert.equal(decode([1]), { ok: false, reasons: ["expected a record, got [1]"] });
  assert.equal(decode(null), { ok: false, reasons: ["expected a record, got null"] });
});

test("__proto__, constructor and unicode names are ordinary fields", () => {
  const d = compileDecoder([field("__proto__", T.string), field("constructor", T.int, true), field("größe", T.decimal), field("toString", T.string, true)]);
  const r = d(JSON.parse('{"__proto__": "p", "größe": "1.50", "hasOwnProperty": 1}'));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(Object.keys(r.record), ["__proto__", "constructor", "größe", "toString"]);
  assert.is(Object.getPrototypeOf(r.record), Object.prototype);
  assert.is(Object.getOwnPropertyDescriptor(r.record, "__proto__")?.value, "p");
  assert.is(r.record.constructor, null); // not Object
  assert.ok((r.record["größe"] as Big).eq("1.5"));
  assert.is(r.dropped, 1);
  assert.equal(d({}), { ok: false, reasons: ["__proto__: missing", "größe: missing"] });
});

test("recordCodec validates through io-ts", () => {
  const codec = recordCodec(schema);
  const good = codec.decode({ tenant: "T", qty: 2, data: { account: "A" } });
  assert.ok(isRight(good));
  const bad = codec.decode({ tenant: "T", qty: 2.5, data: { account: "A" } });
  assert.ok(isLeft(bad));
  if (isLeft(bad)) assert.equal(bad.left.map((e) => e.message), ["qty: expected int, got 2.5"]);
});

/**
 * For both readings of an empty string: the generated fast path of `fields` is defined, and on
 * every raw record it either leaves the record to the full decoder or gives exactly its record
 * (fields, key order, undeclared count), taking more than 100 of 2000 records itself.
 */
function fastMatchesFull(fields: Parameters<typeof compileDecoder>[0], raw: fc.Arbitrary<unknown>): void {
  for (const emptyIsAbsent of [false, true]) {
    const d = compileDecoder(fields, { emptyIsAbsent });
    assert.type(d.fast, "function");
    let fastHits = 0;
    fc.assert(
      fc.property(raw, (r) => {
        const counter = { dropped: 0 };
        const fast = d.fast!(r, counter);
        const full = d(r);
        if (fast === undefined) return;
        fastHits++;
        assert.ok(full.ok);
        if (!full.ok) return;
        assert.equal(fast, full.record);
        assert.equal(Object.keys(fast), Object.keys(full.record));
        assert.is(counter.dropped, full.dropped);
      }),
      { numRuns: 2000 },
    );
    assert.ok(fastHits > 100, `the fast path decoded only ${fastHits} records`);
  }
}

test("the generated fast path gives exactly what the full decoder gives, or leaves the record to it", () => {
  const flat = [
    field("id", T.string),
    field("n", T.int),
    field("x", T.number, true),
    field("ok", T.bool, false, false),
    field("at", T.timestamp),
    field("price", T.decimal, true),
    field("note", T.string, true, "none"),
  ];
  const odd = fc.constantFrom<unknown>(null, undefined, "", "a", "12", "1.5", "2026-02-30T00:00:00Z", "yes", true, [], {}, 2.5, -0, 9007199254740993n, 2n ** 64n, new JsonNumber("12345678901234567890.5"), new JsonNumber("9007199254740993"));
  const either = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: odd });
  const raw = fc.record(
    {
      id: either(fc.string()),
      n: either(fc.integer()),
      x: either(fc.double()),
      ok: either(fc.boolean()),
      at: either(fc.constantFrom("2026-11-20T10:00:00Z", "2026-11-20T10:00:00.123+02:00", "2026-11-20")),
      price: either(fc.constantFrom("1.50", "-3", "0")),
      note: either(fc.string()),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  fastMatchesFull(flat, raw);
  // Class instances and paths three deep go to the full decoder.
  class Event {
    get id(): string {
      return "inherited";
    }
  }
  assert.is(compileDecoder(flat).fast!(new Event(), { dropped: 0 }), undefined);
  assert.is(compileDecoder(schema).fast, undefined);
});

test("the fast path of paths two deep (CloudEvents' data.tenant) gives exactly what the full decoder gives, or leaves the record to it", () => {
  const nested = [field("id", T.string), field("data.tenant", T.string), field("data.n", T.int, true), field("data.at", T.timestamp, true), field("data.note", T.string, true, "none"), field("meta.k", T.string, true)];
  const odd = fc.constantFrom<unknown>(null, undefined, "", "a", "12", 2.5, [], {}, true, new JsonNumber("9007199254740993"));
  const either = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: odd });
  const data = fc.record({ tenant: either(fc.string()), n: either(fc.integer()), at: either(fc.constantFrom("2026-11-20T10:00:00Z", "2026-11-20")), note: either(fc.string()), other: fc.anything() }, { requiredKeys: [] });
  const raw = fc.record(
    {
      id: either(fc.string()),
      data: fc.oneof({ weight: 6, arbitrary: data }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: data.map((d) => Object.assign(Object.create({ inherited: 1 }) as object, d)) }),
      meta: fc.oneof(fc.record({ k: either(fc.string()), j: fc.string() }, { requiredKeys: [] }), odd),
      extra: fc.anything(),
    },
    { requiredKeys: ["data"] },
  );
  // Now and then the dotted name as one flat key too, as a CSV header gives it.
  const withFlat = fc.tuple(raw, fc.nat(9), fc.string()).map(([r, n, s]) => (n === 0 ? { ...r, "data.tenant": s } : r));
  fastMatchesFull(nested, withFlat);
  // A field that is also the object of a dotted one goes to the full decoder.
  assert.is(compileDecoder([field("data", T.string, true), field("data.x", T.string)]).fast, undefined);
});

test("a host's bigint and a reader's kept JSON number decode exactly; beyond 64 bits is a reason", () => {
  const d = compileDecoder([field("n", T.int), field("d", T.decimal), field("s", T.string)]);
  const ok = d({ n: 9007199254740993n, d: new JsonNumber("0.10000000000000000001"), s: new JsonNumber("1e999") });
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.record, { n: 9007199254740993n, d: new Big("0.10000000000000000001"), s: "1e999" });
  const small = d({ n: 5n, d: 5n, s: 5n });
  assert.ok(small.ok && small.record["n"] === 5 && (small.record["d"] as Big).eq(5) && small.record["s"] === "5");
  assert.equal(d({ n: 2n ** 63n, d: new JsonNumber("1e999999999"), s: "x" }), {
    ok: false,
    reasons: ["n: expected int, got 9223372036854775808 (beyond the 64-bit range of int)", "d: expected decimal, got 1e999999999 (beyond the digits a decimal may have, 10^1000 down to 10^-1000)"],
  });
});

test.run();
