// The in-memory bench's instrument (bench/): on a small generated batch set, the
// hand-written program gives the interpreter's outputs for peppa.stream run by run,
// by the comparison `npm run bench` makes on every repeat; the data reaches what the
// stream's event time does (several zones and months, months closing by the
// watermark before the end, late records); and the comparison catches a difference.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile } from "../src/index.js";
import { createRunner } from "../src/index.js";
import { generate, loadTables } from "../bench/generate.js";
import { HandwrittenPeppa, type HandOutputs } from "../bench/handwritten.js";
import { differences } from "../bench/compare-runs.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const tables = loadTables(path.join(root, "streams", "data"));
const batches = generate(tables, 20_000, 10);

function runBoth(): { hand: HandOutputs[]; interp: HandOutputs[] } {
  const compiled = compile(fs.readFileSync(path.join(root, "streams", "peppa.stream"), "utf8"), { filename: "peppa.stream" });
  if (compiled._tag === "Left") throw new Error("peppa.stream does not compile");
  const runner = createRunner(compiled.right, { tables: { ...tables } });
  const program = new HandwrittenPeppa(tables);
  const hand: HandOutputs[] = [];
  const interp: HandOutputs[] = [];
  batches.forEach((b, i) => {
    const final = i === batches.length - 1;
    hand.push(program.run(b.core, b.cpq, b.now, final));
    const r = runner.run({ sources: { core: b.core, cpq: b.cpq }, now: b.now, final });
    interp.push({
      billing: [...r.outputs["billing"]!],
      analytics: [...r.outputs["analytics"]!],
      reconciliation: [...r.outputs["reconciliation"]!],
      late: r.report.balance.late ?? 0,
      openSessions: r.report.openSessions["usage"] ?? 0,
    });
  });
  return { hand, interp };
}
const both = runBoth();

test("the hand-written program gives the interpreter's outputs, run by run", () => {
  both.interp.forEach((o, i) => assert.equal(differences(both.hand[i]!, o), [], `run ${i + 1}`));
});

test("the data reaches event time: months in several zones, closed by the watermark before the end, late records", () => {
  const { interp } = both;
  const periods = new Set(interp.flatMap((o) => o.billing.map((r) => r["period"])));
  assert.equal([...periods].sort(), ["2026-10", "2026-11", "2026-12"]);
  // Months billed before the final run were closed by the watermark.
  assert.ok(interp.slice(0, -1).some((o) => o.billing.length > 0), "a month closes before the end of input");
  assert.ok(interp.reduce((n, o) => n + o.late, 0) > 0, "late records");
  assert.ok(interp.some((o) => o.reconciliation.some((r) => "late_at" in r)), "late CPQ quotes in reconciliation");
  // October closes per zone: in some run an account's October is billed while another's is still open.
  const tzOf = new Map(tables.crm_accounts.map((r) => [r.account_id!, r.tz!]));
  const octoberRuns = new Map<string, number>();
  interp.forEach((o, i) => o.billing.forEach((r) => r["period"] === "2026-10" && octoberRuns.set(String(r["account_id"]), i)));
  assert.ok(new Set(octoberRuns.values()).size > 1, `October closes in different runs per zone: ${JSON.stringify([...octoberRuns].map(([a, i]) => [tzOf.get(a), i + 1]))}`);
});

test("the comparison catches a changed quantity, a field order, a missing record, a late count", () => {
  const i = both.hand.findIndex((o) => o.billing.length > 0);
  const base = both.hand[i]!;
  const [first, ...rest] = base.billing;
  const changed: HandOutputs[] = [
    { ...base, billing: [{ ...first, quantity: Number(first!["quantity"]) + 1 }, ...rest] },
    { ...base, billing: [Object.fromEntries(Object.entries(first!).reverse()), ...rest] },
    { ...base, billing: rest },
    { ...base, analytics: [...base.analytics, base.analytics[0]!] },
    { ...base, late: base.late + 1 },
    { ...base, openSessions: base.openSessions + 1 },
  ];
  for (const c of changed) assert.ok(differences(c, both.interp[i]!).length > 0, JSON.stringify(c).slice(0, 200));
});

test.run();
