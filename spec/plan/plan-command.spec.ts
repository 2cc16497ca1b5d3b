// `interpret plan`: golden plans of the example streams, the JSON form, and
// what a user sees for defaults, unconsumed ports, errors and bad usage.
// `UPDATE=1 node scripts/test.mjs plan` rewrites the golden files.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { planCommand } from "../../src/cli/plan-command.js";
import type { PlanDescription } from "../../src/plan/describe.js";
import { REPO, runCommand, tempFolder } from "./helpers.js";

const GOLDEN = ["peppa", "peppa-files", "api-metering", "storage-billing"];

for (const name of GOLDEN) {
  test(`plan of streams/${name}.stream matches spec/cases/plan/${name}.expected`, async () => {
    const r = await runCommand(planCommand, [`streams/${name}.stream`]);
    assert.is(r.stderr, "");
    assert.is(r.code, 0);
    const file = path.join(REPO, `spec/cases/plan/${name}.expected`);
    if (process.env["UPDATE"] === "1") fs.writeFileSync(file, r.stdout);
    assert.ok(fs.existsSync(file), `missing ${file}; run with UPDATE=1`);
    assert.fixture(r.stdout, fs.readFileSync(file, "utf8"));
  });
}

test("--json gives the plan as data: steps in plan order, ports with schemas and destinations", async () => {
  const r = await runCommand(planCommand, ["streams/peppa.stream", "--json"]);
  assert.is(r.code, 0);
  const d = JSON.parse(r.stdout) as PlanDescription;
  assert.is(d.stream, "peppa");
  assert.is(d.trigger, "count 3");
  const names = d.steps.map((s) => s.name);
  for (const s of d.steps) for (const i of s.inputs) assert.ok(names.indexOf(i.split(".")[0]!) < names.indexOf(s.name), `${i} comes before ${s.name}`);
  const known = d.steps.find((s) => s.name === "known")!;
  assert.equal(known.ports.map((p) => [p.ref, p.to]), [["known", ["usage"]], ["known.invalid", ["unknown_accounts"]]]);
  assert.equal(known.ports[1]!.schema.at(-1), { name: "errors", type: "list<{rule string, message string}>", optional: false });
  assert.equal(d.steps.find((s) => s.name === "core_unique")!.ports[1], { ref: "core_unique.duplicates", port: "duplicates", schema: known.ports[0]!.schema, to: [], fate: "counted" });
  assert.equal(d.tables.find((t) => t.name === "crm_accounts")!.readBy, ["known", "usage", "billable", "funnel_analytics", "service_analytics"]);
  const usage = d.steps.find((s) => s.name === "usage")!.details;
  assert.equal(usage, {
    kind: "aggregate",
    keys: [{ name: "account_id" }, { name: "period", value: "month(at, crm_accounts[account_id].tz)" }],
    eventTime: { at: "at", lateness: "2d" },
    flush: ["at end_of_month(period, crm_accounts[account_id].tz) + 2d", "after 90d idle"],
    defaultFlush: false,
    fields: [
      { name: "events", value: "count()" },
      { name: "by_funnel", value: "count()", by: "funnel" },
      { name: "by_service", value: "count()", by: "service" },
      { name: "first_at", value: "min(at)" },
      { name: "last_at", value: "max(at)" },
    ],
  });
});

const SMALL = `stream small
source calls { id string  status int  at timestamp }
dedup once from calls by id
route by_status from once {
  when status >= 500 -> failed
}
aggregate per_status from by_status.failed by status { n = count() }
enrich flagged from calls { slow = status == 504 }
sink out from per_status to csv "out/x.csv"
`;

test("defaults are shown as defaults, and every unconsumed port says where its records go", async () => {
  const dir = tempFolder({ "small.stream": SMALL });
  const r = await runCommand(planCommand, ["small.stream"], dir);
  assert.is(r.code, 0);
  assert.match(r.stdout, "  within 7d (default)\n");
  assert.match(r.stdout, /\n    else +-> unmatched \(default\)\n/);
  assert.match(r.stdout, "  flush each run (default)\n");
  assert.match(r.stdout, "  out by_status.unmatched -> rejects\n");
  assert.match(r.stdout, "  out once.duplicates -> counted\n");
  assert.match(r.stdout, "  out flagged -> dropped (warning)\n");
  assert.match(r.stdout, "  out calls -> once, flagged\n");
  assert.match(r.stdout, "trigger: none");
  // The warning of the dropped port is shown, on standard error.
  assert.match(r.stderr, /warning\[W\d+\]/);
  assert.match(r.stderr, "0 errors, 1 warning");
});

test("a stream with errors: exit 1 and every diagnostic on standard error", async () => {
  const dir = tempFolder({ "bad.stream": "source s { a int }\nmap m from s { b = nope }\nsink k from m, t to jsonl \"x\"\n" });
  const r = await runCommand(planCommand, ["bad.stream"], dir);
  assert.is(r.code, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, "bad.stream:2:");
  assert.match(r.stderr, "bad.stream:3:");
  assert.match(r.stderr, /2 errors, 0 warnings\n$/);
});

test("a missing file: exit 2 with the path", async () => {
  const r = await runCommand(planCommand, ["streams/nope.stream"]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "interpret: cannot read streams/nope.stream: no such file\n");
});

test("bad usage: exit 2 with the usage line", async () => {
  for (const argv of [[], ["streams/peppa.stream", "--yaml"], ["a.stream", "b.stream"]]) {
    const r = await runCommand(planCommand, argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.match(r.stderr, "usage: interpret plan FILE.stream [--json]");
  }
});

test.run();
