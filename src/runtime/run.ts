// One run: push every source's batch through the plan in topological order,
// flush what the triggers say, and return the next state, the outputs and the
// report. Pure: the same plan, state, batch and clock give the same result.
import { produce } from "immer";
import { MAIN, portKey } from "../check/checked.js";
import type { RunEnv, TableData } from "../plan/env.js";
import type { Plan, Step } from "../plan/plan.js";
import { toJson } from "../values/json.js";
import type { Rec, Timestamp, Value } from "../values/value.js";
import { runAudit } from "./ops/audit.js";
import { addRecords, decodeSessions, encodeSessions, flushSessions, type Sessions } from "./ops/aggregate.js";
import { dedupWindow, expireChunks, nextSeenState, runDedup, takeSeenKeys, type SeenKeys, type SeenState } from "./ops/dedup.js";
import { runMap } from "./ops/map.js";
import { runMerge } from "./ops/merge.js";
import { runRoute } from "./ops/route.js";
import { runSource, type SourceBatch } from "./ops/source.js";
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

const EMPTY: Rec[] = [];

const jsonRecord = (r: Rec): JsonRecord => toJson(r) as JsonRecord;

function reject(step: Step, port: string, run: number, rec: Rec): JsonRecord {
  const r = rec as Record<string, Value>;
  if (step.kind === "source") {
    return toJson({ step: step.name, port, run, errors: r["errors"] ?? [], file: r["file"] ?? null, line: r["line"] ?? null, record: r["record"] ?? null }) as JsonRecord;
  }
  if (port === "invalid") {
    const { errors, ...record } = r;
    return toJson({ step: step.name, port, run, errors: errors ?? [], record }) as JsonRecord;
  }
  return toJson({ step: step.name, port, run, errors: [{ rule: "route", message: "no `when` branch matched" }], record: r }) as JsonRecord;
}

export function run(plan: Plan, context: RunnerContext, state: State, batch: RunInput, now: Timestamp): RunResult {
  const runNo = state.runs + 1;
  const env: RunEnv = { now, run: runNo, tables: context.tables, params: context.params, consts: context.consts };
  const ctx: OpContext = { env, stream: plan.stream, nowMs: now.ms, final: batch.final === true };
  const buffers = new Map<string, Rec[]>();
  const reports: StepReport[] = [];
  const outputs: Record<string, JsonRecord[]> = {};
  const rejects: JsonRecord[] = [];
  const auditEvents: Rec[] = [];
  const dedupState: Record<string, SeenState> = {};
  const sessionState: Record<string, State["sessions"][string]> = {};
  const openSessions: Record<string, number> = {};
  const balance = { read: 0, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 0, dropped: 0 };

  for (const step of plan.steps) {
    const started = performance.now();
    const inputs = step.inputs.map((i) => buffers.get(portKey(i.step, i.port)) ?? []);
    // A merge reads its inputs one by one; others read one list (joined only when there are several).
    const input = inputs.length === 1 ? inputs[0]! : step.kind === "merge" ? EMPTY : inputs.flat();
    let ports: Ports;
    let undeclared: number | undefined;
    switch (step.kind) {
      case "source": {
        const r = runSource(step, batch.sources[step.name], ctx);
        ports = r.ports;
        balance.read += r.read;
        if (step.origin !== "simulate" || r.undeclared) undeclared = r.undeclared;
        break;
      }
      case "validate":
        ports = runValidate(step, input, ctx);
        break;
      case "map":
      case "enrich":
        ports = runMap(step, input, ctx);
        if (step.kind === "map" && step.forEach) {
          balance.absorbed += input.length;
          balance.created += ports.get(MAIN)!.length;
        }
        break;
      case "audit":
        ports = runAudit(step, input, ctx, auditEvents);
        break;
      case "route":
        ports = runRoute(step, input, ctx);
        break;
      case "merge":
        ports = runMerge(step, inputs);
        break;
      case "dedup": {
        const saved = state.dedup[step.name] ?? [];
        const seen: SeenKeys = takeSeenKeys(saved);
        const kept = expireChunks(saved, seen, dedupWindow(step, ctx), ctx.nowMs);
        const added: string[] = [];
        ports = runDedup(step, input, seen, ctx, added);
        dedupState[step.name] = nextSeenState(kept, seen, added, ctx.nowMs);
        break;
      }
      case "aggregate": {
        const sessions: Sessions = decodeSessions(step, state.sessions[step.name] ?? []);
        addRecords(step, input, sessions, ctx);
        ports = flushSessions(step, sessions, ctx);
        sessionState[step.name] = encodeSessions(step, sessions);
        openSessions[step.name] = sessions.size;
        balance.absorbed += input.length;
        balance.created += ports.get(MAIN)!.length;
        break;
      }
      case "sink":
        outputs[step.name] = input.map(jsonRecord);
        balance.delivered += input.length;
        ports = new Map();
        break;
    }
    const out: Record<string, number> = {};
    for (const p of step.ports) {
      const records = ports.get(p.name) ?? [];
      buffers.set(portKey(step.name, p.name), records);
      out[p.name] = records.length;
      if (p.consumers > 1) balance.created += (p.consumers - 1) * records.length;
      if (p.consumers === 0) {
        if (p.fate === "rejects") {
          for (const r of records) rejects.push(reject(step, p.name, runNo, r));
          balance.rejected += records.length;
        } else if (p.fate === "counted") balance.duplicates += records.length;
        else balance.dropped += records.length;
      }
    }
    reports.push({
      step: step.name,
      kind: step.kind,
      in: step.kind === "source" ? balanceIn(ports) : step.kind === "merge" ? inputs.reduce((n, i) => n + i.length, 0) : input.length,
      out,
      ms: performance.now() - started,
      ...(undeclared !== undefined ? { undeclaredFields: undeclared } : {}),
    });
  }

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
  const result: RunResult = { state: nextState, outputs, rejects, audit: auditEvents.map(jsonRecord), report };
  if (!batch.capture) return result;
  const ports: Record<string, JsonRecord[]> = {};
  for (const step of plan.steps) for (const p of step.ports) ports[portKey(step.name, p.name)] = (buffers.get(portKey(step.name, p.name)) ?? []).map(jsonRecord);
  return { ...result, ports };
}

const balanceIn = (ports: Ports): number => [...ports.values()].reduce((n, r) => n + r.length, 0);
