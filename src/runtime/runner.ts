// A runner holds what one invocation keeps between runs: the loaded tables,
// params and consts, and the state handed from run to run.
import { isLeft } from "fp-ts/lib/Either.js";
import type { Fn, TableData } from "../plan/env.js";
import type { Plan } from "../plan/plan.js";
import { convert } from "../values/convert.js";
import { parseTimestamp } from "../values/convert.js";
import { Timestamp, type Value } from "../values/value.js";
import { decodeSessions } from "./ops/aggregate.js";
import { constantEnv, evalConstant } from "../plan/env.js";
import type { SourceBatch } from "./ops/source.js";
import { run as runPlan, type RunnerContext, type RunResult, type Timer } from "./run.js";
import { StateCodec, emptyState, type State } from "./state.js";
import { buildTable, type TableRow } from "./tables.js";

export interface RunnerOptions {
  /** Rows of every table, raw (as parsed from JSON or CSV). */
  readonly tables?: Readonly<Record<string, ReadonlyArray<unknown> | { readonly rows: ReadonlyArray<TableRow>; readonly csv?: boolean }>>;
  /** The state a previous invocation handed back (`runner.state`). */
  readonly state?: unknown;
  readonly params?: Readonly<Record<string, unknown>>;
}

export type Clock = string | Date | Timestamp;

export interface RunRequest {
  /** Raw records per source; a source not named here is empty (a `simulate` source generates its batch). */
  readonly sources?: Readonly<Record<string, ReadonlyArray<unknown> | SourceBatch>>;
  /** The run clock: what `now()` returns for the whole run. */
  readonly now: Clock;
  /** Flush every open session at the end of this run. */
  readonly final?: boolean;
  readonly capture?: boolean;
}

export interface Runner {
  run(request: RunRequest): RunResult;
  /** End of input: an empty run that flushes every open session. */
  finish(request?: { readonly now?: Clock }): RunResult;
  readonly state: State;
  readonly plan: Plan;
  /** A constant expression of the plan (`trigger count`, a source's `batch N`) with the params and consts. */
  constant(fn: Fn): Value;
}

export type Prepared = { readonly ok: true; readonly runner: Runner } | { readonly ok: false; readonly errors: ReadonlyArray<string> };

export function toTimestamp(clock: Clock): Timestamp | undefined {
  if (clock instanceof Timestamp) return clock;
  if (clock instanceof Date) return Number.isFinite(clock.getTime()) ? new Timestamp(clock.getTime()) : undefined;
  const t = parseTimestamp(clock);
  return t ?? undefined;
}

function loadState(plan: Plan, raw: unknown, errors: string[]): State {
  if (raw === undefined || raw === null) return emptyState();
  const decoded = StateCodec.decode(raw);
  if (isLeft(decoded)) {
    errors.push("the state does not have the shape of a peppa-stream state (version 1)");
    return emptyState();
  }
  const state = decoded.right;
  for (const step of plan.steps) {
    if (step.kind !== "aggregate") continue;
    try {
      decodeSessions(step, state.sessions[step.name] ?? []);
    } catch (error) {
      errors.push(`the state's sessions of \`${step.name}\` do not fit this stream (${error instanceof Error ? error.message : String(error)}); was the aggregate changed?`);
    }
  }
  return state;
}

/** Settings that change how a run works, never what it gives (specs prove that). */
export interface RunnerTuning {
  /** Records moved between steps at a time (run.ts CHUNK_SIZE). */
  readonly chunkSize?: number;
  /** Times each step for the report (`performance.now` at the edge); without it every step time is 0. */
  readonly timer?: Timer;
}

export function prepareRunner(plan: Plan, options: RunnerOptions = {}, tuning: RunnerTuning = {}): Prepared {
  const errors: string[] = [];
  const params: Record<string, Value> = {};
  for (const p of plan.params) {
    const raw = options.params?.[p.name];
    if (raw === undefined) {
      if (p.default) params[p.name] = evalConstant(p.default);
      else errors.push(`param \`${p.name}\` has no value; set it with --param ${p.name}=VALUE`);
      continue;
    }
    const c = convert(raw, p.schema.type);
    if (c.ok) params[p.name] = c.value;
    else errors.push(`param \`${p.name}\`: ${c.reason}`);
  }
  for (const name of Object.keys(options.params ?? {})) {
    if (!plan.params.some((p) => p.name === name)) errors.push(`the stream declares no param \`${name}\``);
  }
  const consts: Record<string, Value> = {};
  // Each const may read the params and the consts before it.
  for (const c of plan.consts) consts[c.name] = evalConstant(c.value, constantEnv(params, consts));

  const tables = new Map<string, TableData>();
  for (const t of plan.tables) {
    const given = options.tables?.[t.name];
    if (given === undefined) {
      errors.push(`table \`${t.name}\` was not given`);
      continue;
    }
    const rows: ReadonlyArray<TableRow> = Array.isArray(given) ? given.map((record) => ({ record })) : (given as { rows: ReadonlyArray<TableRow> }).rows;
    const csv = !Array.isArray(given) && (given as { csv?: boolean }).csv === true;
    const built = buildTable(t, rows, { csv });
    if (built.ok) tables.set(t.name, built.table);
    else errors.push(...built.errors);
  }
  let state = loadState(plan, options.state, errors);
  if (errors.length) return { ok: false, errors };

  const context: RunnerContext = { tables, params, consts };
  let lastNow: Timestamp | undefined;
  const toBatch = (v: ReadonlyArray<unknown> | SourceBatch): SourceBatch => (Array.isArray(v) ? { records: v } : (v as SourceBatch));
  const runner: Runner = {
    plan,
    get state() {
      return state;
    },
    constant: (fn) => evalConstant(fn, constantEnv(params, consts)),
    run(request) {
      const now = toTimestamp(request.now);
      if (!now) throw new RunnerError([`the run clock \`${String(request.now)}\` is not an ISO-8601 timestamp`]);
      lastNow = now;
      const sources: Record<string, SourceBatch> = {};
      for (const [name, v] of Object.entries(request.sources ?? {})) {
        if (!plan.steps.some((s) => s.kind === "source" && s.name === name)) throw new RunnerError([`the stream has no source \`${name}\``]);
        sources[name] = toBatch(v);
      }
      const result = runPlan(
        plan,
        context,
        state,
        { sources, ...(request.final ? { final: true } : {}), ...(request.capture ? { capture: true } : {}), ...(tuning.chunkSize ? { chunkSize: tuning.chunkSize } : {}), ...(tuning.timer ? { timer: tuning.timer } : {}) },
        now,
      );
      state = result.state;
      return result;
    },
    finish(request) {
      // Without a clock of its own, the end of input happens at the last run's clock; with no run yet, there is none to assume.
      const now = request?.now ?? lastNow;
      if (now === undefined) throw new RunnerError(["finish() before any run needs a clock: runner.finish({ now: \"2026-11-20T12:00:00Z\" })"]);
      const empty: Record<string, SourceBatch> = {};
      for (const s of plan.steps) if (s.kind === "source") empty[s.name] = { records: [] };
      return runner.run({ sources: empty, now, final: true });
    },
  };
  return { ok: true, runner };
}

/** Bad runner input (a missing table, a bad param or state); its message lists every problem. */
export class RunnerError extends Error {
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"));
    this.name = "RunnerError";
  }
}
