// A host function that throws shows in the invocation's report, as text and as
// JSON (`--json`): the CLI's summary sums each step's failed calls over the runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile, createRunner } from "../../src/index.js";
import { addRun, newSummary, renderJson, reportOf, renderText } from "../../src/cli/summary.js";

const text = `source s { n int }
map m from s { n = n  y = flaky(n) }
sink o from m to jsonl "o.jsonl"`;
const flaky = { params: ["int"], returns: "int", impl: (x: unknown) => { if (x === 2) throw new Error("rate service down"); return x; } };

function summaryOf(batches: ReadonlyArray<ReadonlyArray<{ n: number }>>) {
  const c = compile(text, { filename: "t.stream", functions: { flaky } as never });
  if (c._tag === "Left") throw new Error(c.left.map((d) => d.message).join("\n"));
  const runner = createRunner(c.right);
  const summary = newSummary("t");
  for (const batch of batches) addRun(summary, runner.run({ sources: { s: batch }, now: "2026-11-20T12:00:00Z" }));
  return summary;
}

test("the text summary lists the failed calls per step with the first reason", () => {
  const summary = summaryOf([[{ n: 1 }, { n: 2 }], [{ n: 2 }, { n: 3 }]]);
  const out = renderText(summary, [{ display: "o.jsonl", records: 4 }]);
  assert.match(out, "\nfunction calls that failed (each gave null)\n  m   2 calls   first: flaky: rate service down\n");
});

test("the JSON report counts them per step", () => {
  const summary = summaryOf([[{ n: 1 }, { n: 2 }], [{ n: 2 }, { n: 3 }]]);
  const json = JSON.parse(renderJson(reportOf(summary, []))) as { steps: { step: string; errors?: number; firstError?: string }[] };
  assert.equal(json.steps.map((s) => [s.step, s.errors, s.firstError]), [
    ["s", undefined, undefined],
    ["m", 2, "flaky: rate service down"],
    ["o", undefined, undefined],
  ]);
});

test("a run without failures says nothing of them", () => {
  const summary = summaryOf([[{ n: 1 }, { n: 3 }]]);
  assert.not.match(renderText(summary, [{ display: "o.jsonl", records: 2 }]), "failed");
  assert.not.match(renderJson(reportOf(summary, [])), "errors");
});

test.run();
