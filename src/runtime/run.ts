// One run: push every source's batch through the plan, flush what the
// triggers say, and return the next state, the outputs and the report. Pure:
// the same plan, state, batch and clock give the same result (step times come
// from the timer the caller passes, or are 0).
//
// Every step is an Operator (ops/types.ts) that owns its state's lifecycle; this
// loop only moves chunks between them. Records flow in chunks: a source hands
// its records on a chunk at a time and each step passes what it makes straight
// to its consumers, so a record that only lives between two steps dies young
// instead of being kept for the whole batch. Every port still carries exactly
// the sequence a step-by-step run over the whole batch gives: a step with
// several inputs takes an input's records only once every earlier input is
// complete (they wait until then), and what is reported per step (rejects,
// audit events) is put in step order at the end.
import type { JsonRecord } from "../model/json-record.js";
import { portKey } from "../model/ports.js";
import type { RunEnv, TableData } from "../plan/env.js";
import type { OutputPort, Plan, Step } from "../plan/plan.js";
import { toJson } from "../values/json.js";
import type { Faults } from "../values/functions/registry.js";
import type { Rec, Timestamp, Value } from "../values/value.js";
import { openOperator } from "./ops/operators.js";
import type { SourceBatch } from "./ops/source.js";
import type { Operator, OperatorResult, Ports, RunContext, SinkEncoder, SinkText } from "./ops/types.js";
import { LATE, rejectRecord } from "./rejects.js";
import { ZERO_BALANCE, addBalances, balanceHolds, type Balance, type RunReport, type StepReport } from "./report.js";
import { stepState, type State } from "./state.js";
import { put } from "../model/dict.js";

export type { JsonRecord };

/** What stays the same for every run of one invocation. */
export interface RunnerContext {
  readonly tables: ReadonlyMap<string, TableData>;
  readonly params: Readonly<Record<string, Value>>;
  readonly consts: Readonly<Record<string, Value>>;
}

/** Milliseconds since some fixed point (performance.now at the edge), for the step times of the report. */
export type Timer = () => number;

export interface RunInput {
  /** A batch per source; a source without one is empty (a `simulate` source generates its batch). */
  readonly sources: Readonly<Record<string, SourceBatch>>;
  /** The end of input: every open session is flushed. */
  readonly final?: boolean;
  /** Also return every port's records (for `expect STEP.PORT` in tests). */
  readonly capture?: boolean;
  /** Records moved between steps at a time (CHUNK_SIZE); the results do not depend on it. */
  readonly chunkSize?: number;
  /** Times each step's work; without it every step time is 0, as the runtime reads no clock. */
  readonly timer?: Timer;
  /** Sinks delivered as text (RunResult.texts) rather than records: each chunk goes to its encoder as it arrives. */
  readonly encode?: Readonly<Record<string, SinkEncoder>>;
}

export interface RunResult {
  readonly state: State;
  /** Records per sink, in arrival order (none for a sink with an encoder). */
  readonly outputs: Readonly<Record<string, ReadonlyArray<JsonRecord>>>;
  /** Per sink with an encoder (RunInput.encode): its records' text, in arrival order, and their count. */
  readonly texts?: Readonly<Record<string, SinkText>>;
  readonly rejects: ReadonlyArray<JsonRecord>;
  readonly audit: ReadonlyArray<JsonRecord>;
  readonly report: RunReport;
  readonly ports?: Readonly<Record<string, ReadonlyArray<JsonRecord>>>;
}

/** How many records move between steps at a time. */
export const CHUNK_SIZE = 2048;

const NO_TIMER: Timer = () => 0;

const jsonRecord = (r: Rec): JsonRecord => toJson(r) as JsonRecord;

/** Adds records to the list kept under `key`. */
function append(lists: Map<string, Rec[]>, key: string, records: ReadonlyArray<Rec>): void {
  const list = lists.get(key);
  if (list) for (const r of records) list.push(r);
  else lists.set(key, records.slice());
}

interface Consumer {
  readonly node: Node;
  readonly input: number;
}

/** A step while the run moves records through it. */
interface Node {
  readonly step: Step;
  op: Operator;
  /** Per port (in `step.ports` order): the steps that read it. */
  readonly consumers: Consumer[][];
  /** Per input: complete yet? Records of inputs after `cursor` wait in `waiting`. */
  readonly closed: boolean[];
  readonly waiting: Rec[][][];
  cursor: number;
  in: number;
  readonly out: Record<string, number>;
  ms: number;
  /** Function calls that failed in this step's work (docs/embedding.md), and the first one's text. */
  errors: number;
  firstError?: string;
  /** Per port without consumers that goes to rejects: its records, in order. */
  readonly rejected: Map<string, Rec[]>;
  finished: boolean;
  result?: OperatorResult;
}

