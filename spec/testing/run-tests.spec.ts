// runTests without files: a small stream whose tests stand in its own text,
// tables handed in as rows, results read as data.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream } from "../../src/plan/compile.js";
import { runTests, type TestResult } from "../../src/testing/index.js";

const STREAM = `
stream shop
source orders { order_id string  customer string  amount decimal  at timestamp }
source clicks simulate 5 per run seed 1 { page = "p-" + string(seq())  at = now() }
table customers from json "customers.json" key id { id string  tier string }
validate ok from orders { require amount > 0 else "amount must be positive" }
dedup unique from ok by order_id within 1d
enrich tiered from unique { tier = customers[customer].tier }
audit noted from tiered { kind = "order"  order = order_id }
aggregate totals from noted by customer, day = day(at) { orders = count()  amount = sum(amount)  waited = max(now() - at) }
sink out from noted to jsonl "out.jsonl"
sink daily from totals to jsonl "daily.jsonl"
sink pages from clicks to jsonl "pages.jsonl"
`;
const CUSTOMERS = [{ id: "c1", tier: "gold" }, { id: "c2", tier: "basic" }];

function results(tests: string, tables: Record<string, unknown[]> = { customers: CUSTOMERS }, filter?: string): TestResult[] {
  const compiled = compileStream(STREAM + tests, { filename: "shop.stream" });
  assert.equal(compiled.diagnostics.filter((d) => d.severity === "error"), []);
  const cases = compiled.checked!.tests.map((decl) => ({ decl, file: "shop.stream" }));
  return runTests(compiled.plan!, cases, { tables, clock: () => 0, ...(filter !== undefined ? { filter } : {}) });
}

const one = (tests: string, tables?: Record<string, unknown[]>): TestResult => {
  const r = results(tests, tables);
  assert.is(r.length, 1);
  return r[0]!;
};
const diff = (r: TestResult): string => r.failures.map((f) => [f.what, ...f.lines].join("\n")).join("\n\n");

const ORDER = (id: string, extra = "") => `{ order_id: "${id}", customer: "c1", amount: 12.50, at: "2026-11-20T10:00:00Z"${extra} }`;

test("records are compared on the fields the expectation writes, with timestamps and decimals normalised", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given orders [ ${ORDER("o-1")} ]
    expect out [ { order_id: "o-1", amount: 12.5, at: "2026-11-20T10:00:00Z", tier: "gold" } ]
    expect daily [ { customer: "c1", day: "2026-11-20T00:00:00.000Z", amount: 12.50, waited: 2h } ]
  }`);
  assert.is(r.status, "passed", diff(r));
});

test("a differing field is named with both values; a nested path is shown", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given orders [ ${ORDER("o-1")}, { order_id: "o-2", customer: "c1", amount: -1, at: "2026-11-20T10:00:00Z" } ]
    expect out [ { order_id: "o-1", tier: "basic" } ]
    expect rejects [ { step: "ok", errors: [ { message: "amount must be negative" } ] } ]
  }`);
  assert.is(r.status, "failed");
  assert.is(diff(r), [
    "expect out",
    'record 1: field `tier`: expected "basic", got "gold"',
    "",
    "expect rejects",
    'record 1: field `errors[0].message`: expected "amount must be negative", got "amount must be positive"',
  ].join("\n"));
});

test("expect STEP.PORT reads any step's port; audit and rejects read the built-in outputs", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given orders [ ${ORDER("o-1")}, ${ORDER("o-1")}, { order_id: "o-3", customer: "c1", amount: "lots", at: "2026-11-20T10:00:00Z" } ]
    expect unique.duplicates [ { order_id: "o-1" } ]
    expect orders.invalid [ { errors: [ { rule: "schema", message: "amount: expected decimal, got \\"lots\\"" } ], record: { amount: "lots" } } ]
    expect rejects [ { step: "orders", port: "invalid", run: 1 } ]
    expect audit [ { stream: "shop", run: 1, step: "noted", time: "2026-11-20T12:00:00Z", kind: "order", order: "o-1" } ]
    expect ok count 2
    expect tiered count 1
  }`);
  assert.is(r.status, "passed", diff(r));
});

test("a count expectation fails with the count and the records that arrived", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given orders [ ${ORDER("o-1")} ]
    expect out count 0
  }`);
  assert.is(diff(r), 'expect out count 0\nexpected 0 records, got 1\n  record 1: {"order_id":"o-1","customer":"c1","amount":"12.5","at":"2026-11-20T10:00:00.000Z","tier":"gold"}');
});

