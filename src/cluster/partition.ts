// One partition of one stage: its checkpoint record in the store and the step
// that moves it on. A step is: write ahead what the run will be (its input
// range, clock and cluster run) with compare-and-set, run the stage's plan on
// exactly those messages with the partition's state, append every output with
// ids made of the partition and that range, then commit state and position
// with compare-and-set on the revision the write-ahead produced.
//
// Why the write-ahead suffices: the run is pure, so its outputs are a function
// of (plan, state, messages, clock, run number). The state is the one the entry
// names; messages of a log never change; the clock and run number are in the
// write-ahead. So whoever redoes a written-ahead run (the same worker after an
// error, another after a crash) produces the same messages under the same ids,
// which the log drops. And a worker whose lease was taken cannot commit: its
// revision is no longer the entry's.
import { isLeft } from "fp-ts/lib/Either.js";
import { jsonText, parseJsonText } from "../io/index.js";
import { addBalances, KEY_FIELD, prepareRunner, ZERO_BALANCE, type Balance, type JsonRecord, type RunResult, type SourceBatch, type Stage, type State } from "../index.js";
import { bytes, encodeText, natsSinks, natsSources, OUT_TOPIC, parse, partitionOf, sinkTopic, stageTopic, text, type ClusterJob } from "./job.js";
import { performance } from "node:perf_hooks";
import { note, timed, timedSync } from "./profile.js";
import type { KeyValue, OutgoingMessage, Transport } from "./transport.js";

export interface Pending {
  readonly from: number;
  readonly to: number;
  /** The run clock, ISO-8601. */
  readonly now: string;
  /** The cluster run this is part of (the `run` of rejects and audit events). */
  readonly run: number;
  /** The partition's last run of the cluster run: no input, every session closes. */
  readonly final: boolean;
}

export interface PartitionStats {
  readonly batches: number;
  readonly messages: number;
  readonly balance: Balance;
  /** Rejects per step, per reason. */
  readonly rejects: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly audit: Readonly<Record<string, number>>;
  readonly openSessions: number;
}

export interface PartitionEntry {
  readonly owner: string | null;
  /** When the owner's lease ends (ms since the epoch, the owner's clock). */
  readonly until: number;
  /** The last sequence of the partition's topic that is processed. */
  readonly pos: number;
  /** The cluster run the partition is in, and the last one it closed. */
  readonly run: number;
  readonly flushed: number;
  readonly pending: Pending | null;
  /** Where the state is: chunks `state.S.P.GEN.I` of its JSON text. */
  readonly state: SavedState | null;
  readonly stats: PartitionStats;
}

export const partitionKey = (stage: number, partition: number): string => `part.${stage}.${partition}`;
const chunkKey = (stage: number, partition: number, gen: string, i: number): string => `state.${stage}.${partition}.${gen}.${i}`;

/** A state's JSON text is cut into values of this size: a KV value must fit one NATS message (1 MB by default). */
export const STATE_CHUNK = 256 * 1024;

export const emptyStats = (): PartitionStats => ({ batches: 0, messages: 0, balance: ZERO_BALANCE, rejects: {}, audit: {}, openSessions: 0 });

export const newEntry = (): PartitionEntry => ({ owner: null, until: 0, pos: 0, run: 1, flushed: 0, pending: null, state: null, stats: emptyStats() });

/** The partition's place in the cluster. */
export interface PartitionRef {
  readonly stage: Stage;
  readonly partition: number;
}

export interface StepContext {
  readonly transport: Transport;
  readonly kv: KeyValue;
  readonly job: ClusterJob;
  readonly partitions: number;
  /** Groups a reject's errors for the status (the CLI's `reasonOf`). */
  readonly reasonOf: (error: unknown) => string;
}

/** A message of a stage's topic as `ingest` and the upstream stages write it. */
type StageMessage =
  | { readonly s: string; readonly f: string; readonly l: number; readonly r: unknown }
  | { readonly s: string; readonly f: string; readonly l: number; readonly m: string; readonly t: string }
  | { readonly i: string; readonly r: unknown };

/** An output message: a sink's record, a reject or an audit event. */
export type OutMessage = { readonly k: "sink"; readonly n: string; readonly r: JsonRecord } | { readonly k: "rejects" | "audit"; readonly r: JsonRecord };

