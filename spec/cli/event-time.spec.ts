// Event time across invocations: the watermark is kept in the state file, so a
// record that arrives in a later invocation after its session closed is late,
// goes to rejects with the reason, and the report counts it in the balance line.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, readJsonl, tempDir } from "./helpers.js";

const STREAM = `stream monthly
source usage_in { account string  at timestamp  qty int }
aggregate usage from usage_in by account, period = month(at)
  event time at lateness 1d
  flush at end_of_month(period) + 1d
{
  qty = sum(qty)
}
sink out from usage to jsonl "out/usage.jsonl"
`;

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

test("a late record in a later invocation with --state goes to rejects with its reason; the month is billed once", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "monthly.stream"), STREAM);
  fs.writeFileSync(path.join(dir, "a.jsonl"), jsonl([{ account: "a", at: "2026-10-30T10:00:00Z", qty: 2 }, { account: "a", at: "2026-11-03T06:00:00Z", qty: 5 }]));
  fs.writeFileSync(path.join(dir, "b.jsonl"), jsonl([{ account: "a", at: "2026-10-31T20:00:00Z", qty: 7 }]));
  const state = path.join(dir, "monthly.state");
  const run = (input: string, out: string) =>
    interpret([path.join(dir, "monthly.stream"), "--input", `usage_in=${path.join(dir, input)}`, "--out", path.join(dir, out), "--state", state, "--now", "2026-11-20T00:00:00Z"]);

  let r = await run("a.jsonl", "one");
  assert.is(r.code, 0, r.stderr);
  // The watermark (3 Nov 06:00 less a day) has passed October's close (2 Nov): October is billed, November stays open.
  assert.equal(readJsonl(path.join(dir, "one/out/usage.jsonl")), [{ account: "a", period: "2026-10-01T00:00:00.000Z", qty: 2 }]);
  assert.match(r.stdout, "open sessions kept in the state: usage 1");
  const shown = await interpret(["state", "show", state, "--json"]);
  assert.is(shown.code, 0, shown.stderr);
  const usage = (JSON.parse(shown.stdout) as { sessions: { step: string; open: number; watermark: string | null }[] }).sessions.find((s) => s.step === "usage");
  assert.equal(usage && { open: usage.open, watermark: usage.watermark }, { open: 1, watermark: "2026-11-02T06:00:00.000Z" });
  assert.match((await interpret(["state", "show", state])).stdout, "usage: 1 open, event time watermark 2026-11-02T06:00:00.000Z");

  r = await run("b.jsonl", "two");
  assert.is(r.code, 0, r.stderr);
  assert.equal(readJsonl(path.join(dir, "two/out/usage.jsonl")), [], "no second October line");
  assert.equal(readJsonl(path.join(dir, "two/out/rejects.jsonl")), [
    {
      step: "usage",
      port: "late",
      run: 2,
      errors: [{ rule: "late", message: "late by 6h: session closed at 2026-11-02T00:00:00.000Z" }],
      record: { account: "a", at: "2026-10-31T20:00:00.000Z", qty: 7 },
    },
  ]);
  assert.match(r.stdout, /usage +aggregate +1 +main 0 · late 1/);
  assert.match(r.stdout, "+ rejected 1 + dropped 0  ✓  (1 late record among them)");
  assert.match(r.stdout, /usage +late by 6h: session closed at 2026-11-02T00:00:00.000Z +1/);

  r = await interpret([path.join(dir, "monthly.stream"), "--input", `usage_in=${path.join(dir, "b.jsonl")}`, "--out", path.join(dir, "three"), "--state", state, "--now", "2026-11-20T00:00:00Z", "--json"]);
  const report = JSON.parse(r.stdout) as { balance: Record<string, number>; balanced: boolean };
  assert.equal(report.balance, { read: 1, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 1, dropped: 0, late: 1 });
  assert.is(report.balanced, true);
});

test.run();
