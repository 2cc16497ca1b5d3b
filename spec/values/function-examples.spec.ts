// Every built-in's documented examples run through the embedding API, as a user's
// stream would, and docs/language.md's function table is the registry's.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile, createRunner, formatDiagnostics } from "../../src/index.js";
import { builtins, type BuiltinDef, type Example } from "../../src/values/functions/registry.js";
import { typeToString } from "../../src/values/types.js";
import { functionTable, withTable } from "../../scripts/function-table.js";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
/** The examples' clock (def.ts, Example). */
const NOW = "2026-11-20T10:00:00Z";

/** A stream that computes `got` (the call) and `want` (the result) side by side. */
function streamFor(def: BuiltinDef, e: Example): string {
  const table = `table plans from csv "plans.csv" key plan { plan string }\n`;
  if (def.context === "aggregate") {
    const n = e.over === undefined ? 0 : JSON.parse(e.over.replace(/null/g, "0")).length;
    return `${table}source s simulate ${n} per run { x = ${e.over}[seq() - 1] }
aggregate a from s by k = 1 { got = ${e.call} }
enrich m from a { want = ${e.result} }
sink out from m to jsonl "out.jsonl"\n`;
  }
  return `${table}source s simulate 1 per run { got = ${e.call}  want = ${e.result} }
sink out from s to jsonl "out.jsonl"\n`;
}

/** got and want of one example: their JSON and their checked types. */
function evaluate(def: BuiltinDef, e: Example) {
  const text = streamFor(def, e);
  const c = compile(text, { filename: `${def.name}.stream` });
  if (c._tag === "Left") throw new Error(`${def.name}: ${e.call}\n${formatDiagnostics(c.left, text)}`);
  const plan = c.right;
  const last = plan.steps.find((s) => s.name === (def.context === "aggregate" ? "m" : "s"))!;
  const types = new Map(last.ports[0]!.schema.map((f) => [f.name, typeToString(f.type)]));
  const runner = createRunner(plan, { tables: { plans: [{ plan: "basic" }] } });
  const result = runner.run({ now: NOW, final: true });
  const out = result.outputs["out"]!;
  assert.is(out.length, 1, `${def.name}: ${e.call} gave ${out.length} records`);
  const rec = out[0]!;
  return { got: rec["got"], want: rec["want"], gotType: types.get("got")!, wantType: types.get("want")!, errors: result.report.steps.reduce((n, s) => n + (s.errors ?? 0), 0) };
}

for (const def of builtins.values()) {
  test(`${def.name}: its documented examples hold`, () => {
    assert.ok(def.examples.length > 0, `${def.name} has no examples`);
    for (const e of def.examples) {
      const r = evaluate(def, e);
      const where = `${def.name}: ${e.call}${e.over ? ` over ${e.over}` : ""} => ${e.result}`;
      assert.equal(r.got, r.want, `${where}: got ${JSON.stringify(r.got)}`);
      if (r.want !== null) assert.is(r.gotType, r.wantType, `${where}: typed ${r.gotType}, the result is ${r.wantType}`);
      assert.is(r.errors, 0, where);
    }
  });
}

test("a function that declares no needs gives the same result in every run", () => {
  // Examples evaluated at another clock, run number and position agree for the pure functions.
  for (const def of builtins.values()) {
    if (def.needs?.length || def.context === "aggregate") continue;
    for (const e of def.examples) {
      const text = `source s simulate 3 per run seed 5 { got = ${e.call} }\nsink out from s to jsonl "out.jsonl"\n`;
      const c = compile(text, { filename: "t.stream" });
      assert.ok(c._tag === "Right", `${def.name}: ${e.call}`);
      if (c._tag !== "Right") continue;
      const runner = createRunner(c.right);
      const values = [NOW, "1999-01-01T00:00:00Z"].flatMap((now) => runner.run({ now }).outputs["out"]!.map((r) => JSON.stringify(r["got"])));
      assert.equal(new Set(values).size, 1, `${def.name}: ${e.call} gave ${[...new Set(values)].join(", ")}`);
    }
  }
});

test("a function reads the frame only through a compile step, and declares what it reads", () => {
  for (const def of builtins.values()) {
    if (def.needs?.length) assert.ok(def.compile, `${def.name} needs ${def.needs.join(", ")} but has no compile step`);
    if (def.tableParams?.length) assert.ok(def.needs?.includes("tables"), `${def.name} takes a table but does not declare it needs tables`);
    assert.ok(def.impl || def.compile || def.context === "aggregate", `${def.name} has no implementation`);
  }
});

test("docs/language.md's function table is the registry's", () => {
  const file = path.join(REPO, "docs/language.md");
  const page = readFileSync(file, "utf8");
  const next = withTable(page, functionTable(builtins.values()));
  assert.ok(next, "docs/language.md has lost the markers of its function table");
  if (process.env["UPDATE"] && next !== page) writeFileSync(file, next!);
  else assert.fixture(page, next!);
});

test.run();
