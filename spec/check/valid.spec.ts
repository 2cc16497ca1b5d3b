// What must NOT be an error: small valid streams exercising each feature check
// with zero diagnostics, and the inferred port schemas are what a user expects.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream, type CompileOptions } from "../../src/plan/compile.js";
import { formatDiagnostics } from "../../src/diagnostics/render.js";
import { typeToString, type Schema } from "../../src/values/types.js";
import { MAIN } from "../../src/model/ports.js";

/** Checks `text`, asserting no diagnostics at all, and returns the checked stream. */
function clean(text: string, options: CompileOptions = {}) {
  const out = compileStream(text, { filename: "valid.stream", ...options });
  assert.is(formatDiagnostics(out.diagnostics, { "valid.stream": text }), "", "no diagnostics");
  assert.ok(out.plan, "a plan");
  return out.checked!;
}

/** A port's schema as `name type[?]` strings. */
function schemaOf(text: string, step: string, port = MAIN, options: CompileOptions = {}): string[] {
  const s = clean(text, options).steps.find((x) => x.name === step);
  assert.ok(s, `step ${step}`);
  const schema: Schema | undefined = s.ports.get(port);
  assert.ok(schema, `port ${step}.${port}`);
  return schema.map((f) => `${f.name} ${typeToString(f.type)}${f.optional ? "?" : ""}`);
}

const SRC = `source orders { id string  account string  qty int  price decimal  at timestamp  tags list<string>  attrs map<string> }\n`;

test("soft keywords as field names", () => {
  const text = `source s { at timestamp  count int  key string  run int  flush string }
map m from s { at = at  count = count + 1  key = key  run = run  every = flush }
sink out from m to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "m"), ["at timestamp?", "count int?", "key string?", "run int?", "every string?"]);
});

test("dotted schema fields are referred to by their dotted path", () => {
  const text = `source s { data.account string  data.qty int? }
map m from s { account = data.account  qty = data.qty ?? 0 }
sink out from m to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "s"), ["data.account string", "data.qty int?"]);
  assert.equal(schemaOf(text, "m"), ["account string?", "qty int?"]);
});

test("enrich overwrites a field in place and appends new ones", () => {
  const text = `${SRC}enrich e from orders { qty = qty * 2  total = price * qty }
sink out from e to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "e").slice(0, 3), ["id string", "account string", "qty int?"]);
  assert.equal(schemaOf(text, "e").at(-1), "total decimal?");
});

test("route with else: the branch ports and the else port, no unmatched", () => {
  const text = `${SRC}route r from orders { when qty > 100 -> big  when qty > 10 -> medium  else -> small }
sink out from r.big, r.medium, r.small to jsonl "out.jsonl"`;
  const r = clean(text).steps.find((s) => s.name === "r")!;
  assert.equal([...r.ports.keys()], ["big", "medium", "small"]);
});

test("route without else has an unmatched port, which goes to rejects", () => {
  const text = `${SRC}route r from orders { when qty > 100 -> big }
sink out from r.big to jsonl "out.jsonl"`;
  assert.is(clean(text).unconsumed.get("r.unmatched"), "rejects");
});

test("let in map, and later assignments see earlier ones", () => {
  const text = `${SRC}map m from orders { let net = price * qty  gross = net * 1.2  label = string(gross) }
sink out from m to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "m"), ["gross decimal?", "label string?"]);
});

test("for each over a map (key, value) and over a list (item, and index, item)", () => {
  const text = `${SRC}map a from orders for each k, v in attrs { id = id  k = k  v = v }
map b from orders for each tag in tags { id = id  tag = tag }
map c from orders for each i, tag in tags { i = i  tag = tag }
sink out from a, b, c to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "a"), ["id string?", "k string?", "v string?"]);
  assert.equal(schemaOf(text, "b"), ["id string?", "tag string?"]);
  assert.equal(schemaOf(text, "c"), ["i int?", "tag string?"]);
});

test("tables: single and composite keys, `in`, rows and their fields", () => {
  const text = `${SRC}table prices from csv "p.csv" key account, id { account string  id string  unit decimal }
table accounts from json "a.json" key account { account string  plan string }
validate ok from orders { require account in accounts else "unknown account" }
map m from ok { plan = accounts[account].plan  unit = prices[account, id].unit  found = prices[account, id] != null }
sink out from m to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "m"), ["plan string?", "unit decimal?", "found bool?"]);
});

test("`in` a list literal, between, ??, matches, if", () => {
  const text = `${SRC}validate ok from orders {
  require account in ["a", "b"]             else "account"
  require qty between 1 and 100             else "qty"
  require (price ?? 0) >= 0                 else "price"
  require id matches "^o-[0-9]+$"           else "id"
  require (if qty > 10 then "big" else "small") != ""
  require at between now() - 30d and now()  else "late"
}
sink out from ok to jsonl "out.jsonl"`;
  clean(text);
});

