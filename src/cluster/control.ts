// The commands that look at or steer the cluster as a whole: `flush` (close
// the cluster run once every record ingested so far is processed), `status`
// and `collect` (read every output back).
import { parseJsonText } from "../io/index.js";
import { addBalances, ZERO_BALANCE, type Balance, type JsonRecord } from "../index.js";
import { bytes, OUT_TOPIC, parse, stagePartitions, stageTopic, text, type ClusterJob } from "./job.js";
import { CONTROL_KEY, readControl, type Control } from "./meta.js";
import { readEntry, type OutMessage } from "./partition.js";
import type { KeyValue, Transport } from "./transport.js";
import { LEASE_MS } from "./worker.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function liveWorkers(kv: KeyValue): Promise<string[]> {
  const out: string[] = [];
  for (const key of await kv.keys("worker.")) {
    const e = await kv.get(key);
    if (!e) continue;
    const w = parse<{ name: string; seen: number }>(e.value);
    if (Date.now() - w.seen < LEASE_MS * 2) out.push(w.name);
  }
  return out;
}

/** Closes the current cluster run: returns its number once every partition has closed it. */
export async function flushCluster(transport: Transport, kv: KeyValue, job: ClusterJob, partitions: number, log: (line: string) => void): Promise<number> {
  let run: number | undefined;
  while (run === undefined) {
    const { control, revision } = await readControl(kv);
    if (control.flush) {
      // Another flush is closing this run; ours covers what was ingested after it, in the next.
      await waitClosed(kv, control.run, log);
      continue;
    }
    const ends: number[] = [];
    for (let p = 0; p < stagePartitions(job, 0, partitions); p++) ends.push(await transport.log.end(stageTopic(0), p));
    if ((await kv.update(CONTROL_KEY, bytes({ run: control.run, flush: { ends } } satisfies Control), revision)) !== undefined) run = control.run;
  }
  await waitClosed(kv, run, log);
  return run;
}

async function waitClosed(kv: KeyValue, run: number, log: (line: string) => void): Promise<void> {
  let warned = false;
  const started = Date.now();
  for (;;) {
    const { control } = await readControl(kv);
    if (control.run > run) return;
    if (!warned && Date.now() - started > LEASE_MS * 2 && (await liveWorkers(kv)).length === 0) {
      log(`waiting for run ${run} to close, but no worker is running (start one with \`interpret cluster worker\`)`);
      warned = true;
    }
    await sleep(100);
  }
}

export interface PartitionStatus {
  readonly stage: number;
  readonly partition: number;
  readonly owner: string | null;
  readonly lag: number;
  readonly processed: number;
  readonly batches: number;
  readonly openSessions: number;
  readonly closedRun: number;
}

export interface ClusterStatus {
  readonly stream: string;
  readonly run: number;
  readonly flushing: boolean;
  readonly workers: ReadonlyArray<string>;
  readonly stages: ReadonlyArray<{ readonly stage: number; readonly key: string; readonly steps: ReadonlyArray<string> }>;
  readonly partitions: ReadonlyArray<PartitionStatus>;
  readonly balance: Balance;
  readonly rejects: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly audit: Readonly<Record<string, number>>;
  readonly outputs: number;
}

export async function clusterStatus(transport: Transport, kv: KeyValue, job: ClusterJob, partitions: number): Promise<ClusterStatus> {
  const { control } = await readControl(kv);
  const list: PartitionStatus[] = [];
  let balance: Balance = ZERO_BALANCE;
  const rejects: Record<string, Record<string, number>> = {};
  const audit: Record<string, number> = {};
  for (const stage of job.stages) {
    for (let p = 0; p < stagePartitions(job, stage.index, partitions); p++) {
      const read = await readEntry(kv, stage.index, p);
      const end = await transport.log.end(stageTopic(stage.index), p);
      const e = read?.entry;
      list.push({
        stage: stage.index,
        partition: p,
        owner: e && e.owner !== null && e.until > Date.now() ? e.owner : null,
        lag: end - (e?.pos ?? 0),
        processed: e?.pos ?? 0,
        batches: e?.stats.batches ?? 0,
        openSessions: e?.stats.openSessions ?? 0,
        closedRun: e?.flushed ?? 0,
      });
      if (!e) continue;
      balance = addBalances(balance, e.stats.balance);
      for (const [step, reasons] of Object.entries(e.stats.rejects)) for (const [reason, n] of Object.entries(reasons)) (rejects[step] ??= {})[reason] = ((rejects[step] ??= {})[reason] ?? 0) + n;
      for (const [kind, n] of Object.entries(e.stats.audit)) audit[kind] = (audit[kind] ?? 0) + n;
    }
  }
  return {
    stream: job.plan.stream,
    run: control.run,
    flushing: control.flush !== null,
    workers: await liveWorkers(kv),
    stages: job.stages.map((s) => ({ stage: s.index, key: s.keyedBy ? s.key.join(", ") : "message id", steps: s.steps })),
    partitions: list,
    balance,
    rejects,
    audit,
    outputs: await transport.log.end(OUT_TOPIC, 0),
  };
}

export interface Collected {
  readonly outputs: Record<string, JsonRecord[]>;
  readonly rejects: JsonRecord[];
  readonly audit: JsonRecord[];
}

/** Every output message, grouped as a run's result is. */
export async function collect(transport: Transport): Promise<Collected> {
  const out: Collected = { outputs: {}, rejects: [], audit: [] };
  const end = await transport.log.end(OUT_TOPIC, 0);
  for (let from = 1; from <= end; ) {
    const got = await transport.log.read(OUT_TOPIC, 0, from, Math.min(10_000, end - from + 1), end);
    if (got.length === 0) break;
    for (const m of got) {
      const msg = parseJsonText(text(m.data)) as OutMessage;
      if (msg.k === "sink") (out.outputs[msg.n] ??= []).push(msg.r);
      else if (msg.k === "rejects") out.rejects.push(msg.r);
      else out.audit.push(msg.r);
    }
    from = got[got.length - 1]!.seq + 1;
  }
  return out;
}
