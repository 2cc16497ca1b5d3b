import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { balanceOf, interpret, NOW, readJsonl, readLines, snapshot, streamsFolder, tempDir } from "./helpers.js";

/** A reject's first error: every error is `{rule, message}`. */
const messageOf = (x: Record<string, unknown>): string => String((x["errors"] as Array<{ message: string }>)[0]?.message);

test("peppa-files end to end: one file per run until every file is read", async () => {
  const out = tempDir();
  const r = await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^peppa_files: 3 runs, 47 records read/);
  const b = balanceOf(r.stdout);
  assert.is(b.read + b.created, b.delivered + b.absorbed + b.duplicates + b.rejected + b.dropped);
  assert.is(b.mark, "✓");
  assert.is(b.duplicates, 6);

  // A csv sink: a header, then one row per billable record.
  const billing = readLines(path.join(out, "out/files-billing.csv"));
  assert.is(billing[0], "account_id,plan,period,product,quantity");
  assert.ok(billing.some((l) => l.startsWith("ACC-1001,growth,2026-10,funnel-events,")));
  assert.ok(billing.some((l) => l.includes(",2026-11,")), "events after midnight on Oct 31 bill in November");

  const recon = readJsonl(path.join(out, "out/files-reconciliation.jsonl"));
  const foreign = recon.map((x) => `${x["system"]}:${x["foreign_id"]}`).sort();
  assert.equal([...new Set(foreign)], ["core:T-112", "core:T-998", "core:T-999", "cpq:CPQ-0008", "cpq:CPQ/9001", "cpq:CPQ/9002"]);
});