export const encodeMessage = (m: StageMessage | OutMessage | JsonRecord): Uint8Array => encodeText(jsonText(m as unknown as JsonRecord));

/** Where a partition's state is: its chunks `state.S.P.GEN.I`, each under the generation that wrote it. */
export interface SavedState {
  /** The generation of the commit that wrote this state (new chunks are under it). */
  readonly gen: string;
  readonly chunks: number;
  /** Per chunk, the generation it is under, when some are kept from an earlier state (absent: all `gen`). */
  readonly gens?: ReadonlyArray<string>;
}

const chunkKeys = (ref: PartitionRef, saved: SavedState): string[] => Array.from({ length: saved.chunks }, (_, i) => chunkKey(ref.stage.index, ref.partition, saved.gens?.[i] ?? saved.gen, i));

/** Reads a partition's state from its chunks; also its JSON text, which the next save compares chunk by chunk. */
export async function loadState(ctx: StepContext, ref: PartitionRef, entry: PartitionEntry): Promise<{ value: State; json: string } | undefined> {
  if (!entry.state) return undefined;
  const keys = chunkKeys(ref, entry.state);
  const parts = await Promise.all(
    keys.map(async (key, i) => {
      const e = await ctx.kv.get(key);
      if (!e) throw new Error(`internal: chunk ${i} of the state of stage ${ref.stage.index} partition ${ref.partition} is missing`);
      return text(e.value);
    }),
  );
  const json = parts.join("");
  return { value: JSON.parse(json) as State, json };
}

interface Outcome {
  readonly state: State;
  readonly stats: PartitionStats;
  readonly published: number;
}

const add = (into: Record<string, number>, key: string, n = 1): void => {
  into[key] = (into[key] ?? 0) + n;
};

