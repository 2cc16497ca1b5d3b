// One run: push every source's batch through the plan, flush what the
// triggers say, and return the next state, the outputs and the report. Pure:
// the same plan, state, batch and clock give the same result.
//
// Records flow in chunks: a source hands its records on a chunk at a time and
// each step passes what it makes straight to its consumers, so a record that
// only lives between two steps dies young instead of being kept for the whole
// batch. Every port still carries exactly the sequence a step-by-step run over
// the whole batch gives: a step with several inputs takes an input's records
// only once every earlier input is complete (it keeps them until then), and
// what is reported per step (rejects, audit events) is put in step order at
// the end.
import { produce } from "immer";
import { MAIN, portKey } from "../check/checked.js";
import type { RunEnv, TableData } from "../plan/env.js";
import type { AggregateStep, DedupStep, OutputPort, Plan, SourceStep, Step } from "../plan/plan.js";
import { toJson } from "../values/json.js";
import type { Rec, Timestamp, Value } from "../values/value.js";
import { runAudit } from "./ops/audit.js";
import { addRecords, decodeSessions, encodeSessions, flushSessions, type Sessions } from "./ops/aggregate.js";
import { dedupWindow, expireChunks, nextSeenState, runDedup, takeSeenKeys, type SeenChunk, type SeenKeys, type SeenState } from "./ops/dedup.js";
import { runMap } from "./ops/map.js";
import { runMerge } from "./ops/merge.js";
import { runRoute } from "./ops/route.js";
import { decodeRecords, inFileOrder, malformedRecord, simulate, type SourceBatch } from "./ops/source.js";
import type { OpContext, Ports } from "./ops/types.js";
import { runValidate } from "./ops/validate.js";
import { balanceHolds, type Balance, type RunReport, type StepReport } from "./report.js";
import type { State } from "./state.js";

/** A JSON-ready record, exactly as the CLI writes it. */
export type JsonRecord = { readonly [field: string]: unknown };

/** What stays the same for every run of one invocation. */
export interface RunnerContext {
  readonly tables: ReadonlyMap<string, TableData>;
  readonly params: Readonly<Record<string, Value>>;
  readonly consts: Readonly<Record<string, Value>>;
}

export interface RunInput {
  /** A batch per source; a source without one is empty (a `simulate` source generates its batch). */
  readonly sources: Readonly<Record<string, SourceBatch>>;
  /** The end of input: every open session is flushed. */
  readonly final?: boolean;
  /** Also return every port's records (for `expect STEP.PORT` in tests). */
  readonly capture?: boolean;
  /** Records moved between steps at a time (CHUNK_SIZE); the results do not depend on it. */
  readonly chunkSize?: number;
}

export interface RunResult {
  readonly state: State;
  /** Records per sink, in arrival order. */
  readonly outputs: Readonly<Record<string, ReadonlyArray<JsonRecord>>>;
  readonly rejects: ReadonlyArray<JsonRecord>;
  readonly audit: ReadonlyArray<JsonRecord>;
  readonly report: RunReport;
  readonly ports?: Readonly<Record<string, ReadonlyArray<JsonRecord>>>;
}

const jsonRecord = (r: Rec): JsonRecord => toJson(r) as JsonRecord;

/** The rule of a route's `unmatched` rejects; sources' and validate's records bring their own `errors`. */
export const ROUTE_RULE = "route";

/** A reject: `{step, port, run, errors, record}` (+ `file`, `line` from a source), every error `{rule, message}`. */
function reject(step: Step, port: string, run: number, rec: Rec): JsonRecord {
  const r = rec as Record<string, Value>;
  if (step.kind === "source") {
    return toJson({ step: step.name, port, run, errors: r["errors"] ?? [], file: r["file"] ?? null, line: r["line"] ?? null, record: r["record"] ?? null }) as JsonRecord;
  }
  if (port === "invalid") {
    const { errors, ...record } = r;
    return toJson({ step: step.name, port, run, errors: errors ?? [], record }) as JsonRecord;
  }
  return toJson({ step: step.name, port, run, errors: [{ rule: ROUTE_RULE, message: "no `when` branch matched" }], record: r }) as JsonRecord;
}

/** Adds records to the list kept under `key`. */
function append(lists: Map<string, Rec[]>, key: string, records: ReadonlyArray<Rec>): void {
  const list = lists.get(key);
  if (list) for (const r of records) list.push(r);
  else lists.set(key, records.slice());
}

/** How many records move between steps at a time. */
export const CHUNK_SIZE = 2048;

interface Consumer {
  readonly node: Node;
  readonly input: number;
}