test("params and consts in expressions, `within` and `simulate N`", () => {
  const text = `param limit int = 100
param window duration = 30d
const n = 10 * 2
const start = timestamp("2026-01-01T00:00:00Z")
source s simulate n per run seed 7 { id = "x-" + string(seq())  qty = random_int(1, limit)  at = start + seq() * 1m }
dedup d from s by id within window
validate ok from d { require qty <= limit else "too many" }
sink out from ok to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "s"), ["id string?", "qty int?", "at timestamp?"]);
});

test("a simulate source also has an invalid port (records given by tests), which goes to rejects", () => {
  const text = `source s simulate 5 per run { id = string(seq()) }
sink out from s to jsonl "out.jsonl"`;
  const c = clean(text);
  assert.equal([...c.steps[0]!.ports.keys()], [MAIN, "invalid"]);
  assert.is(c.unconsumed.get("s.invalid"), "rejects");
});

test("aggregate: keys first, then fields; drill-downs are maps; flush triggers", () => {
  const text = `${SRC}aggregate usage from orders by account, period = month(at) flush at end_of_month(period) + 2d, after 90d idle {
  events    = count()
  total     = sum(price * qty)
  by_tag    = count() by id
  first_at  = min(at)
  ids       = collect_set(id)
  mean      = avg(qty)
}
sink out from usage to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "usage"), [
    "account string",
    "period timestamp",
    "events int",
    "total decimal",
    "by_tag map<int>",
    "first_at timestamp",
    "ids list<string>",
    "mean decimal",
  ]);
});

test("flush when: a condition on the session's fields", () => {
  const text = `${SRC}aggregate usage from orders by account flush when events > 100, each run { events = count() }
sink out from usage to jsonl "out.jsonl"`;
  clean(text);
});

test("validate's invalid port carries `errors`; dedup has duplicates (counted when unconsumed)", () => {
  const text = `${SRC}validate ok from orders { require qty > 0 else "no quantity" }
dedup d from ok by id, account within 7d
sink good from d to jsonl "good.jsonl"
sink bad from ok.invalid to jsonl "bad.jsonl"`;
  assert.equal(schemaOf(text, "ok", "invalid").at(-1), "errors list<{rule string, message string}>");
  assert.is(clean(text).unconsumed.get("d.duplicates"), "counted");
});

test("a source's invalid port: errors, file, line and the raw record", () => {
  assert.equal(schemaOf(`${SRC}sink out from orders, orders.invalid to jsonl "out.jsonl"`, "orders", "invalid"), [
    "errors list<{rule string, message string}>",
    "file string?",
    "line int?",
    "record any?",
  ]);
});

test("merge unifies nullability; audit passes records on unchanged", () => {
  const text = `source a { id string  qty int }
source b { id string  qty int? }
merge m from a, b
audit au from m { kind = "seen"  id = id }
sink out from au to jsonl "out.jsonl"`;
  assert.equal(schemaOf(text, "m"), ["id string", "qty int?"]);
  assert.equal(schemaOf(text, "au"), ["id string", "qty int?"]);
});

test("a csv sink with inputs of one schema; csv source with a delimiter and batch", () => {
  const text = `source a from csv "a/*.csv" batch 500 delimiter ";" { id string  qty int }
source b { id string  qty int }
sink out from a, b to csv "out.csv"`;
  clean(text);
});

test("defaults: literals of the field's type, and text that converts like input data", () => {
  const text = `param since timestamp = "2026-01-01T00:00:00Z"
source s { id string  qty int = 1  price decimal = 0  currency string = "EUR"  at timestamp = "2026-01-01T00:00:00Z"  grace duration = 2d }
validate ok from s { require at >= since }
sink out from ok to jsonl "out.jsonl"`;
  clean(text);
});

test("host functions are checked like built-ins", () => {
  const text = `${SRC}map m from orders { double = twice(qty) }
sink out from m to jsonl "out.jsonl"`;
  const options: CompileOptions = { functions: { twice: { params: ["int"], returns: "int", impl: (x) => (typeof x === "number" ? x * 2 : null) } } };
  assert.equal(schemaOf(text, "m", MAIN, options), ["double int?"]);
  const bad = compileStream(text.replace("twice(qty)", "twice(id)"), { filename: "valid.stream", ...options });
  assert.equal(bad.diagnostics.map((d) => d.code), ["E2002"]);
});

test("tests naming sources, tables, sinks, ports and the built-in outputs", () => {
  const text = `${SRC}table accounts from csv "a.csv" key account { account string  plan string }
validate ok from orders { require account in accounts else "unknown" }
sink out from ok to jsonl "out.jsonl"
test "a test" {
  now "2026-11-20T12:00:00Z"
  given orders [ { id: "o-1", account: "A", qty: 1, price: 2.50, at: "2026-11-20T10:00:00Z", tags: [], attrs: {} } ]
  given accounts [ { account: "A", plan: "pro" } ]
  expect out [ { id: "o-1" } ]
  expect ok.invalid count 0
  expect rejects []
  expect audit count 0
  run { given orders [] expect out count 0 }
}`;
  clean(text);
});

for (const file of ["streams/peppa.stream", "streams/api-metering.stream", "streams/storage-billing.stream"]) {
  test(`${file} checks with zero errors and zero warnings`, () => {
    const text = readFileSync(file, "utf8");
    const out = compileStream(text, { filename: file });
    assert.is(formatDiagnostics(out.diagnostics, { [file]: text }), "");
  });
}

test("peppa: the schemas a user expects", () => {
  const text = readFileSync("streams/peppa.stream", "utf8");
  const c = compileStream(text, { filename: "peppa.stream" }).checked!;
  const port = (step: string, p = MAIN) => c.steps.find((s) => s.name === step)!.ports.get(p)!.map((f) => `${f.name} ${typeToString(f.type)}`);
  assert.equal(port("usage"), ["account_id string", "period timestamp", "events int", "by_funnel map<int>", "by_service map<int>", "first_at timestamp", "last_at timestamp"]);
  assert.equal(port("known", "invalid").map((f) => f.split(" ")[0]), ["event_id", "origin", "account_ref", "account_id", "funnel", "service", "at", "errors"]);
  assert.equal(port("funnel_analytics"), ["account_id string", "period string", "funnel string", "events int"]);
});

test.run();
