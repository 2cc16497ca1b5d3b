// Names that are JavaScript's (`__proto__`, `constructor`, `toString`, `valueOf`,
// `hasOwnProperty`) are plain data everywhere a user chooses a name: steps, sources, fields,
// params, tables, sinks, `--input`, `--param` and a test's `given`.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { compile, createRunner, formatDiagnostics, type Plan } from "../../src/index.js";
import { interpret, NOW, readJsonl, tempDir } from "./helpers.js";

const STREAM = `stream constructor
param constructor int = 2
table toString from jsonl "t.jsonl" key __proto__ { __proto__ string  valueOf int }
source __proto__ { __proto__ string  hasOwnProperty int }
enrich constructor_ from __proto__ { name = __proto__ + "!"  n = hasOwnProperty * constructor  v = toString[__proto__].valueOf }
map valueOf from constructor_ { __proto__ = name  n = n  v = v }
sink hasOwnProperty from valueOf to jsonl "out/c.jsonl"
test "js names" {
  given __proto__ [ { __proto__: "a", hasOwnProperty: 3 } ]
  given toString [ { __proto__: "a", valueOf: 7 } ]
  expect hasOwnProperty [ { __proto__: "a!", n: 6, v: 7 } ]
}
`;

function folder(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "js.stream"), STREAM);
  fs.writeFileSync(path.join(dir, "t.jsonl"), '{"__proto__":"a","valueOf":7}\n');
  fs.writeFileSync(path.join(dir, "in.jsonl"), '{"__proto__":"a","hasOwnProperty":3}\n{"__proto__":"b","hasOwnProperty":1}\n');
  return dir;
}

test("check, run and test a stream whose names are JavaScript's", async () => {
  const dir = folder();
  const checked = await interpret(["check", "js.stream"], { cwd: dir });
  assert.is(checked.code, 0, checked.stdout + checked.stderr);

  const run = await interpret(["js.stream", "--input", "__proto__=in.jsonl", "--param", "constructor=3", "--now", NOW], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  const lines = readJsonl(path.join(dir, "out/c.jsonl"));
  assert.equal(lines.map((l) => Object.entries(l)), [
    [["__proto__", "a!"], ["n", 9], ["v", 7]],
    [["__proto__", "b!"], ["n", 3], ["v", null]],
  ]);
  assert.ok(lines.every((l) => Object.getPrototypeOf(l) === Object.prototype), "the field is data, not a prototype");

  const tested = await interpret(["test", "js.stream"], { cwd: dir });
  assert.is(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, "✓ js names");
  assert.match(tested.stdout, "1 passed, 0 failed");
});

test("--param and --input pairs named like Object's properties are data, not duplicates", async () => {
  const dir = folder();
  const twice = await interpret(["js.stream", "--input", "__proto__=in.jsonl", "--param", "constructor=3", "--param", "constructor=4"], { cwd: dir });
  assert.is(twice.code, 2);
  assert.match(twice.stderr, "--param constructor is given twice");
  const unknown = await interpret(["js.stream", "--input", "__proto__=in.jsonl", "--param", "toString=1", "--now", NOW], { cwd: dir });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, "the stream declares no param `toString`");
});


// A dedup and an aggregate named like Object's properties keep their state across invocations.
const STATEFUL = `stream js_state
source events { id string  n int }
dedup __proto__ from events by id within 7d
aggregate constructor from __proto__ by id flush each run { total = sum(n) }
sink toString from constructor to jsonl "out/t.jsonl"
`;

test("state kept under steps named __proto__ and constructor survives invocations", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "s.stream"), STATEFUL);
  fs.writeFileSync(path.join(dir, "a.jsonl"), '{"id":"x","n":1}\n{"id":"y","n":2}\n');
  fs.writeFileSync(path.join(dir, "b.jsonl"), '{"id":"x","n":5}\n{"id":"z","n":3}\n');
  const first = await interpret(["s.stream", "--input", "events=a.jsonl", "--state", "st.json", "--now", NOW], { cwd: dir });
  assert.is(first.code, 0, first.stderr);
  const saved = JSON.parse(fs.readFileSync(path.join(dir, "st.json"), "utf8")) as { payload: { dedup: Record<string, unknown> } };
  assert.ok(Object.hasOwn(saved.payload.dedup, "__proto__"), "the dedup keys are kept under the step's own name");
  const second = await interpret(["s.stream", "--input", "events=b.jsonl", "--state", "st.json", "--now", "2026-11-21T12:00:00Z"], { cwd: dir });
  assert.is(second.code, 0, second.stderr);
  // x was seen by the first invocation: a duplicate now; only z is new.
  assert.equal(readJsonl(path.join(dir, "out/t.jsonl")), [{ id: "x", total: 1 }, { id: "y", total: 2 }, { id: "z", total: 3 }]);
});

function planOf(text: string): Plan {
  const c = compile(text, { filename: "t.stream" });
  if (c._tag === "Left") throw new Error(formatDiagnostics(c.left, text));
  return c.right;
}

const JS_NAMES = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__", "propertyIsEnumerable", "toLocaleString"];

test("property: a host's plain objects never answer a name from Object.prototype", () => {
  fc.assert(
    fc.property(fc.constantFrom(...JS_NAMES), fc.constantFrom(...JS_NAMES), fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 5 }), (src, sink, ns) => {
      fc.pre(src !== sink);
      const p = planOf(`stream s\nsource ${src} { n int }\nmap m_ from ${src} { n = n * 2 }\nsink ${sink} from m_ to jsonl "o.jsonl"\n`);
      const runner = createRunner(p);
      // A run that gives the source no batch: the source is empty, not Object.prototype's property.
      const empty = runner.run({ sources: {}, now: NOW });
      assert.equal(empty.outputs[sink] ?? [], []);
      assert.ok(empty.report.balanced);
      const sources: Record<string, unknown[]> = {};
      Object.defineProperty(sources, src, { value: ns.map((n) => ({ n })), enumerable: true });
      const r = runner.run({ sources, now: NOW });
      assert.ok(Object.hasOwn(r.outputs, sink) || ns.length === 0);
      assert.equal([...(r.outputs[sink] ?? [])], ns.map((n) => ({ n: n * 2 })));
      assert.is(Object.getPrototypeOf(r.outputs), Object.prototype, "results stay plain objects for the host");
    }),
    { numRuns: 60 },
  );
});

test.run();