/** A step while a run works on it. */
interface Node {
  readonly step: Step;
  readonly consumers: Map<string, Consumer[]>;
  /** Per input: complete yet? Records of inputs after `cursor` wait in `waiting`. */
  readonly closed: boolean[];
  readonly waiting: Rec[][][];
  cursor: number;
  in: number;
  readonly out: Record<string, number>;
  ms: number;
  undeclared?: number;
  /** Per port without consumers that goes to rejects: its records, in order. */
  readonly rejected: Map<string, Rec[]>;
  readonly audit: Rec[];
  finished: boolean;
  dedup?: { readonly seen: SeenKeys; readonly kept: SeenChunk[]; readonly added: string[] };
  sessions?: Sessions;
}

export function run(plan: Plan, context: RunnerContext, state: State, batch: RunInput, now: Timestamp): RunResult {
  const runNo = state.runs + 1;
  const env: RunEnv = { now, run: runNo, tables: context.tables, params: context.params, consts: context.consts };
  const ctx: OpContext = { env, stream: plan.stream, nowMs: now.ms, final: batch.final === true };
  const chunkSize = Math.max(1, Math.floor(batch.chunkSize ?? CHUNK_SIZE));
  const outputs: Record<string, JsonRecord[]> = {};
  const dedupState: Record<string, SeenState> = {};
  const sessionState: Record<string, State["sessions"][string]> = {};
  const openSessions: Record<string, number> = {};
  const captured = new Map<string, Rec[]>();
  const balance = { read: 0, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 0, dropped: 0 };

  const nodes: Node[] = plan.steps.map((step) => ({
    step,
    consumers: new Map(step.ports.map((p) => [p.name, []])),
    closed: step.inputs.map(() => false),
    waiting: step.inputs.map(() => []),
    cursor: 0,
    in: 0,
    out: Object.fromEntries(step.ports.map((p) => [p.name, 0])),
    ms: 0,
    rejected: new Map(),
    audit: [],
    finished: false,
  }));
  const byName = new Map(nodes.map((n) => [n.step.name, n]));
  for (const node of nodes) {
    node.step.inputs.forEach((i, input) => byName.get(i.step)?.consumers.get(i.port)?.push({ node, input }));
    if (node.step.kind === "sink") outputs[node.step.name] = [];
  }

  /** Hands a port's records on, a chunk at a time, and counts where unconsumed ones end. */
  const emit = (node: Node, port: OutputPort, records: ReadonlyArray<Rec>): void => {
    const n = records.length;
    if (n === 0) return;
    node.out[port.name] = node.out[port.name]! + n;
    if (batch.capture) append(captured, portKey(node.step.name, port.name), records);
    if (port.consumers > 1) balance.created += (port.consumers - 1) * n;
    if (port.consumers === 0) {
      if (port.fate === "rejects") {
        append(node.rejected, port.name, records);
        balance.rejected += n;
      } else if (port.fate === "counted") balance.duplicates += n;
      else balance.dropped += n;
      return;
    }
    const consumers = node.consumers.get(port.name)!;
    for (let from = 0; from < n; from += chunkSize) {
      const chunk = n <= chunkSize ? (records as Rec[]) : records.slice(from, from + chunkSize);
      for (const c of consumers) receive(c.node, c.input, chunk);
    }
  };
  const emitAll = (node: Node, ports: Ports): void => {
    for (const p of node.step.ports) {
      const records = ports.get(p.name);
      if (records) emit(node, p, records);
    }
  };

  const receive = (node: Node, input: number, records: Rec[]): void => {
    if (input === node.cursor) handle(node, input, records);
    else node.waiting[input]!.push(records);
  };

  const close = (node: Node, input: number): void => {
    node.closed[input] = true;
    const n = node.closed.length;
    while (node.cursor < n && node.closed[node.cursor]) {
      node.cursor++;
      if (node.cursor < n) {
        const waiting = node.waiting[node.cursor]!;
        node.waiting[node.cursor] = [];
        for (const records of waiting) handle(node, node.cursor, records);
      }
    }
    if (node.cursor === n && !node.finished) finish(node);
  };

  const handle = (node: Node, input: number, records: Rec[]): void => {
    const step = node.step;
    node.in += records.length;
    const started = performance.now();
    let ports: Ports | undefined;
    switch (step.kind) {
      case "source":
        return;
      case "validate":
        ports = runValidate(step, records, ctx);
        break;
      case "map":
      case "enrich":
        ports = runMap(step, records, ctx);
        if (step.kind === "map" && step.forEach) {
          balance.absorbed += records.length;
          balance.created += ports.get(MAIN)!.length;
        }
        break;
      case "audit":
        ports = runAudit(step, records, ctx, node.audit);
        break;
      case "route":
        ports = runRoute(step, records, ctx);
        break;
      case "merge":
        ports = runMerge(step, input, records);
        break;
      case "dedup": {
        const d = openDedup(node);
        ports = runDedup(step, records, d.seen, ctx, d.added);
        break;
      }
      case "aggregate":
        addRecords(step, records, sessionsOf(node), ctx);
        balance.absorbed += records.length;
        break;
      case "sink": {
        const out = outputs[step.name]!;
        for (const r of records) out.push(jsonRecord(r));
        balance.delivered += records.length;
        break;
      }
    }
    node.ms += performance.now() - started;
    if (ports) emitAll(node, ports);
  };

  const openDedup = (node: Node): NonNullable<Node["dedup"]> => {
    if (node.dedup) return node.dedup;
    const step = node.step as DedupStep;
    const saved = state.dedup[step.name] ?? [];
    const seen: SeenKeys = takeSeenKeys(saved);
    const kept = expireChunks(saved, seen, dedupWindow(step, ctx), ctx.nowMs);
    return (node.dedup = { seen, kept, added: [] });
  };
  const sessionsOf = (node: Node): Sessions => (node.sessions ??= decodeSessions(node.step as AggregateStep, state.sessions[node.step.name] ?? []));

  /** Every input is complete: the step emits what it held back and completes its own ports. */
  const finish = (node: Node): void => {
    const step = node.step;
    node.finished = true;
    const started = performance.now();
    if (step.kind === "dedup") {
      const d = openDedup(node);
      dedupState[step.name] = nextSeenState(d.kept, d.seen, d.added, ctx.nowMs);
    }
    let ports: Ports | undefined;
    if (step.kind === "aggregate") {
      const sessions = sessionsOf(node);
      ports = flushSessions(step, sessions, ctx);
      sessionState[step.name] = encodeSessions(step, sessions);
      openSessions[step.name] = sessions.size;
      balance.created += ports.get(MAIN)!.length;
    }
    node.ms += performance.now() - started;
    if (ports) emitAll(node, ports);
    for (const consumers of node.consumers.values()) for (const c of consumers) close(c.node, c.input);
  };

  const runSourceNode = (node: Node, step: SourceStep): void => {
    const given = batch.sources[step.name];
    const main = step.ports.find((p) => p.name === MAIN)!;
    const invalidPort = step.ports.find((p) => p.name === "invalid");
    let read = 0;
    node.undeclared = 0;
    if (!given && step.simulate) {
      const started = performance.now();
      const records = simulate(step, ctx);
      node.ms += performance.now() - started;
      read = records.length;
      emit(node, main, records);
    } else if (given) {
      // Every record and malformed line is read once: decoded onto `main` or kept for `invalid`.
      const n = given.records.length;
      const malformed = given.malformed ?? [];
      read = n + malformed.length;
      const invalid: Rec[] = [];
      for (let from = 0; from < n; from += chunkSize) {
        const started = performance.now();
        const records: Rec[] = [];
        node.undeclared += decodeRecords(step, given, from, Math.min(n, from + chunkSize), records, invalid);
        node.ms += performance.now() - started;
        emit(node, main, records);
      }
      // Invalid records go on whole, in the order of the batch's files (malformed lines among them).
      for (const m of malformed) invalid.push(malformedRecord(m));
      if (malformed.length) inFileOrder(invalid, given);
      if (invalidPort) emit(node, invalidPort, invalid);
    }
    node.in = read;
    balance.read += read;
    finish(node);
  };

  for (const node of nodes) if (node.step.kind === "source") runSourceNode(node, node.step);
  // Every step descends from the sources, so all are complete now; this only guards that.
  for (const node of nodes) {
    if (node.finished) continue;
    if (node.closed.length === 0) finish(node);
    else node.closed.forEach((done, input) => done || close(node, input));
  }

  const rejects: JsonRecord[] = [];
  const auditEvents: JsonRecord[] = [];
  const reports: StepReport[] = nodes.map((node) => {
    const step = node.step;
    for (const p of step.ports) for (const r of node.rejected.get(p.name) ?? []) rejects.push(reject(step, p.name, runNo, r));
    for (const e of node.audit) auditEvents.push(jsonRecord(e));
    return {
      step: step.name,
      kind: step.kind,
      in: node.in,
      out: node.out,
      ms: node.ms,
      ...(node.undeclared !== undefined && (step.kind !== "source" || step.origin !== "simulate" || node.undeclared) ? { undeclaredFields: node.undeclared } : {}),
    };
  });

  const nextState = produce(state, (draft) => {
    draft.runs = runNo;
    for (const [k, v] of Object.entries(dedupState)) (draft.dedup as Record<string, SeenState>)[k] = v;
    for (const [k, v] of Object.entries(sessionState)) draft.sessions[k] = v;
  });
  const finalBalance: Balance = { ...balance };
  const report: RunReport = {
    run: runNo,
    now: toJson(now) as string,
    steps: reports,
    balance: finalBalance,
    balanced: balanceHolds(finalBalance),
    openSessions,
  };
  const result: RunResult = { state: nextState, outputs, rejects, audit: auditEvents, report };
  if (!batch.capture) return result;
  const ports: Record<string, JsonRecord[]> = {};
  for (const step of plan.steps) for (const p of step.ports) ports[portKey(step.name, p.name)] = (captured.get(portKey(step.name, p.name)) ?? []).map(jsonRecord);
  return { ...result, ports };
}
