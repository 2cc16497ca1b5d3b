// What a cluster command works on: the compiled stream with its tables and
// params as the CLI loaded them, its stages, and the names it has in the
// transport. Commands build one per invocation.
import { createHash } from "node:crypto";
import { clusterStages, type Plan, type RunnerOptions, type Stage } from "../index.js";

export interface ClusterJob {
  readonly plan: Plan;
  /** The stream file's text and its name as shown in messages. */
  readonly text: string;
  readonly display: string;
  /** The folder the stream's paths are relative to. */
  readonly streamDir: string;
  readonly tables: NonNullable<RunnerOptions["tables"]>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly stages: ReadonlyArray<Stage>;
  /** The stream's name as the transport may spell it. */
  readonly name: string;
}

export function clusterJob(input: Omit<ClusterJob, "stages" | "name">): ClusterJob {
  return { ...input, stages: clusterStages(input.plan), name: input.plan.stream.replace(/[^A-Za-z0-9_-]/g, "_") };
}

/** Cluster topics: stage N's input is `sN`; every sink, reject and audit event goes to `out` (one partition). */
export const stageTopic = (stage: number): string => `s${stage}`;
export const OUT_TOPIC = "out";

/** FNV-1a over the key's UTF-16 code units: the partition of a key, the same in every worker and version. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

export const sha = (text: string | Uint8Array): string => createHash("sha256").update(text).digest("hex");

const enc = new TextEncoder();
const dec = new TextDecoder();
export const bytes = (value: unknown): Uint8Array => enc.encode(JSON.stringify(value));
export const parse = <T>(data: Uint8Array): T => JSON.parse(dec.decode(data)) as T;
export const text = (data: Uint8Array): string => dec.decode(data);
export const encodeText = (s: string): Uint8Array => enc.encode(s);

/** The slices of the stream file that make each declaration, by kind and name. */
export function declarations(job: Pick<ClusterJob, "plan" | "text">): Record<string, string> {
  const out: Record<string, string> = {};
  const slice = (span: { start: number; end: number }): string => sha(job.text.slice(span.start, span.end).replace(/\s+/g, " "));
  for (const s of job.plan.checked.steps) out[`step \`${s.name}\``] = slice(s.decl.span);
  for (const t of job.plan.checked.tables.values()) out[`table \`${t.name}\``] = slice(t.decl.span);
  for (const p of job.plan.checked.params.values()) out[`param \`${p.name}\``] = slice(p.decl.span);
  return out;
}

/** `from nats "SUBJECT"` sources: each is one more partition of stage 0, after the P of ingest. */
export const natsSources = (job: Pick<ClusterJob, "plan">): ReadonlyArray<{ readonly name: string; readonly subject: string }> =>
  job.plan.steps.flatMap((s) => (s.kind === "source" && s.nats ? [{ name: s.name, subject: s.nats.subject }] : []));

/** `to nats "SUBJECT"` sinks: each publishes to its subject (topic `sink_NAME`), not to the output topic. */
export const natsSinks = (job: Pick<ClusterJob, "plan">): ReadonlyArray<{ readonly name: string; readonly subject: string }> =>
  job.plan.steps.flatMap((s) => (s.kind === "sink" && s.format === "nats" ? [{ name: s.name, subject: s.path }] : []));

export const sinkTopic = (sink: string): string => `sink_${sink}`;

/** Stage 0's partitions: the P ingest partitions, then one per `from nats` source. */
export const stagePartitions = (job: Pick<ClusterJob, "plan">, stage: number, partitions: number): number => (stage === 0 ? partitions + natsSources(job).length : partitions);

/** Makes the `from nats` and `to nats` subjects partitions of the cluster (created if missing). */
export async function bindNats(log: import("./transport.js").PartitionedLog, job: ClusterJob, partitions: number): Promise<void> {
  for (const [i, s] of natsSources(job).entries()) await log.bind(stageTopic(0), partitions + i, s.subject);
  for (const s of natsSinks(job)) await log.bind(sinkTopic(s.name), 0, s.subject);
}