test("peppa-files: a malformed JSON line is a reject with its file and line, and the rest of the file is read", async () => {
  const out = tempDir();
  assert.is((await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", out])).code, 0);
  const rejects = readJsonl(path.join(out, "out/rejects.jsonl"));
  const bad = rejects.find((x) => messageOf(x).includes("invalid JSON"))!;
  assert.ok(bad, "the malformed line is rejected");
  assert.is(bad["step"], "core");
  // Relative to the stream's folder, not to the working folder (the same from anywhere).
  assert.is(bad["file"], "data/peppa-files/core/2026-10-30.jsonl");
  assert.is(bad["line"], 6);
  assert.match(String(bad["record"]), /^\{"specversion"/);
  const notObject = rejects.find((x) => messageOf(x).includes("expected a JSON object"))!;
  assert.is(notObject["line"], 10);
  // Lines after the broken one were read: evt-1030-11 (line 12) is billed, and its repeat next file is a duplicate.
  const analytics = readJsonl(path.join(out, "out/files-analytics.jsonl"));
  assert.ok(analytics.some((a) => a["account_id"] === "ACC-1007" && a["funnel"] === "closed"));
});

test("peppa-files: a bad CSV row and values of the wrong type are rejects naming file, line and field", async () => {
  const out = tempDir();
  const r = await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", out]);
  const rejects = readJsonl(path.join(out, "out/rejects.jsonl"));
  const cpq = rejects.filter((x) => x["step"] === "cpq");
  assert.equal(
    cpq.map((x) => [x["file"], x["line"], x["errors"]]).sort(),
    [
      ["data/peppa-files/cpq/2026-10-30.csv", 7, [{ rule: "schema", message: 'occurred: expected timestamp, got "last tuesday"' }]],
      ["data/peppa-files/cpq/2026-10-30.csv", 9, [{ rule: "format", message: "line 9: expected 5 cells as in the header, got 4" }]],
    ],
  );
  const wrongTime = rejects.find((x) => x["step"] === "core" && x["line"] === 8)!;
  assert.equal(wrongTime["errors"], [{ rule: "schema", message: 'time: expected timestamp, got "yesterday"' }]);
  assert.match(r.stdout, /\n  cpq +expected 5 cells as in the header +1\n/);
  assert.match(r.stdout, /\n  cpq +occurred: expected timestamp +1\n/);
  assert.match(r.stdout, /\n  core_ok +unsupported CloudEvents version +1\n/);
});

test("peppa-files with --state: an invocation per file gives what one invocation gives", async () => {
  const one = tempDir();
  const state = path.join(one, "files.state");
  for (let i = 1; i <= 3; i++) {
    const r = await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", one, "--state", state, "--runs", "1"]);
    assert.is(r.code, 0, r.stderr);
  }
  const again = await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", one, "--state", state]);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /^peppa_files: 1 run \(run 4 of the state\), 0 records read/);
  const all = tempDir();
  assert.is((await interpret(["streams/peppa-files.stream", "--now", NOW, "--out", all, "--state", path.join(all, "files.state")])).code, 0);
  const a = snapshot(path.join(one, "out"));
  const b = snapshot(path.join(all, "out"));
  for (const f of ["files-billing.csv", "files-analytics.jsonl", "files-reconciliation.jsonl", "rejects.jsonl"]) assert.is(a[f], b[f], f);
});

test("a new export is read by the next invocation with the same state", async () => {
  const dir = streamsFolder();
  const out = tempDir();
  const state = path.join(out, "files.state");
  assert.is((await interpret(["peppa-files.stream", "--now", NOW, "--out", out, "--state", state], { cwd: dir })).code, 0);
  fs.writeFileSync(
    path.join(dir, "data/peppa-files/core/2026-11-02.jsonl"),
    JSON.stringify({ specversion: "1.0", id: "evt-1102-1", source: "/peppa/core", type: "com.peppa.core.funnel", time: "2026-11-02T09:00:00Z", data: { tenant: "T-105", user: "u-3", event: "WON", service: "svc-forms" } }) +
      "\n" +
      // already billed in the file of Nov 1: a duplicate across invocations
      JSON.stringify({ specversion: "1.0", id: "evt-1101-1", source: "/peppa/core", type: "com.peppa.core.funnel", time: "2026-11-01T00:00:01Z", data: { tenant: "T-100", user: "u-1", event: "SQL", service: "svc-scoring" } }) +
      "\n",
  );
  const r = await interpret(["peppa-files.stream", "--now", NOW, "--out", out, "--state", state], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^peppa_files: 1 run \(run 4 of the state\), 2 records read/);
  assert.match(r.stdout, /core_unique +dedup +2 +main 1 · duplicates 1/);
  const billing = readLines(path.join(out, "out/files-billing.csv"));
  assert.is(billing.filter((l) => l.startsWith("account_id,")).length, 1, "one header across appends");
  assert.is(billing[billing.length - 1], "ACC-1005,enterprise,2026-11,funnel-events,1");
});

test("--input feeds a source without `from`, from a file or standard input", async () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "orders.stream"),
    'stream orders\nsource orders { id string  qty int }\nvalidate ok from orders { require qty > 0 else "no quantity" }\nsink kept from ok to json "out/kept.json"\n',
  );
  const lines = '{"id":"a","qty":2}\n{"id":"b","qty":"many"}\nnot json\n{"id":"c","qty":0}\n';
  const r = await interpret(["orders.stream", "--input", "orders=-", "--now", NOW], { cwd: dir, stdin: lines });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "out/kept.json"), "utf8")), [{ id: "a", qty: 2 }]);
  const rejects = readJsonl(path.join(dir, "out/rejects.jsonl"));
  assert.equal(rejects.map((x) => [x["step"], x["file"] ?? null, x["line"] ?? null]), [
    ["orders", "-", 2],
    ["orders", "-", 3],
    ["ok", null, null],
  ]);
  fs.writeFileSync(path.join(dir, "more.csv"), "id,qty\nd,5\n");
  const state = path.join(dir, "orders.state");
  assert.is((await interpret(["orders.stream", "--input", "orders=more.csv", "--now", NOW, "--state", state], { cwd: dir })).code, 0);
  // A json sink stays one valid array when a later invocation appends to it.
  assert.is((await interpret(["orders.stream", "--input", "orders=more.csv", "--now", NOW, "--state", state], { cwd: dir })).code, 0);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "out/kept.json"), "utf8")), [
    { id: "a", qty: 2 },
    { id: "d", qty: 5 },
    { id: "d", qty: 5 },
  ]);
  const wrong = await interpret(["orders.stream", "--input", "order=more.csv"], { cwd: dir });
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, /--input order: the stream has no source `order` \(sources without `from`: orders\)/);
});

test.run();
