// `cluster worker`: joins the cluster, takes a fair share of the partitions of
// every stage under a lease kept in each partition's entry, and moves each
// owned partition on one micro-batch at a time. A lease is the entry's owner
// and expiry; taking, renewing, writing ahead and committing are all
// compare-and-set on the entry, so a worker whose lease was taken (it paused
// past its expiry) finds the revision moved and commits nothing: it is fenced.
// Every took, committed and released line ends with the revision the write
// produced, so the order of ownership is checkable from the workers' logs.
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import type { State } from "../index.js";
import { bytes, parse, stagePartitions, stageTopic } from "./job.js";
import { CONTROL_KEY, readControl, type Control } from "./meta.js";
import {
  dropState,
  execute,
  loadState,
  mergeStats,
  newEntry,
  readEntry,
  saveState,
  writeEntry,
  type PartitionEntry,
  type PartitionRef,
  type Pending,
  type StepContext,
} from "./partition.js";
import { profileReport, timed, timedSync } from "./profile.js";

/** How long a lease lasts without renewal: a killed worker's partitions move after this. */
export const LEASE_MS = 5000;
const IDLE_MS = 100;

export interface WorkerOptions {
  readonly name?: string;
  /** The run clock of every run; default: the wall clock when a run is written ahead. */
  readonly now?: string;
  /** Messages per micro-batch. */
  readonly batch: number;
  /** One line per event (took, released, lost, committed), for logs and the specs. */
  readonly log: (line: string) => void;
  /** Resolves when the worker should stop (SIGTERM). */
  readonly stop: Promise<void>;
  /**
   * Called just before a commit is written, with the partition (`STAGE.PARTITION`) and
   * the range: the zombie spec stops the process there, so that it resumes holding a
   * run it is about to commit on a lease that has been taken meanwhile.
   */
  readonly beforeCommit?: (partition: string, range: string) => void;
}

interface Owned {
  readonly ref: PartitionRef;
  entry: PartitionEntry;
  revision: number;
  /** The monotonic time (performance.now()) just before the write that set the lease in `entry` was sent. */
  leasedAt: number;
  /** The state `entry.state` names, once read. */
  state?: { gen: string | null; value: State | undefined; json?: string };
}

/** A worker found, before publishing, that its lease is gone (the line is said already). */
class Fenced extends Error {}

const workerKey = (name: string): string => `worker.${name}`;

