// Money as accountants print it: round(x, 2) keeps two places in JSONL, CSV and
// JSON sinks, across `--state` invocations, and exact division keeps money decimal.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, readLines, tempDir } from "./helpers.js";

const STREAM = `
source calls from jsonl "in.jsonl" { id string  account string  duration_s int  rate decimal }
map priced from calls {
  id = id
  account = account
  minutes = ceil(duration_s / 60)
  amount = round(ceil(duration_s / 60) * rate, 2)
  per_second = duration_s / 3
}
aggregate invoice from priced by account flush each run { total = sum(amount)  lines = count()  first_amount = first(amount) }
sink lines from priced to jsonl "out/lines.jsonl"
sink lines_csv from priced to csv "out/lines.csv"
sink invoices from invoice to json "out/invoices.json"
`;

function folder(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "m.stream"), STREAM);
  fs.writeFileSync(
    path.join(dir, "in.jsonl"),
    ['{"id":"c1","account":"a","duration_s":125,"rate":"0.1"}', '{"id":"c2","account":"a","duration_s":60,"rate":"0.2"}', '{"id":"c3","account":"b","duration_s":10,"rate":"13"}'].join("\n") + "\n",
  );
  return dir;
}

test("round(x, 2) is written with two places in JSONL, CSV and JSON; int / int stays decimal", async () => {
  const dir = folder();
  const r = await interpret([path.join(dir, "m.stream"), "--out", path.join(dir, "o"), "--now", "2026-11-20T12:00:00Z"]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readLines(path.join(dir, "o/out/lines.jsonl")), [
    '{"id":"c1","account":"a","minutes":"3","amount":"0.30","per_second":"41.66666666666666666667"}',
    '{"id":"c2","account":"a","minutes":"1","amount":"0.20","per_second":"20"}',
    '{"id":"c3","account":"b","minutes":"1","amount":"13.00","per_second":"3.33333333333333333333"}',
  ]);
  assert.equal(readLines(path.join(dir, "o/out/lines.csv")), [
    "id,account,minutes,amount,per_second",
    "c1,a,3,0.30,41.66666666666666666667",
    "c2,a,1,0.20,20",
    "c3,b,1,13.00,3.33333333333333333333",
  ]);
  const invoices = JSON.parse(fs.readFileSync(path.join(dir, "o/out/invoices.json"), "utf8")) as Record<string, unknown>[];
  assert.equal(invoices, [
    { account: "a", total: "0.50", lines: 2, first_amount: "0.30" },
    { account: "b", total: "13.00", lines: 1, first_amount: "13.00" },
  ]);
});

test("a session's scaled sum and value keep their places through the state file", async () => {
  const dir = folder();
  const text = STREAM.replace("flush each run", "flush when lines >= 2");
  fs.writeFileSync(path.join(dir, "m.stream"), text);
  const state = path.join(dir, "state.json");
  const first = await interpret([path.join(dir, "m.stream"), "--out", path.join(dir, "o1"), "--now", "2026-11-20T12:00:00Z", "--state", state]);
  assert.is(first.code, 0, first.stderr);
  // b's session (13.00, one line) waits in the state for its second line.
  const shown = JSON.parse((await interpret(["state", "show", state, "--json"])).stdout) as { sessions: { step: string; open: number }[] };
  assert.equal(shown.sessions.map((x) => [x.step, x.open]), [["invoice", 1]]);
  fs.appendFileSync(path.join(dir, "in.jsonl"), '{"id":"c4","account":"b","duration_s":60,"rate":"1.5"}\n');
  const second = await interpret([path.join(dir, "m.stream"), "--out", path.join(dir, "o2"), "--now", "2026-11-21T12:00:00Z", "--state", state]);
  assert.is(second.code, 0, second.stderr);
  const invoices = JSON.parse(fs.readFileSync(path.join(dir, "o2/out/invoices.json"), "utf8")) as Record<string, unknown>[];
  assert.equal(invoices.find((i) => i["account"] === "b"), { account: "b", total: "14.50", lines: 2, first_amount: "13.00" });
});

test.run();
