// Outputs never depend on how the cluster happens to be cut: the same stream, clock and
// files through other counts of workers and partitions and other micro-batch sizes give
// exactly the single-process records (as peppa.spec.ts shows for 3 workers, 8 partitions,
// batch 3). A micro-batch is not a run: sessions that flush `each run` flush at
// `cluster flush`, so batch 1 and batch 10,000 give the same invoices.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, tempDir } from "../cli/helpers.js";
import { startNats, type Child } from "./helpers.js";
import { ingestArgs, RUNS, sameOutputs, singleProcess, STREAM, stopWorkers, worker } from "./peppa-run.js";

const SHAPES = [
  { workers: 1, partitions: 1, batch: 1 },
  { workers: 2, partitions: 5, batch: 10_000 },
] as const;

for (const shape of SHAPES) {
  test(`${shape.workers} worker(s) over ${shape.partitions} partition(s), micro-batches of ${shape.batch}: the single-process outputs`, async () => {
    const nats = await startNats();
    const workers: Child[] = [];
    try {
      const init = await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", String(shape.partitions)]);
      assert.is(init.code, 0, init.stderr);
      for (let i = 0; i < shape.workers; i++) workers.push(await worker(nats.url, `w${i}`, shape.batch));
      for (const files of RUNS) {
        const ing = await interpret(ingestArgs(nats.url, files));
        assert.is(ing.code, 0, ing.stderr);
        const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
        assert.is(flush.code, 0, flush.stderr);
      }
      const out = tempDir();
      const collected = await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out]);
      assert.is(collected.code, 0, collected.stderr);
      sameOutputs(out, await singleProcess());
      const status = await interpret(["cluster", "status", STREAM, "--nats", nats.url, "--json"]);
      const s = JSON.parse(status.stdout) as { run: number; balance: Record<string, number> };
      assert.is(s.run, 4);
      assert.is(s.balance["read"], 47);
    } finally {
      await stopWorkers(workers);
      await nats.stop();
    }
  });
}

test.run();
