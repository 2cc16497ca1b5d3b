// Each operator through the embedding API, against small hand-computed cases.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runnerFor, NOW } from "./helpers.js";

const SOURCE = `stream t
source s { id string  qty int  price decimal?  ok bool = false  at timestamp  data.account string  tags list<string>? }
sink o from s to jsonl "o.jsonl"`;

test("source: JSON values decode against the schema; ? and defaults; dotted paths nested or flat", () => {
  const r = runnerFor(SOURCE).run({
    sources: {
      s: [
        { id: "a", qty: 2, price: "1.10", at: "2026-11-20T10:00:00Z", data: { account: "A1" } },
        { id: "c", qty: 3, at: "2026-11-20T10:00:00+01:00", "data.account": "A3", tags: ["x"], ok: true },
      ],
    },
    now: NOW,
  });
  assert.equal(r.outputs.o, [
    { id: "a", qty: 2, price: "1.1", ok: false, at: "2026-11-20T10:00:00.000Z", "data.account": "A1", tags: null },
    { id: "c", qty: 3, price: null, ok: true, at: "2026-11-20T09:00:00.000Z", "data.account": "A3", tags: ["x"] },
  ]);
  assert.equal(r.rejects, []);
  assert.is(r.report.balanced, true);
});

test("source: a bad record goes to rejects with one reason per bad field, the raw record kept", () => {
  const r = runnerFor(SOURCE).run({
    sources: {
      s: [
        { id: "b", qty: "abc", at: "nope", data: { account: "A2" } },
        { qty: 1.5, at: "2026-11-20T10:00:00Z", data: "zz" },
        "not a record",
      ],
    },
    now: NOW,
  });
  assert.equal(r.outputs.o, []);
  assert.equal(r.rejects, [
    { step: "s", port: "invalid", run: 1, errors: [{ rule: "schema", message: 'qty: expected int, got "abc"' }, { rule: "schema", message: 'at: expected timestamp, got "nope"' }], file: null, line: null, record: { id: "b", qty: "abc", at: "nope", data: { account: "A2" } } },
    { step: "s", port: "invalid", run: 1, errors: [{ rule: "schema", message: "id: missing" }, { rule: "schema", message: "qty: expected int, got 1.5" }, { rule: "schema", message: 'data.account: expected a record at data, got "zz"' }], file: null, line: null, record: { qty: 1.5, at: "2026-11-20T10:00:00Z", data: "zz" } },
    { step: "s", port: "invalid", run: 1, errors: [{ rule: "schema", message: 'expected a record, got "not a record"' }], file: null, line: null, record: "not a record" },
  ]);
  assert.equal(r.report.balance, { read: 3, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 3, dropped: 0 });
  assert.is(r.report.balanced, true);
});

test("source: rejects keep the order of their lines, malformed lines among undecodable records", () => {
  const r = runnerFor(`source s { qty int }\nsink o from s to jsonl "o.jsonl"`).run({
    sources: {
      s: {
        records: [{ qty: "x" }, { qty: 1 }, { qty: "y" }],
        origins: [{ file: "b.jsonl", line: 2 }, { file: "b.jsonl", line: 3 }, { file: "c.jsonl", line: 1 }],
        malformed: [{ file: "b.jsonl", line: 1, reason: "line 1: invalid JSON", text: "{" }, { file: "b.jsonl", line: 4, reason: "line 4: invalid JSON", text: "}" }],
      },
    },
    now: NOW,
  });
  assert.equal(r.rejects.map((x) => `${x["file"]}:${x["line"]}`), ["b.jsonl:1", "b.jsonl:2", "b.jsonl:4", "c.jsonl:1"]);
  assert.is(r.report.balanced, true);
});

test("source: undeclared fields, top-level and below a dotted path, are dropped and counted", () => {
  const r = runnerFor(SOURCE).run({
    sources: { s: [{ id: "a", qty: 1, at: "2026-11-20T10:00:00Z", data: { account: "A", extra: 1, more: 2 }, colour: "red" }] },
    now: NOW,
  });
  assert.equal(Object.keys(r.outputs.o![0]!), ["id", "qty", "price", "ok", "at", "data.account", "tags"]);
  assert.is(r.report.steps.find((s) => s.step === "s")!.undeclaredFields, 3);
});

