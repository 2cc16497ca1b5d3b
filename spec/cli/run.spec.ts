import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { balanceOf, interpret, NOW, readJsonl, readLines, snapshot, streamsFolder, tempDir } from "./helpers.js";

const OUTPUTS = ["billing.jsonl", "analytics.jsonl", "reconciliation.jsonl", "rejects.jsonl", "audit.jsonl"];

test("peppa end to end: outputs, billing fields, a balance that adds up, rejects and audit", async () => {
  const out = tempDir();
  const r = await interpret(["streams/peppa.stream", "--now", NOW, "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, "");
  for (const f of OUTPUTS) assert.ok(fs.existsSync(path.join(out, "out", f)), f);
  assert.match(r.stdout, /^peppa: 3 runs, 8,400 records read in [0-9.]+ s \([0-9,]+ records\/s\)\n/);

  const billing = readJsonl(path.join(out, "out/billing.jsonl"));
  assert.ok(billing.length > 0);
  for (const b of billing) {
    assert.equal(Object.keys(b), ["account_id", "plan", "period", "product", "quantity"]);
    assert.match(String(b["account_id"]), /^ACC-\d+$/);
    assert.match(String(b["period"]), /^\d{4}-\d{2}$/);
    assert.is(b["product"], "funnel-events");
    assert.type(b["quantity"], "number");
  }
  const b = balanceOf(r.stdout);
  assert.is(b.read, 8400);
  assert.is(b.read + b.created, b.delivered + b.absorbed + b.duplicates + b.rejected + b.dropped);
  assert.is(b.mark, "✓");

  const rejects = readJsonl(path.join(out, "out/rejects.jsonl"));
  assert.is(rejects.length, b.rejected);
  assert.equal(Object.keys(rejects[0]!), ["step", "port", "run", "errors", "record"]);
  const audit = readJsonl(path.join(out, "out/audit.jsonl"));
  assert.ok(audit.length > 0);
  assert.is(audit[0]!["kind"], "unprovisioned_account");
  assert.is(audit[0]!["stream"], "peppa");
  assert.is(readLines(path.join(out, "out/reconciliation.jsonl")).length, audit.length);

  // The report names each written file with its count, and groups rejects and audit events.
  assert.match(r.stdout, new RegExp(`\\n  ${out}/out/billing\\.jsonl +${billing.length} records\\n`));
  assert.match(r.stdout, /rejects by step and reason\n  core_ok +unknown funnel event +\d+/);
  assert.match(r.stdout, new RegExp(`audit events\\n  unprovisioned_account +${audit.length}\\n`));
  assert.match(r.stdout, /\ncore_ok +validate +6,000 +main [0-9,]+ · invalid \d+ /);
});

test("the same invocation twice gives byte-identical outputs", async () => {
  const a = tempDir();
  const b = tempDir();
  assert.is((await interpret(["streams/peppa.stream", "--now", NOW, "--out", a])).code, 0);
  assert.is((await interpret(["streams/peppa.stream", "--now", NOW, "--out", b])).code, 0);
  const sa = snapshot(a);
  assert.equal(Object.keys(sa).sort(), OUTPUTS.map((f) => `out/${f}`).sort());
  assert.equal(sa, snapshot(b));
  // Rerunning into the same folder starts the outputs fresh rather than appending.
  assert.is((await interpret(["streams/peppa.stream", "--now", NOW, "--out", a])).code, 0);
  assert.equal(snapshot(a), snapshot(b));
});

test("--json: one JSON object whose balance adds up", async () => {
  const r = await interpret(["streams/peppa.stream", "--now", NOW, "--out", tempDir(), "--json", "--runs", "1"]);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    stream: string;
    runs: number;
    balance: Record<string, number>;
    balanced: boolean;
    steps: { step: string; in: number; out: Record<string, number> }[];
    written: { path: string; records: number }[];
  };
  assert.is(report.stream, "peppa");
  assert.is(report.runs, 1);
  const bal = report.balance as Record<"read" | "created" | "delivered" | "absorbed" | "duplicates" | "rejected" | "dropped", number>;
  assert.is(bal.read, 2800);
  assert.is(bal.read + bal.created, bal.delivered + bal.absorbed + bal.duplicates + bal.rejected + bal.dropped);
  assert.ok(report.balanced);
  assert.is(report.steps.find((s) => s.step === "core")!.out["main"], 2000);
  assert.is(report.written.length, 5);
});

test("--state: three invocations of one run each equal one invocation of three runs", async () => {
  const one = tempDir();
  for (let i = 1; i <= 3; i++) {
    const r = await interpret(["streams/peppa.stream", "--now", NOW, "--out", one, "--state", path.join(one, "peppa.state"), "--runs", "1"]);
    assert.is(r.code, 0, r.stderr);
    if (i === 3) {
      assert.match(r.stdout, /^peppa: 1 run \(run 3 of the state\), 2,800 records read/);
      assert.match(r.stdout, /peppa\.state +state after run 3\n/);
    }
  }
  const three = tempDir();
  const r = await interpret(["streams/peppa.stream", "--now", NOW, "--out", three, "--state", path.join(three, "peppa.state"), "--runs", "3"]);
  assert.is(r.code, 0, r.stderr);
  for (const f of OUTPUTS) assert.is(fs.readFileSync(path.join(one, "out", f), "utf8"), fs.readFileSync(path.join(three, "out", f), "utf8"), f);
  // Billing waits for the month to close by event time (kept open in the state); reconciliation flushes each run.
  const total = (dir: string): number => readJsonl(path.join(dir, "out/reconciliation.jsonl")).reduce((n, b) => n + Number(b["events"]), 0);
  assert.ok(total(one) > 0);
  assert.is(total(one), total(three));
  // The state remembers the runs, so a fourth invocation goes on with run 4.
  const shown = await interpret(["state", "show", path.join(one, "peppa.state"), "--json"]);
  assert.is((JSON.parse(shown.stdout) as { runs: number }).runs, 3);
});

test("a missing stream file: exit 2 and a message", async () => {
  const r = await interpret(["streams/missing.stream"]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "interpret: cannot read streams/missing.stream: no such file\n");
  assert.is(r.stdout, "");
});

test("an empty stream file: exit 1, nothing to run", async () => {
  const dir = streamsFolder();
  fs.writeFileSync(path.join(dir, "empty.stream"), "");
  const out = tempDir();
  const r = await interpret(["empty.stream", "--out", out], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /warning\[W1003\]: the stream declares no steps/);
  assert.match(r.stderr, /^interpret: empty\.stream declares no steps, so there is nothing to run/m);
  assert.is(r.stdout, "");
  assert.equal(fs.readdirSync(out), []);
});

test("a missing table file: exit 2 before any output is written", async () => {
  const dir = streamsFolder();
  fs.rmSync(path.join(dir, "data/cpq_accounts.csv"));
  const out = tempDir();
  const r = await interpret(["peppa.stream", "--now", NOW, "--out", out], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: table `cpq_accounts`: table file not found: .*data\/cpq_accounts\.csv\n$/);
  assert.equal(fs.readdirSync(out), []);
});

test("a table with a duplicate key or a bad row: exit 2 naming file and line", async () => {
  const dir = streamsFolder();
  fs.appendFileSync(path.join(dir, "data/funnel_events.csv"), "VISIT,awareness,1\nPING,awareness,first\n");
  const r = await interpret(["peppa.stream", "--now", NOW, "--out", tempDir()], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /table `funnel_events`, .*funnel_events\.csv:11: duplicate key "VISIT"/);
  assert.match(r.stderr, /table `funnel_events`, .*funnel_events\.csv:12: stage: expected int/);
});

test("bad option values: --now, --runs, --param", async () => {
  const now = await interpret(["streams/peppa.stream", "--now", "noon"]);
  assert.is(now.code, 2);
  assert.match(now.stderr, /--now takes an ISO-8601 timestamp .*got `noon`/);
  const runs = await interpret(["streams/peppa.stream", "--runs", "two"]);
  assert.is(runs.code, 2);
  const param = await interpret(["streams/peppa.stream", "--param", "region=EU", "--out", tempDir()]);
  assert.is(param.code, 2);
  assert.match(param.stderr, /the stream declares no param `region`/);
});

test("a damaged state file: exit 2, a message, the file untouched", async () => {
  const out = tempDir();
  const state = path.join(out, "peppa.state");
  assert.is((await interpret(["streams/peppa.stream", "--now", NOW, "--out", out, "--state", state, "--runs", "1"])).code, 0);
  const good = fs.readFileSync(state);
  // Bytes overwritten in the middle of the database (its pages of keys and filters).
  const damaged = Buffer.from(good);
  damaged.fill(0x5a, 4096, damaged.length - 4096);
  fs.writeFileSync(state, damaged);
  const before = snapshot(out);
  const r = await interpret(["streams/peppa.stream", "--now", NOW, "--out", out, "--state", state, "--runs", "1"]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^interpret: state file .*peppa\.state is damaged: .*Move it away to start fresh; it is never reset silently\.\n$/);
  assert.not.match(r.stderr, /\n    at /, "no stack trace");
  assert.equal(snapshot(out), before);

  fs.writeFileSync(state, good.subarray(0, 200));
  const truncated = await interpret(["streams/peppa.stream", "--now", NOW, "--out", out, "--state", state]);
  assert.is(truncated.code, 2);
  assert.match(truncated.stderr, /^interpret: state file .*peppa\.state is damaged: .*never reset silently\.\n$/);
  assert.equal(fs.readFileSync(state), good.subarray(0, 200));
});

test("a state file of another stream is refused", async () => {
  const out = tempDir();
  const state = path.join(out, "shared.state");
  assert.is((await interpret(["streams/peppa.stream", "--now", NOW, "--out", out, "--state", state, "--runs", "1"])).code, 0);
  const r = await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", out, "--state", state]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /belongs to stream "peppa", not "peppa_files"/);
});

test.run();