export async function runWorker(ctx: StepContext, options: WorkerOptions): Promise<void> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const { kv } = ctx;
  const refs: PartitionRef[] = ctx.job.stages.flatMap((stage) => Array.from({ length: stagePartitions(ctx.job, stage.index, ctx.partitions) }, (_, partition) => ({ stage, partition })));
  const owned = new Map<string, Owned>();
  const id = (r: PartitionRef): string => `${r.stage.index}.${r.partition}`;
  let stopping = false;
  void options.stop.then(() => {
    stopping = true;
  });

  const heartbeat = () => kv.put(workerKey(name), bytes({ name, seen: Date.now() }));
  await heartbeat();
  options.log(`worker ${name} joined (${refs.length} partitions in ${ctx.job.stages.length} stages)`);

  const lose = (o: Owned, why: string) => {
    owned.delete(id(o.ref));
    options.log(`lost ${id(o.ref)}: ${why}`);
  };

  /** Who holds the entry now, for the line that says this worker lost it. */
  const holder = async (o: Owned): Promise<string> => {
    const now = await readEntry(kv, o.ref.stage.index, o.ref.partition).catch(() => undefined);
    return now ? `${now.entry.owner ?? "nobody"} holds it at revision ${now.revision}` : "its entry cannot be read";
  };

  /** Writes the owned entry with compare-and-set on the revision this worker last wrote, renewing the lease; false when fenced. */
  const write = async (o: Owned, next: PartitionEntry, doing: string): Promise<boolean> => {
    const at = performance.now();
    const entry = { ...next, owner: name, until: Date.now() + LEASE_MS };
    const rev = await writeEntry(kv, o.ref.stage.index, o.ref.partition, entry, o.revision);
    if (rev === undefined) {
      lose(o, `the ${doing} on revision ${o.revision} was refused (${await holder(o)}; this worker's lease expired); nothing was committed`);
      return false;
    }
    o.entry = entry;
    o.revision = rev;
    o.leasedAt = at;
    return true;
  };

  /**
   * Called before a run's outputs are appended. The appends cannot be conditional on the
   * entry's revision (a JetStream publish names no other key), so a worker makes sure it
   * still holds the lease first: when half of it has gone by on this process's monotonic
   * clock (a pause shows there) it renews it with compare-and-set, which fails if another
   * worker took it. A worker that lost its lease thus publishes nothing, except after a
   * pause between this check and the append itself, whose messages are the redo's, under
   * the same ids, dropped by the duplicate window.
   */
  const fence = async (o: Owned): Promise<void> => {
    if (performance.now() - o.leasedAt < LEASE_MS / 2) return;
    if (!(await write(o, o.entry, "renewal before publishing"))) throw new Fenced();
  };

  const balance = async () => {
    const live: string[] = [];
    const now = Date.now();
    for (const key of await kv.keys("worker.")) {
      const e = await kv.get(key);
      if (!e) continue;
      const w = parse<{ name: string; seen: number }>(e.value);
      if (now - w.seen < LEASE_MS * 2) live.push(w.name);
    }
    if (!live.includes(name)) live.push(name);
    const share = Math.ceil(refs.length / live.length);
    // Beyond its share (another worker joined): give back the last ones, when idle.
    const mine = [...owned.values()];
    for (const o of mine.slice(share)) {
      if (o.entry.pending) continue;
      const released = { ...o.entry, owner: null, until: 0 };
      owned.delete(id(o.ref));
      const rev = await writeEntry(kv, o.ref.stage.index, o.ref.partition, released, o.revision);
      if (rev !== undefined) options.log(`released ${id(o.ref)} (fair share ${share} of ${live.length} workers) [revision ${rev}]`);
      else options.log(`lost ${id(o.ref)}: the release on revision ${o.revision} was refused (${await holder(o)}); nothing was committed`);
    }
    for (const ref of refs) {
      if (owned.size >= share || stopping) break;
      if (owned.has(id(ref))) continue;
      const read = await readEntry(kv, ref.stage.index, ref.partition);
      const entry = read?.entry ?? newEntry();
      if (entry.owner !== null && entry.owner !== name && entry.until > Date.now()) continue;
      const at = performance.now();
      const took = { ...entry, owner: name, until: Date.now() + LEASE_MS };
      const rev = await writeEntry(kv, ref.stage.index, ref.partition, took, read?.revision ?? 0);
      if (rev === undefined) continue;
      owned.set(id(ref), { ref, entry: took, revision: rev, leasedAt: at });
      options.log(`took ${id(ref)}${entry.owner && entry.owner !== name ? ` from ${entry.owner} (lease expired)` : ""}${entry.pending ? `, redoing its written-ahead ${entry.pending.final ? `final run ${entry.pending.run}` : `range ${entry.pending.from}-${entry.pending.to}`}` : ""} [revision ${rev}]`);
    }
  };

  /** Every partition's entry, read once per loop while a flush closes a run. */
  const snapshot = async (): Promise<Map<string, PartitionEntry | undefined>> => {
    const read = await Promise.all(refs.map((ref) => readEntry(kv, ref.stage.index, ref.partition)));
    return new Map(refs.map((ref, i) => [id(ref), read[i]?.entry]));
  };

  /** Every partition of a lower stage has closed `run`. */
  const upstreamClosed = (entries: Map<string, PartitionEntry | undefined>, stage: number, run: number): boolean =>
    refs.every((ref) => ref.stage.index >= stage || (entries.get(id(ref))?.flushed ?? 0) >= run);

  /** What the partition does next, or undefined when it waits. */
  const next = async (o: Owned, control: Control, entries: Map<string, PartitionEntry | undefined>): Promise<Pending | undefined> => {
    const e = o.entry;
    if (e.run > control.run) return undefined; // closed its run; waits for the cluster to close it too
    const s = o.ref.stage.index;
    const end = await ctx.transport.log.end(stageTopic(s), o.ref.partition);
    const now = options.now ?? new Date().toISOString();
    const flushing = control.flush !== null && e.flushed < control.run;
    const limit = s === 0 && flushing ? Math.min(end, control.flush!.ends[o.ref.partition] ?? end) : end;
    if (e.pos < limit) return { from: e.pos + 1, to: Math.min(limit, e.pos + options.batch), now, run: e.run, final: false };
    if (!flushing) return undefined;
    if (s > 0) {
      if (!upstreamClosed(entries, s, control.run)) return undefined;
      // Upstream is closed: nothing more arrives for this run; finish what did.
      const last = await ctx.transport.log.end(stageTopic(s), o.ref.partition);
      if (e.pos < last) return { from: e.pos + 1, to: Math.min(last, e.pos + options.batch), now, run: e.run, final: false };
    }
    return { from: e.pos + 1, to: e.pos, now, run: e.run, final: true };
  };

  const stepOnce = async (o: Owned, control: Control, entries: Map<string, PartitionEntry | undefined>): Promise<boolean> => {
    let pending = o.entry.pending;
    if (!pending) {
      const planned = await timed("next (log end)", () => next(o, control, entries));
      if (!planned) {
        if (performance.now() - o.leasedAt > LEASE_MS / 2) await write(o, o.entry, "renewal");
        return false;
      }
      // Written ahead before anything is read: a rerun takes this very range, clock and run.
      if (!(await timed("write-ahead", () => write(o, { ...o.entry, pending: planned }, "write-ahead")))) return false;
      pending = planned;
    }
    if (!o.state || o.state.gen !== (o.entry.state?.gen ?? null)) {
      const loaded = await timed("load state", () => loadState(ctx, o.ref, o.entry));
      o.state = { gen: o.entry.state?.gen ?? null, value: loaded?.value, ...(loaded ? { json: loaded.json } : {}) };
    }
    const outcome = await execute(ctx, o.ref, o.state.value, pending, () => fence(o));
    // A state that did not change (a stateless stage, an empty final run) keeps its chunks.
    const json = timedSync("state stringify", () => JSON.stringify({ ...outcome.state, runs: 0 }));
    const same = o.entry.state !== null && o.state.json === json;
    // The text is written with `runs` 0 (each run sets it from the cluster run), so that it
    // does not shift the chunks that saveState keeps.
    const previous = o.entry.state && o.state.json !== undefined ? { saved: o.entry.state, json: o.state.json } : undefined;
    const saved = same ? o.entry.state! : await timed("save state", () => saveState(ctx, o.ref, json, previous));
    const old = same ? null : o.entry.state;
    const committed: PartitionEntry = {
      ...o.entry,
      pending: null,
      pos: pending.final ? o.entry.pos : pending.to,
      state: saved,
      stats: mergeStats(o.entry.stats, outcome.stats),
      ...(pending.final ? { flushed: pending.run, run: pending.run + 1 } : {}),
    };
    const range = pending.final ? `final run ${pending.run}` : `${pending.from}-${pending.to}`;
    options.beforeCommit?.(id(o.ref), range);
    // The commit names the revision this worker's own last write produced (the write-ahead,
    // or a renewal after it), never one read again now: if another worker wrote the entry
    // since, by taking the lease, the server refuses it.
    if (!(await timed("commit", () => write(o, committed, `commit of ${range}`)))) {
      if (!same) await dropState(ctx, o.ref, saved, undefined, true);
      return false;
    }
    o.state = { gen: saved.gen, value: outcome.state, json };
    await timed("drop old state", () => dropState(ctx, o.ref, old, saved));
    options.log(`committed ${id(o.ref)} ${range} (${outcome.published} out) [revision ${o.revision}]`);
    return true;
  };

  /** The cluster run is closed when every partition closed it: the next run starts. */
  const closeRun = async (control: Control, revision: number, entries: Map<string, PartitionEntry | undefined>) => {
    if (control.flush && refs.every((ref) => (entries.get(id(ref))?.flushed ?? 0) >= control.run)) {
      await kv.update(CONTROL_KEY, bytes({ run: control.run + 1, flush: null } satisfies Control), revision);
    }
  };

  let lastBalance = 0;
  let failures = 0;
  while (!stopping) {
    try {
      await loop();
      failures = 0;
    } catch (e) {
      // The server or the network: retry for a while (a cluster node may be failing over), then give up.
      if (++failures > 50) throw e;
      options.log(`retrying: ${e instanceof Error ? e.message : String(e)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async function loop(): Promise<void> {
    if (Date.now() - lastBalance > LEASE_MS / 5) {
      await timed("heartbeat", heartbeat);
      await timed("balance", balance);
      lastBalance = Date.now();
    }
    const { control, revision } = await timed("read control", () => readControl(kv));
    const entries = control.flush ? await timed("snapshot", snapshot) : new Map<string, PartitionEntry | undefined>();
    // Partitions are independent: their steps overlap their round trips to the server. A step
    // that fails (the server went away, a request timed out) gives the partition up: whoever
    // takes it next redoes its written-ahead run.
    const guarded = (o: Owned) =>
      stepOnce(o, control, entries).catch((e: unknown) => {
        // Fenced: the line was said. Otherwise a request failed, whose write may or may not
        // have landed; either way the entry is consistent and whoever takes it next
        // (this worker too) starts from what it says.
        if (!(e instanceof Fenced)) lose(o, `${e instanceof Error ? e.message : String(e)}; given up (whoever takes it next, this worker too, redoes its written-ahead run)`);
        return false;
      });
    const worked = (await timed("steps (all partitions)", () => Promise.all([...owned.values()].map(guarded)))).some((w) => w);
    if (control.flush) await timed("close run", async () => closeRun(control, revision, await snapshot()));
    if (!worked) await timed("idle", () => Promise.race([new Promise((r) => setTimeout(r, IDLE_MS)), options.stop]));
  }
  // SIGTERM: the current step is done; give every lease back so others take over at once.
  for (const o of owned.values()) {
    const released = { ...o.entry, owner: null, until: 0 };
    const rev = await writeEntry(kv, o.ref.stage.index, o.ref.partition, released, o.revision);
    if (rev !== undefined) options.log(`released ${id(o.ref)} [revision ${rev}]`);
  }
  await kv.delete(workerKey(name)).catch(() => undefined);
  for (const line of profileReport()) options.log(line);
  options.log(`worker ${name} stopped`);
}