test("source: CSV text converts to the declared types and an empty cell is absent", () => {
  const r = runnerFor(SOURCE).run({
    sources: {
      s: {
        csv: true,
        records: [
          { id: "d", qty: "7", price: "2.50", ok: "", at: "2026-01-01", "data.account": "Y" },
          { id: "", qty: "7", price: "", ok: "true", at: "2026-01-01T00:00:00Z", "data.account": "X" },
          { id: "e", qty: "x7", price: "1,5", ok: "maybe", at: "2026-01-01T00:00:00Z", "data.account": "" },
        ],
      },
    },
    now: NOW,
  });
  assert.equal(r.outputs.o, [{ id: "d", qty: 7, price: "2.5", ok: false, at: "2026-01-01T00:00:00.000Z", "data.account": "Y", tags: null }]);
  const schema = (message: string) => ({ rule: "schema", message });
  assert.equal(r.rejects.map((x) => x.errors), [[schema("id: missing")], [schema('qty: expected int, got "x7"'), schema('price: expected decimal, got "1,5"'), schema('ok: expected bool, got "maybe"'), schema("data.account: missing")]]);
});

test("empty batches and sources without a batch: nothing out, the balance is zero and holds", () => {
  const runner = runnerFor(SOURCE);
  const batches: Record<string, unknown[] | { records: unknown[]; csv: boolean }>[] = [{ s: [] }, {}, { s: { records: [], csv: true } }];
  for (const sources of batches) {
    const r = runner.run({ sources, now: NOW });
    assert.equal(r.outputs, { o: [] });
    assert.equal(r.report.balance, { read: 0, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 0, dropped: 0 });
    assert.is(r.report.balanced, true);
  }
  assert.is(runner.state.runs, 3);
});

const SIM = `stream t
table keys from csv "k.csv" key k { k string }
source g simulate 5 per run seed 3 {
  n   = seq()
  r   = run()
  key = random_key(keys)
  x   = random_int(1, 1000)
  c   = random_choice(["a", "b"])
}
sink o from g to jsonl "o.jsonl"`;
const KEYS = { keys: [{ k: "k1" }, { k: "k2" }, { k: "k3" }] };