/** Runs a written-ahead range and appends its outputs; nothing is committed here. */
export async function execute(ctx: StepContext, ref: PartitionRef, state: State | undefined, pending: Pending, beforePublish: () => Promise<void> = async () => undefined): Promise<Outcome> {
  const { stage, partition } = ref;
  const log = ctx.transport.log;
  const topic = stageTopic(stage.index);
  const subject = log.subject(topic, partition);
  const messages = pending.final ? [] : await timed("read range", () => readRange(ctx, topic, partition, pending.from, pending.to));
  const decodeAt = performance.now();
  const batches: Record<string, { records: unknown[]; origins: { file: string; line: number }[]; malformed: { file: string; line: number; reason: string; text: string }[] }> = {};
  const batch = (name: string) => (batches[name] ??= { records: [], origins: [], malformed: [] });
  const direct: JsonRecord[] = [];
  const names = new Set(stage.plan.steps.filter((s) => s.kind === "source").map((s) => s.name));
  // A `from nats` source's partition holds what producers published: one JSON record per message.
  const outside = stage.index === 0 && partition >= ctx.partitions ? natsSources(ctx.job)[partition - ctx.partitions] : undefined;
  let crossedIn = 0;
  for (const m of messages) {
    if (outside) {
      const b = batch(outside.name);
      const raw = text(m.data);
      let record: unknown;
      try {
        record = parseJsonText(raw);
      } catch (e) {
        b.malformed.push({ file: subject, line: m.seq, reason: `invalid JSON: ${e instanceof Error ? e.message : String(e)}`, text: raw });
        continue;
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) b.malformed.push({ file: subject, line: m.seq, reason: "not a JSON object", text: raw });
      else {
        b.records.push(record);
        b.origins.push({ file: subject, line: m.seq });
      }
      continue;
    }
    const raw = text(m.data);
    let msg: StageMessage | undefined;
    try {
      msg = parseJsonText(raw) as StageMessage;
    } catch {
      msg = undefined;
    }
    const source = msg && typeof msg === "object" ? ("i" in msg ? msg.i : "s" in msg ? msg.s : undefined) : undefined;
    if (!msg || typeof source !== "string" || !names.has(source)) {
      const why = msg ? `a message for no source of stage ${stage.index}` : "a message that is not JSON";
      direct.push({ step: "cluster", port: "invalid", run: pending.run, errors: [{ rule: "format", message: why }], file: subject, line: m.seq, record: raw.length > 1000 ? `${raw.slice(0, 1000)}…` : raw });
      continue;
    }
    const b = batch(source);
    if ("i" in msg) {
      b.records.push(msg.r);
      crossedIn++;
    } else if ("m" in msg) b.malformed.push({ file: msg.f, line: msg.l, reason: msg.m, text: msg.t });
    else {
      b.records.push(msg.r);
      b.origins.push({ file: msg.f, line: msg.l });
    }
  }
  const sources: Record<string, SourceBatch> = {};
  for (const [name, b] of Object.entries(batches)) sources[name] = b.origins.length || b.malformed.length ? b : { records: b.records };
  const base: State = state ?? { version: 1, runs: 0, dedup: {}, sessions: {}, sources: {} };
  note("decode messages", decodeAt);
  const prepared = timedSync("prepare runner", () => prepareRunner(stage.plan, { tables: ctx.job.tables, params: ctx.job.params, state: { ...base, runs: pending.run - 1 } }));
  if (isLeft(prepared)) throw new Error(`the stage ${stage.index} runner cannot start: ${prepared.left.join("; ")}`);
  const runner = prepared.right;
  const result = timedSync("run", () => runner.run({ sources, now: pending.now, final: pending.final, capture: stage.outputs.length > 0 }));
  const encodeAt = performance.now();

  const tag = pending.final ? `f${pending.run}` : `${pending.from}-${pending.to}`;
  let n = 0;
  const id = (): string => `${stage.index}.${partition}.${tag}.${n++}`;
  const outgoing = new Map<string, { topic: string; partition: number; messages: OutgoingMessage[] }>();
  const send = (t: string, p: number, m: StageMessage | OutMessage | JsonRecord): void => {
    const k = `${t}/${p}`;
    let list = outgoing.get(k);
    if (!list) outgoing.set(k, (list = { topic: t, partition: p, messages: [] }));
    list.messages.push({ id: id(), data: encodeMessage(m) });
  };
  let crossedOut = 0;
  for (const c of stage.outputs) {
    for (const rec of result.ports?.[c.keyStep] ?? []) {
      const { [KEY_FIELD]: key, ...record } = rec as Record<string, unknown>;
      send(stageTopic(c.stage), partitionOf(String(key), ctx.partitions), { i: c.source, r: record });
      crossedOut++;
    }
  }
  const toNats = new Set(natsSinks(ctx.job).map((s) => s.name));
  for (const [sink, records] of Object.entries(result.outputs)) for (const r of records) toNats.has(sink) ? send(sinkTopic(sink), 0, r) : send(OUT_TOPIC, 0, { k: "sink", n: sink, r });
  for (const r of [...result.rejects, ...direct]) send(OUT_TOPIC, 0, { k: "rejects", r });
  for (const r of result.audit) send(OUT_TOPIC, 0, { k: "audit", r });
  note("encode outputs", encodeAt);
  let published = 0;
  // The worker checks its lease here: a fenced worker publishes nothing.
  await timed("fence", beforePublish);
  await timed("publish", async () => {
    for (const o of outgoing.values()) {
      await log.append(o.topic, o.partition, o.messages);
      published += o.messages.length;
    }
  });
  return { state: prepared.right.state, stats: statsOf(ctx, result, { crossedIn, crossedOut, direct: direct.length, messages: messages.length }), published };
}

async function readRange(ctx: StepContext, topic: string, partition: number, from: number, to: number) {
  const out = [];
  let next = from;
  while (next <= to) {
    // `to` is known to exist: the range was planned from the partition's end.
    const got = await ctx.transport.log.read(topic, partition, next, to - next + 1, to);
    if (got.length === 0) throw new Error(`messages ${next}-${to} of ${ctx.transport.log.subject(topic, partition)} cannot be read (was the stream purged?)`);
    for (const m of got) if (m.seq <= to) out.push(m);
    next = got[got.length - 1]!.seq + 1;
  }
  return out;
}