test("run blocks carry state over; givens and now outside them are every run's defaults; outer expects see all runs", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given orders [ ${ORDER("o-1")} ]
    run { expect out count 1 }
    run { expect unique.duplicates count 1 }
    run { now "2026-11-22T12:00:00Z"  expect out count 1 }
    run { given orders [ ${ORDER("o-2")} ]  expect out [ { order_id: "o-2" } ] }
    expect out count 3
    expect audit count 3
  }`);
  assert.is(r.status, "passed", diff(r));
  const failing = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    run { given orders [ ${ORDER("o-1")} ] }
    run { given orders [ ${ORDER("o-1")} ]  expect out count 1 }
  }`);
  assert.is(diff(failing), "run 2: expect out count 1\nexpected 1 record, got 0");
});

test("each test starts from empty state, and its last run flushes every open session", () => {
  const r = results(`
  test "first" { now "2026-11-20T12:00:00Z"  given orders [ ${ORDER("o-1")} ]  expect out count 1 }
  test "second" { now "2026-11-20T12:00:00Z"  given orders [ ${ORDER("o-1")} ]  expect out count 1  expect daily [ { orders: 1 } ] }`);
  assert.equal(r.map((x) => x.status), ["passed", "passed"], r.map(diff).join("\n"));
});

test("a test may give a table; a simulate source is empty unless given, and given records are decoded against its fields", () => {
  const r = one(`test "t" {
    now "2026-11-20T12:00:00Z"
    given customers [ { id: "c1", tier: "platinum" } ]
    given orders [ ${ORDER("o-1")} ]
    given clicks [ { page: "home", at: "2026-11-20T11:00:00Z" } ]
    expect out [ { tier: "platinum" } ]
    expect pages [ { page: "home", at: "2026-11-20T11:00:00.000Z" } ]
  }`);
  assert.is(r.status, "passed", diff(r));
  const empty = one(`test "t" { expect pages [] }`);
  assert.is(empty.status, "passed", diff(empty));
});

test("without `now` the clock is 1970-01-01T00:00:00Z", () => {
  const r = one(`test "t" { given clicks [ { page: "home" } ]  given orders [ ${ORDER("o-1")} ]  expect audit [ { time: "1970-01-01T00:00:00Z" } ] }`);
  assert.is(r.status, "passed", diff(r));
});

test("a test with nothing to expect, or with statements that cannot run, is an error", () => {
  const r = results(`
  test "empty" { given orders [ ${ORDER("o-1")} ] }
  test "bad now" { now "soon"  expect out [] }
  test "table in a run" { run { given customers [] expect out [] } }
  test "not literals" { given orders [ { order_id: string(1) } ]  expect out [ 1 ] }`);
  assert.equal(r.map((x) => x.status), ["error", "error", "error", "error"]);
  assert.equal(r[0]!.failures[0]!.lines, ["this test expects nothing, so it can never fail; add an `expect`"]);
  assert.match(r[1]!.failures[0]!.lines[0]!, '`now` takes an ISO-8601 timestamp such as "2026-11-20T12:00:00Z", not "soon"');
  assert.match(r[2]!.failures[0]!.lines[0]!, "table `customers` is given for the whole test; move `given customers` out of the `run` block");
  assert.equal(r[3]!.failures.map((f) => f.lines[0]!.split(" in a test")[0]), ["`given orders`", "`expect out` takes a list of records; this item is not a record `{ field: value }`"]);
});

test("a table the test gives with rows that do not fit is an error naming the row", () => {
  const r = one(`test "t" { given customers [ { id: "c1" }, { id: "c1", tier: "x" } ]  expect out [] }`);
  assert.is(r.status, "error");
  assert.match(r.failures[0]!.lines.join("\n"), "table `customers`");
});

test("filter picks tests by title, ignoring case", () => {
  const r = results(`test "Alpha" { expect out [] }  test "beta" { expect out [] }`, { customers: CUSTOMERS }, "ALP");
  assert.equal(r.map((x) => x.title), ["Alpha"]);
});

test.run();