/**
 * The routing between operators: hands each call's ports to the consumers (in
 * chunks), to the rejects or to a count, keeps input order, and times the calls.
 */
class Flow {
  /** The part of the balance routing decides: fan-out copies and unconsumed ports. */
  readonly balance = { created: 0, duplicates: 0, rejected: 0, dropped: 0 };
  /** Nodes in the order they finished (the order of the state's and report's per-step entries). */
  readonly finished: Node[] = [];

  constructor(
    private readonly chunkSize: number,
    private readonly timer: Timer,
    private readonly captured: Map<string, Rec[]> | undefined,
    private readonly faults: Faults,
  ) {}

  /** After one operator call that began at `started`: its time, and the function calls that failed in it. */
  account(node: Node, started: number): void {
    node.ms += this.timer() - started;
    const faults = this.faults;
    if (faults.count === 0) return;
    node.errors += faults.count;
    node.firstError ??= faults.first;
    faults.count = 0;
    delete faults.first;
  }

  /** Runs a source: every chunk it pulls goes on before the next is read. */
  drain(node: Node): void {
    const op = node.op;
    for (;;) {
      const started = this.timer();
      const ports = op.pull!();
      this.account(node, started);
      if (ports === undefined) break;
      this.hand(node, ports);
    }
    this.finish(node);
  }

  /** Input `input` is complete; once all are, the node finishes. */
  close(node: Node, input: number): void {
    node.closed[input] = true;
    const n = node.closed.length;
    while (node.cursor < n && node.closed[node.cursor]) {
      node.cursor++;
      if (node.cursor < n) {
        const waiting = node.waiting[node.cursor]!;
        node.waiting[node.cursor] = [];
        for (const records of waiting) this.take(node, node.cursor, records);
      }
    }
    if (node.cursor === n && !node.finished) this.finish(node);
  }

  /** Every input is complete: the step hands on what it held back, and its consumers' inputs are complete. */
  finish(node: Node): void {
    node.finished = true;
    this.finished.push(node);
    const started = this.timer();
    const ports = node.op.finish();
    this.account(node, started);
    if (ports) this.hand(node, ports);
    for (const consumers of node.consumers) for (const c of consumers) this.close(c.node, c.input);
  }

  private receive(node: Node, input: number, records: Rec[]): void {
    if (input === node.cursor) this.take(node, input, records);
    else node.waiting[input]!.push(records);
  }

  private take(node: Node, input: number, records: Rec[]): void {
    node.in += records.length;
    const started = this.timer();
    const ports = node.op.take!(input, records);
    this.account(node, started);
    if (ports) this.hand(node, ports);
  }

  private hand(node: Node, ports: Ports): void {
    const list = node.step.ports;
    for (let i = 0; i < list.length; i++) {
      const port = list[i]!;
      const records = ports.get(port.name);
      if (records) this.emit(node, port, node.consumers[i]!, records);
    }
  }

  /** Hands a port's records on, a chunk at a time, and counts where unconsumed ones end. */
  private emit(node: Node, port: OutputPort, consumers: ReadonlyArray<Consumer>, records: Rec[]): void {
    const n = records.length;
    if (n === 0) return;
    node.out[port.name] = node.out[port.name]! + n;
    if (this.captured) append(this.captured, portKey(node.step.name, port.name), records);
    if (port.consumers > 1) this.balance.created += (port.consumers - 1) * n;
    if (port.consumers === 0) {
      if (port.fate === "rejects") {
        append(node.rejected, port.name, records);
        this.balance.rejected += n;
      } else if (port.fate === "counted") this.balance.duplicates += n;
      else this.balance.dropped += n;
      return;
    }
    const size = this.chunkSize;
    for (let from = 0; from < n; from += size) {
      const chunk = n <= size ? records : records.slice(from, from + size);
      for (const c of consumers) this.receive(c.node, c.input, chunk);
    }
  }
}