test("simulate: seq and run; random_key draws the table's keys; the same seed gives the same records", () => {
  const a = runnerFor(SIM, { tables: KEYS });
  const first = a.run({ now: NOW }).outputs.o!;
  const second = a.run({ now: NOW }).outputs.o!;
  assert.equal(first.map((r) => [r.n, r.r]), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
  assert.equal(second.map((r) => [r.n, r.r]), [[1, 2], [2, 2], [3, 2], [4, 2], [5, 2]]);
  for (const r of [...first, ...second]) {
    assert.ok(["k1", "k2", "k3"].includes(r.key as string));
    assert.ok((r.x as number) >= 1 && (r.x as number) <= 1000);
    assert.ok(r.c === "a" || r.c === "b");
  }
  assert.not.equal(first.map((r) => r.x), second.map((r) => r.x), "another run draws other numbers");
  const b = runnerFor(SIM, { tables: KEYS });
  assert.equal(b.run({ now: NOW }).outputs.o, first);
  assert.equal(b.run({ now: NOW }).outputs.o, second);
  const otherSeed = runnerFor(SIM.replace("seed 3", "seed 4"), { tables: KEYS }).run({ now: NOW }).outputs.o!;
  assert.not.equal(otherSeed.map((r) => r.x), first.map((r) => r.x));
});

test("validate: every failing rule is kept with its source text and message; null fails a rule", () => {
  const r = runnerFor(`stream t
source s { id string?  qty int? }
validate v from s {
  require id != null          else "id is required"
  require qty > 0             else "qty must be positive"
  require qty < 100
}
sink ok from v to jsonl "ok.jsonl"
sink bad from v.invalid to jsonl "bad.jsonl"`).run({ sources: { s: [{ id: "a", qty: 5 }, { qty: -1 }, { id: "c" }, { id: "d", qty: 500 }] }, now: NOW });
  assert.equal(r.outputs.ok, [{ id: "a", qty: 5 }]);
  assert.equal(r.outputs.bad, [
    { id: null, qty: -1, errors: [{ rule: "id != null", message: "id is required" }, { rule: "qty > 0", message: "qty must be positive" }] },
    { id: "c", qty: null, errors: [{ rule: "qty > 0", message: "qty must be positive" }, { rule: "qty < 100", message: "rule failed: qty < 100" }] },
    { id: "d", qty: 500, errors: [{ rule: "qty < 100", message: "rule failed: qty < 100" }] },
  ]);
  assert.is(r.report.balanced, true);
});

test("validate: an unconsumed invalid port goes to rejects as {step, port, run, errors, record}", () => {
  const r = runnerFor(`stream t
source s { id string }
validate v from s { require id matches "^[a-z]+$" else "lower-case only" }
sink ok from v to jsonl "ok.jsonl"`).run({ sources: { s: [{ id: "ok" }, { id: "NO" }] }, now: NOW });
  assert.equal(r.rejects, [{ step: "v", port: "invalid", run: 1, errors: [{ rule: 'id matches "^[a-z]+$"', message: "lower-case only" }], record: { id: "NO" } }]);
  assert.equal(r.report.balance.rejected, 1);
  assert.is(r.report.balanced, true);
});

test("map: let and later statements see earlier ones; exactly the declared fields", () => {
  const r = runnerFor(`stream t
source s { a int  b int  c string }
map m from s {
  let sum = a + b
  double = sum * 2
  label  = c + ":" + string(double)
}
sink o from m to jsonl "o.jsonl"`).run({ sources: { s: [{ a: 1, b: 2, c: "x" }] }, now: NOW });
  assert.equal(r.outputs.o, [{ double: 6, label: "x:6" }]);
});

test("map for each over a map (sorted keys, key and value) and over a list (one variable)", () => {
  const r = runnerFor(`stream t
source s { id string  counts map<int>  tags list<string> }
map per_key from s for each k, n in counts { id = id  k = k  n = n }
map per_tag from s for each tag in tags { id = id  tag = tag }
map per_index from s for each i, tag in tags { i = i  tag = tag }
sink a from per_key to jsonl "a.jsonl"
sink b from per_tag to jsonl "b.jsonl"
sink c from per_index to jsonl "c.jsonl"`).run({
    sources: { s: [{ id: "x", counts: { zeta: 1, alpha: 2, "\u00e9t\u00e9": 3 }, tags: ["p", "q"] }, { id: "y", counts: {}, tags: [] }] },
    now: NOW,
  });
  assert.equal(r.outputs.a, [
    { id: "x", k: "alpha", n: 2 },
    { id: "x", k: "zeta", n: 1 },
    { id: "x", k: "\u00e9t\u00e9", n: 3 },
  ]);
  assert.equal(r.outputs.b, [{ id: "x", tag: "p" }, { id: "x", tag: "q" }]);
  assert.equal(r.outputs.c, [{ i: 0, tag: "p" }, { i: 1, tag: "q" }]);
  // Two inputs read three times: 2 absorbed per for-each step, 7 created, plus 2x2 copies of the fan-out.
  assert.is(r.report.balanced, true);
});

test("enrich: the input record plus new and overwritten fields, with table lookups", () => {
  const r = runnerFor(`stream t
table plans from csv "p.csv" key id { id string  tier string }
source s { id string  qty int }
enrich e from s {
  let p = plans[id]
  tier = p.tier ?? "none"
  qty  = qty * 10
}
sink o from e to jsonl "o.jsonl"`, { tables: { plans: [{ id: "a", tier: "gold" }] } }).run({ sources: { s: [{ id: "a", qty: 1 }, { id: "b", qty: 2 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ id: "a", qty: 10, tier: "gold" }, { id: "b", qty: 20, tier: "none" }]);
});

test("merge: inputs whose fields come in another order are rebuilt in the output's order", () => {
  const r = runnerFor(`stream t
source a { x string  y int }
source b { y int  x string }
merge m from a, b
sink o from m to jsonl "o.jsonl"`).run({ sources: { a: [{ x: "a1", y: 1 }], b: [{ y: 2, x: "b1" }, { x: "b2", y: 3 }] }, now: NOW });
  assert.equal(r.outputs.o, [{ x: "a1", y: 1 }, { x: "b1", y: 2 }, { x: "b2", y: 3 }]);
  assert.equal(r.outputs.o!.map((rec) => Object.keys(rec)), [["x", "y"], ["x", "y"], ["x", "y"]]);
});

test("route: the first matching branch wins; else takes the rest", () => {
  const r = runnerFor(`stream t
source s { n int? }
route r from s { when n > 10 -> big  when n > 0 -> small  else -> other }
sink big from r.big to jsonl "b.jsonl"
sink small from r.small to jsonl "s.jsonl"
sink other from r.other to jsonl "o.jsonl"`).run({ sources: { s: [{ n: 20 }, { n: 5 }, { n: -1 }, {}] }, now: NOW });
  assert.equal(r.outputs, { big: [{ n: 20 }], small: [{ n: 5 }], other: [{ n: -1 }, { n: null }] });
});

test("route: without else, unmatched records go to rejects", () => {
  const r = runnerFor(`stream t
source s { n int? }
route r from s { when n > 0 -> pos }
sink pos from r.pos to jsonl "p.jsonl"`).run({ sources: { s: [{ n: 1 }, { n: 0 }, {}] }, now: NOW });
  assert.equal(r.outputs.pos, [{ n: 1 }]);
  assert.equal(r.rejects, [
    { step: "r", port: "unmatched", run: 1, errors: [{ rule: "route", message: "no `when` branch matched" }], record: { n: 0 } },
    { step: "r", port: "unmatched", run: 1, errors: [{ rule: "route", message: "no `when` branch matched" }], record: { n: null } },
  ]);
  assert.is(r.report.balanced, true);
});

test("audit: one event per record with stream, run, step and run clock; records pass unchanged", () => {
  const runner = runnerFor(`stream ledger
source s { id string  qty int }
audit a from s { kind = "seen"  id = id  twice = qty * 2 }
sink o from a to jsonl "o.jsonl"`);
  runner.run({ sources: { s: [] }, now: NOW });
  const r = runner.run({ sources: { s: [{ id: "a", qty: 1 }, { id: "b", qty: 2 }] }, now: "2026-11-21T00:00:00Z" });
  assert.equal(r.outputs.o, [{ id: "a", qty: 1 }, { id: "b", qty: 2 }]);
  assert.equal(r.audit, [
    { stream: "ledger", run: 2, step: "a", time: "2026-11-21T00:00:00.000Z", kind: "seen", id: "a", twice: 2 },
    { stream: "ledger", run: 2, step: "a", time: "2026-11-21T00:00:00.000Z", kind: "seen", id: "b", twice: 4 },
  ]);
});

test("expressions: null propagates through arithmetic, comparisons are false, ?? and coalesce fill in", () => {
  const r = runnerFor(`stream t
source s { a int?  b string?  m map<int>? }
map o from s {
  sum    = a + 1
  gt     = a > 0
  isnull = a == null
  neg    = not (a > 0)
  either = a > 0 or b == "x"
  filled = a ?? -1
  co     = coalesce(b, "none")
  member = m.k
  index  = m["k"]
  cond   = if a > 0 then "pos" else "not"
  joined = b + "!"
  conv   = int(b)
}
sink out from o to jsonl "o.jsonl"`).run({ sources: { s: [{}, { a: 2, b: "x", m: { k: 7 } }] }, now: NOW });
  assert.equal(r.outputs.out, [
    { sum: null, gt: false, isnull: true, neg: true, either: false, filled: -1, co: "none", member: null, index: null, cond: "not", joined: null, conv: null },
    { sum: 3, gt: true, isnull: false, neg: false, either: true, filled: 2, co: "x", member: 7, index: 7, cond: "pos", joined: "x!", conv: null },
  ]);
});

test("keys and fields with odd names: __proto__, constructor, unicode pass through as data", () => {
  const r = runnerFor(`stream t
table names from csv "n.csv" key id { id string  label string }
source s { \`__proto__\` string?  \`constructor\` string?  id string }
map m from s {
  \`__proto__\` = \`__proto__\`
  \`constructor\` = \`constructor\`
  label = names[id].label
  known = id in names
}
sink o from m to jsonl "o.jsonl"`, { tables: { names: [{ id: "__proto__", label: "P" }, { id: "\u65e5\u672c", label: "J" }] } }).run({
    sources: { s: [JSON.parse('{"__proto__": "p", "constructor": "c", "id": "__proto__"}'), { id: "constructor" }, { id: "\u65e5\u672c" }] },
    now: NOW,
  });
  const out = r.outputs.o!;
  assert.is(JSON.stringify(out[0]), '{"__proto__":"p","constructor":"c","label":"P","known":true}');
  assert.is(JSON.stringify(out[1]), '{"__proto__":null,"constructor":null,"label":null,"known":false}');
  assert.is(JSON.stringify(out[2]), '{"__proto__":null,"constructor":null,"label":"J","known":true}');
  assert.is(Object.getPrototypeOf(out[0]), Object.prototype, "a field named __proto__ never becomes the prototype");
});

test("fields whose names are odd in generated code (quotes, backslashes, line separators, Object's own names) read and write as data", () => {
  const names = ['a"b', "c\\d", "e\u2028f", "toString", "hasOwnProperty", "x'); throw 1; ('"];
  const quoted = names.map((n) => "`" + n + "`");
  const r = runnerFor(`stream t
source s { ${quoted.map((q) => `${q} string?`).join("  ")}  id string }
map m from s {
${quoted.map((q) => `  ${q} = ${q}`).join("\n")}
}
sink o from m to jsonl "o.jsonl"`).run({
    sources: { s: [Object.fromEntries([...names.map((n, i) => [n, `v${i}`]), ["id", "a"]]), { id: "b" }] },
    now: NOW,
  });
  const out = r.outputs.o!;
  assert.equal(out[0], Object.fromEntries(names.map((n, i) => [n, `v${i}`])));
  assert.equal(out[1], Object.fromEntries(names.map((n) => [n, null])));
});

test.run();
