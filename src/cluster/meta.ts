// What `cluster init` records in the store: the stream's shape (a digest of
// each declaration, the stages), the partition count and the cluster run
// control. Every other command reads it first, so a stream file that changed
// since init, or a cluster that was never initialised, is refused in words.
import { bindNats, bytes, declarations, parse, stageTopic, OUT_TOPIC, type ClusterJob } from "./job.js";
import type { KeyValue, Transport } from "./transport.js";

export const META_KEY = "meta";
export const CONTROL_KEY = "control";
export const META_VERSION = 1;

export interface Meta {
  readonly version: number;
  readonly stream: string;
  readonly partitions: number;
  readonly declarations: Readonly<Record<string, string>>;
  readonly stages: ReadonlyArray<{ readonly key: ReadonlyArray<string>; readonly steps: ReadonlyArray<string> }>;
  /** `--param`s of init, the same for every worker. */
  readonly params?: Readonly<Record<string, string>>;
}

/** The cluster run in progress, and the flush that closes it (the end of each stage-0 partition it covers). */
export interface Control {
  readonly run: number;
  readonly flush: { readonly ends: ReadonlyArray<number> } | null;
}

/** A refusal: the message and the exit code the command ends with. */
export class ClusterRefusal extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export const metaOf = (job: ClusterJob, partitions: number): Meta => ({
  version: META_VERSION,
  stream: job.plan.stream,
  partitions,
  declarations: declarations(job),
  stages: job.stages.map((s) => ({ key: s.key, steps: s.steps })),
  params: job.params as Record<string, string>,
});

/** What differs between the stream as initialised and as it is now, one phrase each. */
export function changes(was: Meta, now: Meta): string[] {
  const out: string[] = [];
  for (const [name, digest] of Object.entries(now.declarations)) {
    if (!(name in was.declarations)) out.push(`${name} was added`);
    else if (was.declarations[name] !== digest) out.push(`${name} changed`);
  }
  for (const name of Object.keys(was.declarations)) if (!(name in now.declarations)) out.push(`${name} was removed`);
  return out;
}

/** Creates the topics, the store and the records of a new cluster, or checks an existing one is this stream. */
export async function initCluster(transport: Transport, job: ClusterJob, partitions: number): Promise<"created" | "exists"> {
  const kv = (await transport.store(true))!;
  const meta = metaOf(job, partitions);
  const existing = await kv.get(META_KEY);
  if (existing) {
    const was = parse<Meta>(existing.value);
    if (was.partitions !== partitions) {
      throw new ClusterRefusal(
        `the cluster of stream \`${job.plan.stream}\` was initialised with ${was.partitions} partitions; it cannot be initialised again with ${partitions} (the partition of every key and every checkpoint depend on it; use a new stream name for a new layout)`,
        2,
      );
    }
    refuseChanged(was, meta, job);
  }
  for (const s of job.stages) await transport.log.ensureTopic(stageTopic(s.index), partitions);
  await transport.log.ensureTopic(OUT_TOPIC, 1);
  await bindNats(transport.log, job, partitions);
  if (existing) return "exists";
  await kv.create(CONTROL_KEY, bytes({ run: 1, flush: null } satisfies Control));
  const made = await kv.create(META_KEY, bytes(meta));
  return made === undefined ? "exists" : "created";
}

function refuseChanged(was: Meta, now: Meta, job: ClusterJob): void {
  const diff = changes(was, now);
  if (diff.length) {
    throw new ClusterRefusal(`${job.display} changed since \`cluster init\`: ${diff.join(", ")}; a running cluster keeps the stream it was initialised with (restore the file, or init a cluster under a new stream name)`, 2);
  }
}

/** The store and metadata of an initialised cluster of this very stream, or a refusal that says why not. */
export async function openCluster(transport: Transport, job: ClusterJob, url: string): Promise<{ kv: KeyValue; meta: Meta }> {
  const kv = await transport.store(false);
  const entry = kv && (await kv.get(META_KEY));
  if (!kv || !entry) {
    throw new ClusterRefusal(`stream \`${job.plan.stream}\` is not initialised on ${url}; run \`interpret cluster init ${job.display} --nats ${url} --partitions P\` first`, 2);
  }
  const meta = parse<Meta>(entry.value);
  if (meta.version !== META_VERSION) throw new ClusterRefusal(`the cluster of \`${job.plan.stream}\` on ${url} was made by another version of interpret (layout ${meta.version}, this one reads ${META_VERSION})`, 2);
  refuseChanged(meta, metaOf(job, meta.partitions), job);
  await bindNats(transport.log, job, meta.partitions);
  return { kv, meta };
}

export async function readControl(kv: KeyValue): Promise<{ control: Control; revision: number }> {
  const e = await kv.get(CONTROL_KEY);
  if (!e) throw new ClusterRefusal("the cluster's control record is missing; was the bucket edited by hand?", 3);
  return { control: parse<Control>(e.value), revision: e.revision };
}