export function run(plan: Plan, context: RunnerContext, state: State, input: RunInput, now: Timestamp): RunResult {
  const runNo = state.runs + 1;
  const faults: Faults = { count: 0 };
  const env: RunEnv = { now, run: runNo, tables: context.tables, params: context.params, consts: context.consts, faults };
  const chunkSize = Math.max(1, Math.floor(input.chunkSize ?? CHUNK_SIZE));
  const ctx: RunContext = { env, stream: plan.stream, nowMs: now.ms, final: input.final === true, chunkSize, sources: input.sources, ...(input.encode ? { encode: input.encode } : {}) };
  const timer = input.timer ?? NO_TIMER;
  const captured = input.capture ? new Map<string, Rec[]>() : undefined;
  const flow = new Flow(chunkSize, timer, captured, faults);

  const nodes: Node[] = plan.steps.map((step) => {
    const started = timer();
    const op = openOperator(step, stepState(state, step.name), ctx);
    const node: Node = {
      step,
      op,
      consumers: step.ports.map(() => []),
      closed: step.inputs.map(() => false),
      waiting: step.inputs.map(() => []),
      cursor: 0,
      in: 0,
      out: Object.fromEntries(step.ports.map((p) => [p.name, 0])),
      ms: 0,
      errors: 0,
      rejected: new Map(),
      finished: false,
    };
    flow.account(node, started);
    return node;
  });
  const byName = new Map(nodes.map((n) => [n.step.name, n]));
  for (const node of nodes) {
    node.step.inputs.forEach((i, input) => {
      const from = byName.get(i.step);
      from?.consumers[from.step.ports.findIndex((p) => p.name === i.port)]?.push({ node, input });
    });
  }

  for (const node of nodes) if (node.op.pull) flow.drain(node);
  // Every step descends from the sources, so all are complete now; this only guards that.
  for (const node of nodes) {
    if (node.finished) continue;
    if (node.closed.length === 0) flow.finish(node);
    else node.closed.forEach((done, i) => done || flow.close(node, i));
  }
  for (const node of flow.finished) {
    const started = timer();
    node.result = node.op.close();
    flow.account(node, started);
  }
  return assemble(plan, state, runNo, now, nodes, flow, captured, input.encode !== undefined);
}

/** The run's result from what the operators handed back, per step in step order. */
function assemble(plan: Plan, state: State, runNo: number, now: Timestamp, nodes: ReadonlyArray<Node>, flow: Flow, captured: Map<string, Rec[]> | undefined, encoded: boolean): RunResult {
  const outputs: Record<string, ReadonlyArray<JsonRecord>> = {};
  const texts: Record<string, SinkText> = {};
  const rejects: JsonRecord[] = [];
  const audit: JsonRecord[] = [];
  let balance: Balance = { ...ZERO_BALANCE, ...flow.balance };
  const steps: StepReport[] = nodes.map((node) => {
    const step = node.step;
    const r = node.result!;
    for (const p of step.ports) {
      const reasons = p.name === LATE ? r.lateReasons : undefined;
      (node.rejected.get(p.name) ?? []).forEach((rec, i) => rejects.push(rejectRecord(step, p.name, runNo, rec, reasons?.[i])));
    }
    for (const e of r.audit ?? []) audit.push(jsonRecord(e));
    if (r.output) put(outputs, step.name, r.output);
    if (r.text) put(texts, step.name, r.text);
    if (r.balance) balance = addBalances(balance, { ...ZERO_BALANCE, ...r.balance });
    return {
      step: step.name,
      kind: step.kind,
      in: r.in ?? node.in,
      out: node.out,
      ms: node.ms,
      ...(r.undeclaredFields !== undefined ? { undeclaredFields: r.undeclaredFields } : {}),
      ...(r.undeclaredNames !== undefined ? { undeclaredFieldNames: r.undeclaredNames } : {}),
      ...(node.errors ? { errors: node.errors, firstError: node.firstError! } : {}),
    };
  });
  const openSessions: Record<string, number> = {};
  for (const node of flow.finished) if (node.result!.openSessions !== undefined) put(openSessions, node.step.name, node.result!.openSessions);
  // Spread and `put` keep a step named `__proto__` an own key (immer's drafts did not).
  const dedup: State["dedup"] = { ...state.dedup };
  const sessions: State["sessions"] = { ...state.sessions };
  const watermarks: Record<string, number> = { ...state.watermarks };
  for (const node of flow.finished) {
    const kept = node.result!.state;
    if (kept?.dedup !== undefined) put(dedup, node.step.name, kept.dedup);
    if (kept?.sessions !== undefined) put(sessions, node.step.name, kept.sessions);
    if (kept?.watermark !== undefined) put(watermarks, node.step.name, kept.watermark);
  }
  // `watermarks` only once an event-time aggregate has one, so other streams' states keep their shape.
  const marks = Object.keys(watermarks).length > 0 ? { watermarks: Object.freeze(watermarks) } : {};
  const nextState: State = Object.freeze({ ...state, runs: runNo, dedup: Object.freeze(dedup), sessions: Object.freeze(sessions), ...marks });
  const report: RunReport = { run: runNo, now: toJson(now) as string, steps, balance, balanced: balanceHolds(balance), openSessions };
  const result: RunResult = { state: nextState, outputs, ...(encoded ? { texts } : {}), rejects, audit, report };
  if (!captured) return result;
  const ports: Record<string, JsonRecord[]> = {};
  for (const step of plan.steps) for (const p of step.ports) put(ports, portKey(step.name, p.name), (captured.get(portKey(step.name, p.name)) ?? []).map(jsonRecord));
  return { ...result, ports };
}