/** This run's share of the partition's stats: the balance without the crossings between stages. */
function statsOf(ctx: StepContext, result: RunResult, c: { crossedIn: number; crossedOut: number; direct: number; messages: number }): PartitionStats {
  const b = result.report.balance;
  const balance: Balance = { ...b, read: b.read - c.crossedIn + c.direct, dropped: b.dropped - c.crossedOut, rejected: b.rejected + c.direct };
  const rejects: Record<string, Record<string, number>> = {};
  for (const r of result.rejects) {
    const errors = (r as { errors?: unknown }).errors;
    add((rejects[String(r["step"])] ??= {}), ctx.reasonOf(Array.isArray(errors) ? errors[0] : errors));
  }
  if (c.direct) add((rejects["cluster"] ??= {}), "malformed message", c.direct);
  const audit: Record<string, number> = {};
  for (const e of result.audit) add(audit, typeof e["kind"] === "string" ? e["kind"] : String(e["step"]));
  const openSessions = Object.values(result.report.openSessions).reduce((a, n) => a + n, 0);
  return { batches: 1, messages: c.messages, balance, rejects, audit, openSessions };
}

export function mergeStats(a: PartitionStats, b: PartitionStats): PartitionStats {
  const rejects: Record<string, Record<string, number>> = structuredClone(a.rejects) as Record<string, Record<string, number>>;
  for (const [step, reasons] of Object.entries(b.rejects)) for (const [reason, n] of Object.entries(reasons)) add((rejects[step] ??= {}), reason, n);
  const audit: Record<string, number> = { ...a.audit };
  for (const [kind, n] of Object.entries(b.audit)) add(audit, kind, n);
  return { batches: a.batches + b.batches, messages: a.messages + b.messages, balance: addBalances(a.balance, b.balance), rejects, audit, openSessions: b.openSessions };
}

/**
 * Writes a state's JSON text under a new generation and returns where it is. A chunk whose
 * text is the one at the same place in the previous state (`previous`, as the entry names
 * it, and its text) is not written again but kept under its generation: a dedup step's keys
 * are appended at the end of its list, so a long-lived window's earlier chunks stay as they
 * are and a commit writes only what changed after them, not the whole state.
 */
export async function saveState(ctx: StepContext, ref: PartitionRef, json: string, previous?: { saved: SavedState; json: string }): Promise<SavedState> {
  const gen = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const gens: string[] = [];
  const writes: Promise<unknown>[] = [];
  for (let at = 0, i = 0; at < json.length || i === 0; at += STATE_CHUNK, i++) {
    const slice = json.slice(at, at + STATE_CHUNK);
    if (previous && i < previous.saved.chunks && previous.json.slice(at, at + STATE_CHUNK) === slice) {
      gens.push(previous.saved.gens?.[i] ?? previous.saved.gen);
      continue;
    }
    gens.push(gen);
    writes.push(ctx.kv.put(chunkKey(ref.stage.index, ref.partition, gen, i), encodeText(slice)));
  }
  await Promise.all(writes);
  return gens.every((g) => g === gen) ? { gen, chunks: gens.length } : { gen, chunks: gens.length, gens };
}

/**
 * Deletes a state's chunks except those `kept` still names. After a refused commit
 * (`onlyOwn`) only the chunks this write made (under its own generation) go: the kept
 * ones belong to the committed state.
 */
export async function dropState(ctx: StepContext, ref: PartitionRef, saved: SavedState | null, kept?: SavedState, onlyOwn = false): Promise<void> {
  if (!saved) return;
  const keep = new Set(kept ? chunkKeys(ref, kept) : []);
  const own = chunkKey(ref.stage.index, ref.partition, saved.gen, 0).replace(/0$/, "");
  const doomed = chunkKeys(ref, saved).filter((k) => !keep.has(k) && (!onlyOwn || k.startsWith(own)));
  await Promise.all(doomed.map((k) => ctx.kv.delete(k).catch(() => undefined)));
}

export async function readEntry(kv: KeyValue, stage: number, partition: number): Promise<{ entry: PartitionEntry; revision: number } | undefined> {
  const e = await kv.get(partitionKey(stage, partition));
  return e && { entry: parse<PartitionEntry>(e.value), revision: e.revision };
}

/** Compare-and-set of an entry: the new revision, or undefined when someone else wrote it since `revision` (0: create). */
export async function writeEntry(kv: KeyValue, stage: number, partition: number, entry: PartitionEntry, revision: number): Promise<number | undefined> {
  const key = partitionKey(stage, partition);
  return revision === 0 ? kv.create(key, bytes(entry)) : kv.update(key, bytes(entry), revision);
}
