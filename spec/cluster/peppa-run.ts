// The peppa-files stream as the cluster specs run it: its single-process
// outputs, the files of each of its runs, and workers as child processes.
import path from "node:path";
import * as assert from "uvu/assert";
import { interpret, NOW, tempDir } from "../cli/helpers.js";
import { multiset, spawnInterpret, until, type Child } from "./helpers.js";

export const STREAM = "streams/peppa-files.stream";
const DATA = "streams/data/peppa-files";
const OUTPUTS = ["files-billing.csv", "files-analytics.jsonl", "files-reconciliation.jsonl", "rejects.jsonl", "audit.jsonl"];
/** The files of each single-process run, as --input of one ingest. */
export const RUNS = [
  ["core=" + `${DATA}/core/2026-10-30.jsonl`, "cpq=" + `${DATA}/cpq/2026-10-30.csv`],
  ["core=" + `${DATA}/core/2026-10-31.jsonl`, "cpq=" + `${DATA}/cpq/2026-10-31.csv`],
  ["core=" + `${DATA}/core/2026-11-01.jsonl`],
];

export async function singleProcess(): Promise<string> {
  const out = tempDir();
  const r = await interpret([STREAM, "--now", NOW, "--out", out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}

export function sameOutputs(cluster: string, single: string): void {
  for (const f of OUTPUTS) {
    const want = multiset(path.join(single, "out", f));
    assert.ok(want.length > 1, `${f} has records`);
    assert.equal(multiset(path.join(cluster, "out", f)), want, f);
  }
}

export const ingestArgs = (url: string, files: ReadonlyArray<string>): string[] => ["cluster", "ingest", STREAM, "--nats", url, ...files.flatMap((f) => ["--input", f])];

export const worker = (url: string, name: string, batch = 3, env: Readonly<Record<string, string>> = {}): Promise<Child> =>
  spawnInterpret(["cluster", "worker", STREAM, "--nats", url, "--name", name, "--now", NOW, "--batch", String(batch)], undefined, env);

export async function stopWorkers(workers: ReadonlyArray<Child>): Promise<void> {
  // A worker still starting has no SIGTERM handler yet: wait until it has joined.
  const live = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  await until(() => live.every((w) => /joined/.test(w.stdout()) || w.process.exitCode !== null), 60_000, "every worker to join");
  for (const w of live) w.process.kill("SIGTERM");
  const codes = await Promise.all(live.map((w) => w.exited));
  for (const [i, w] of live.entries()) assert.is(codes[i], 0, `worker exits 0 on SIGTERM: ${w.stderr()}`);
}

