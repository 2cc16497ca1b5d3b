// `interpret test` as a user runs it: peppa's own tests, failures with a diff,
// tests that expect nothing, --filter, and diagnostics in a test file.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { coreEvent, interpretTest, peppaFolder } from "./helpers.js";

test("every test of streams/peppa.stream passes, found from the stream or from its test file", async () => {
  for (const file of ["streams/peppa.stream", "streams/peppa.test.stream"]) {
    const r = await interpretTest([file]);
    assert.is(r.stderr, "");
    assert.is(r.code, 0, r.stdout);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("✓") || l.startsWith("✗"));
    assert.ok(lines.length >= 8, r.stdout);
    assert.ok(lines.every((l) => /^✓ .+ \(\d+ ms\)$/.test(l)), r.stdout);
    assert.match(r.stdout, new RegExp(`\\n${lines.length} passed, 0 failed\\n$`));
  }
});

test("peppa's tests cover each of its seven parts", async () => {
  const r = await interpretTest(["streams/peppa.stream", "--json"]);
  const titles = (JSON.parse(r.stdout) as { tests: { title: string }[] }).tests.map((t) => t.title).join("\n");
  for (const topic of [/invalid Core|Core event with an unknown/, /invalid CPQ/, /duplicate within a run/, /duplicate in a later run/, /unknown tenant/, /unknown CPQ account/, /correlate/, /drill-down/, /audit event/]) {
    assert.match(titles, topic);
  }
});

test("a wrong expectation fails with the test's location and a diff naming the differing field", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream peppa

test "a Core and a CPQ event correlate" {
  now "2026-11-20T12:00:00Z"
  given core [ ${coreEvent()} ]
  given cpq [ { quote_line: "Q100001", cpq_account: "CPQ-0001", stage: "quote_sent", component: "cpq-docs", occurred: "2026-11-20T09:00:00Z" } ]
  expect billing [ { account_id: "ACC-1001", plan: "growth", quantity: 3 } ]
}
`,
  });
  const r = await interpretTest(["peppa.test.stream"], dir);
  assert.is(r.code, 1);
  assert.match(r.stdout, "✗ a Core and a CPQ event correlate\n");
  assert.match(r.stdout, "✗ a Core and a CPQ event correlate   (peppa.test.stream:3:1)\n    expect billing  (line 7)\n      record 1: field `quantity`: expected 3, got 2\n");
  assert.not.match(r.stdout, "field `plan`");
  assert.match(r.stdout, "0 passed, 1 failed");
});

test("a count mismatch lists the records that arrived; a missing record is shown as written", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream peppa
test "counts" {
  now "2026-11-20T12:00:00Z"
  given core [ ${coreEvent({ tenant: '"T-9999"' })} ]
  expect reconciliation count 2
  expect billing [ { account_id: "ACC-1001" } ]
}
`,
  });
  const r = await interpretTest(["peppa.stream"], dir);
  assert.is(r.code, 1);
  assert.match(r.stdout, "    expect reconciliation count 2  (line 5)\n      expected 2 records, got 1\n        record 1: {\"system\":\"core\",\"foreign_id\":\"T-9999\",\"events\":1,");
  assert.match(r.stdout, "    expect billing  (line 6)\n      expected 1 record, got 0: missing\n        record 1: { account_id: \"ACC-1001\" }");
});

test("a test with no `expect` is an error, not a pass, and the command exits 1", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream peppa
test "expects nothing" {
  now "2026-11-20T12:00:00Z"
  given core [ ${coreEvent()} ]
}
test "expects something" {
  expect billing []
}
`,
  });
  const r = await interpretTest(["peppa.stream"], dir);
  assert.is(r.code, 1);
  assert.match(r.stdout, "✗ expects nothing (error)\n✓ expects something");
  assert.match(r.stdout, "this test expects nothing, so it can never fail; add an `expect`");
  assert.match(r.stdout, "1 passed, 1 failed");
});

test("--filter runs the tests whose title contains the text, ignoring case; a filter that matches nothing fails", async () => {
  const r = await interpretTest(["streams/peppa.stream", "--filter", "DUPLICATE"]);
  assert.is(r.code, 0);
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("✓"));
  assert.ok(lines.length >= 2 && lines.every((l) => /duplicate/i.test(l)), r.stdout);
  assert.match(r.stdout, `${lines.length} passed, 0 failed`);

  const none = await interpretTest(["streams/peppa.stream", "--filter=no such test"]);
  assert.is(none.code, 1);
  assert.match(none.stdout, 'no test title contains "no such test"');
});

test("a typo in a source name is a diagnostic pointing into the test file", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream peppa
test "typo" {
  given cor [ ${coreEvent()} ]
  expect billing []
}
`,
  });
  const r = await interpretTest(["peppa.stream"], dir);
  assert.is(r.code, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, "error[E1017]: `given` names a source or a table, and `cor` is neither\n  --> peppa.test.stream:3:9");
  assert.match(r.stderr, "did you mean `core`?");
});

test("a test file holds only tests, and names the stream beside it", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream pepa
sink extra from billable to jsonl "x.jsonl"
test "t" { expect billing [] }
`,
  });
  const r = await interpretTest(["peppa.test.stream"], dir);
  assert.is(r.code, 1);
  assert.match(r.stderr, "--> peppa.test.stream:1:8");
  assert.match(r.stderr, "this test file tests stream `pepa`, but peppa.stream is stream `peppa`");
  assert.match(r.stderr, "a test file holds only `stream` and `test` declarations; `sink extra` belongs in peppa.stream");
});

test("a test in the test file may not share its title with a test in the stream", async () => {
  const dir = peppaFolder({ "peppa.test.stream": `stream peppa\ntest "same" { expect billing [] }\n` });
  fs.appendFileSync(path.join(dir, "peppa.stream"), `\ntest "same" { expect billing [] }\n`);
  const r = await interpretTest(["peppa.stream"], dir);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error[E1001]: two tests are called "same"\n  --> peppa.test.stream:2:6');
  assert.match(r.stderr, "the first is in peppa.stream:");
});

test("a missing file exits 2; no file at all is bad usage", async () => {
  const r = await interpretTest(["streams/nope.stream"]);
  assert.is(r.code, 2);
  assert.match(r.stderr, "cannot read streams/nope.stream: no such file");
  const orphan = await interpretTest(["streams/nope.test.stream"]);
  assert.is(orphan.code, 2);
  const usage = await interpretTest([]);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, "usage: interpret test");
});

test("--json reports every test with its status and failures", async () => {
  const dir = peppaFolder({
    "peppa.test.stream": `stream peppa
test "fails" {
  given core [ ${coreEvent()} ]
  expect billing count 1
}
`,
  });
  const r = await interpretTest(["peppa.stream", "--json"], dir);
  assert.is(r.code, 1);
  const report = JSON.parse(r.stdout) as { tests: { title: string; status: string; failures: { what: string; line: number; lines: string[] }[] }[]; passed: number; failed: number };
  assert.is(report.failed, 1);
  // No `now`: the clock is 1970-01-01, so the event lies in the future and is rejected.
  assert.equal(report.tests[0]!.failures, [{ what: "expect billing count 1", line: 4, column: 3, lines: ["expected 1 record, got 0"] }]);
});

test.run();
