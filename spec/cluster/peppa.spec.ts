// Cluster mode end to end on streams/peppa-files.stream: init, 3 workers over
// 8 partitions, ingest, flush, collect gives exactly what one `interpret` run
// of the same stream, clock and data gives (compared as multisets). Each of
// the stream's single-process runs reads the next file of each source; the
// cluster gets the same files between flushes, so its runs are the same runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, tempDir } from "../cli/helpers.js";
import { startNats, until, type Child } from "./helpers.js";
import { ingestArgs, RUNS, sameOutputs, singleProcess, STREAM, stopWorkers, worker } from "./peppa-run.js";

test("3 workers over 8 partitions give exactly the single-process outputs; re-ingest adds nothing; status adds up", async () => {
  const nats = await startNats();
  const workers: Child[] = [];
  try {
    const init = await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "8"]);
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout, /cluster initialised on nats:\/\/127\.0\.0\.1:\d+: 5 stages × 8 partitions/);
    const again = await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "8"]);
    assert.is(again.code, 0);
    assert.match(again.stdout, /already initialised .* nothing changed/);
    for (const name of ["a", "b", "c"]) workers.push(await worker(nats.url, name));
    for (const files of RUNS) {
      const ing = await interpret(ingestArgs(nats.url, files));
      assert.is(ing.code, 0, ing.stderr);
      const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
      assert.is(flush.code, 0, flush.stderr);
    }
    const whole = await interpret(["cluster", "ingest", STREAM, "--nats", nats.url]);
    assert.is(whole.code, 0, whole.stderr);
    assert.match(whole.stdout, /ingested 0 records from 0 files \(5 already ingested, skipped\)/);

    const out = tempDir();
    const collected = await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out]);
    assert.is(collected.code, 0, collected.stderr);
    sameOutputs(out, await singleProcess());

    const status = await interpret(["cluster", "status", STREAM, "--nats", nats.url, "--json"]);
    assert.is(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { run: number; partitions: { lag: number; owner: string | null }[]; balance: Record<string, number>; rejects: Record<string, Record<string, number>>; audit: Record<string, number> };
    assert.is(s.run, 4);
    assert.is(s.partitions.length, 40);
    assert.ok(s.partitions.every((p) => p.lag === 0));
    // The workers hand partitions over to the fair share once a second; the run can be
    // done before the last ones have moved, so the share is awaited, not assumed.
    const owners = async () => {
      const now = await interpret(["cluster", "status", STREAM, "--nats", nats.url, "--json"]);
      return [...new Set((JSON.parse(now.stdout) as typeof s).partitions.map((p) => p.owner))].sort();
    };
    await until(async () => (await owners()).join() === "a,b,c", 15_000, "every worker to own a share");
    assert.equal(await owners(), ["a", "b", "c"], "every worker owns a share");
    const b = s.balance;
    assert.is(b["read"], 47);
    assert.is(b["read"]! + b["created"]!, b["delivered"]! + b["absorbed"]! + b["duplicates"]! + b["rejected"]! + b["dropped"]!);
    assert.is(s.rejects["core_ok"]!["unknown funnel event"], 1);
    assert.is(s.audit["unprovisioned_account"], 7);
    const text = await interpret(["cluster", "status", STREAM, "--nats", nats.url]);
    assert.match(text.stdout, /^balance: read 47 .*✓$/m);
    assert.match(text.stdout, /^stage 4 by account_id, period = month\(at\): usage, billable/m);
  } finally {
    await stopWorkers(workers);
    await nats.stop();
  }
});

test.run();
