// A runner holds what one invocation keeps between runs: the loaded tables,
// params and consts, and the state handed from run to run. Everything a host
// hands in is read through host-input.ts, so bad input is a RunnerError that
// names it and leaves the runner as it was.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import type { Fn, TableData } from "../plan/env.js";
import type { Plan } from "../plan/plan.js";
import { convert, parseTimestamp } from "../values/convert.js";
import { Timestamp, type Value } from "../values/value.js";
import { readSessions } from "./ops/aggregate.js";
import { constantEnv, evalConstant } from "../plan/env.js";
import type { SourceBatch } from "./ops/source.js";
import type { SinkEncoder } from "./ops/types.js";
import { run as runPlan, type RunnerContext, type RunResult, type Timer } from "./run.js";
import { StateCodec, emptyState, withKeyStore, type KeyStore, type State } from "./state.js";
import { buildTable, type TableRow } from "./tables.js";
import { HostReader, copyJson, describeValue, isObject, thrownMessage } from "../values/host-data.js";
import { dict, own } from "../model/dict.js";

export interface RunnerOptions {
  /** Rows of every table, raw (as parsed from JSON or CSV). */
  readonly tables?: Readonly<Record<string, ReadonlyArray<unknown> | { readonly rows: ReadonlyArray<TableRow>; readonly csv?: boolean }>>;
  /** The state a previous invocation handed back (`runner.state`). */
  readonly state?: unknown;
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Where the dedup steps keep their keys instead of the state value (the CLI's
   * on-disk store behind `--state`). The state handed in and back then holds no
   * dedup keys; what a run adds is staged in the store for its owner to commit.
   */
  readonly keyStore?: KeyStore;
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
  /**
   * Sinks the host writes as text: each chunk of a sink's records, JSON-ready, goes to its
   * encoder as it arrives, and the run hands back the texts (`RunResult.texts`) instead of
   * the records, which then need not be kept until the run ends. An encoder that throws
   * makes the run throw.
   */
  readonly encode?: Readonly<Record<string, SinkEncoder>>;
}

export interface Runner {
  /** One run; throws RunnerError (and changes nothing) when the request is not one. */
  run(request: RunRequest): RunResult;
  /** End of input: an empty run that flushes every open session. */
  finish(request?: { readonly now?: Clock }): RunResult;
  readonly state: State;
  readonly plan: Plan;
  /** A constant expression of the plan (`trigger count`, a source's `batch N`) with the params and consts. */
  constant(fn: Fn): Value;
}

/** Settings that change how a run works, never what it gives (specs prove that). */
export interface RunnerTuning {
  /** Records moved between steps at a time (run.ts CHUNK_SIZE). */
  readonly chunkSize?: number;
  /** Times each step for the report (`performance.now` at the edge); without it every step time is 0. */
  readonly timer?: Timer;
}

/** The runner, or every problem with what it was given. */
export type Prepared = Either<ReadonlyArray<string>, Runner>;

/** The instant of a run clock: a Timestamp, a valid Date, or ISO-8601 text; undefined for anything else. */
export function toTimestamp(clock: unknown): Timestamp | undefined {
  if (typeof clock === "string") return parseTimestamp(clock) ?? undefined;
  try {
    if (clock instanceof Timestamp) return clock;
    if (clock instanceof Date) return Number.isFinite(clock.getTime()) ? new Timestamp(clock.getTime()) : undefined;
  } catch {
    // A Proxy whose getPrototypeOf throws is no clock.
  }
  return undefined;
}

function loadState(plan: Plan, raw: unknown, reader: HostReader): State {
  if (raw === undefined || raw === null) return emptyState();
  // A copy, so that the host's object (its getters, later changes) is read once.
  const copied = copyJson(raw);
  if (isLeft(copied)) return reader.problem(`the state is not JSON data (${copied.left})`) ?? emptyState();
  const decoded = StateCodec.decode(copied.right);
  if (isLeft(decoded) || !Number.isSafeInteger(decoded.right.runs) || decoded.right.runs < 0) {
    return reader.problem("the state does not have the shape of a peppa-stream state (version 1)") ?? emptyState();
  }
  const state = decoded.right;
  for (const step of plan.steps) {
    if (step.kind !== "aggregate") continue;
    const sessions = readSessions(step, own(state.sessions, step.name) ?? []);
    if (isLeft(sessions)) reader.problem(`the state's sessions of \`${step.name}\` do not fit this stream (${sessions.left}); was the aggregate changed?`);
  }
  return state;
}

/** A host's key store: an object with `openKeys`; the state beside it must hold no dedup keys. */
function readKeyStore(plan: Plan, raw: unknown, state: State, reader: HostReader): KeyStore | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || typeof reader.get(raw, "openKeys", "the key store") !== "function") {
    return reader.problem(`the runner option \`keyStore\` must be an object with an openKeys(step, windowMs, nowMs) method, got ${describeValue(raw)}`);
  }
  for (const step of plan.steps) {
    if (step.kind === "dedup" && (state.dedup[step.name]?.length ?? 0) > 0) {
      reader.problem(`the state holds dedup keys of \`${step.name}\`, but the runner was also given a key store: keys live in one place (move them into the store)`);
    }
  }
  return raw as unknown as KeyStore;
}

function loadParams(plan: Plan, given: Array<[string, unknown]>, reader: HostReader): Record<string, Value> {
  const params: Record<string, Value> = Object.create(null) as Record<string, Value>;
  const byName = new Map(given);
  for (const p of plan.params) {
    const raw = byName.get(p.name);
    if (raw === undefined) {
      if (p.default) params[p.name] = evalConstant(p.default);
      else reader.problem(`param \`${p.name}\` has no value; set it with --param ${p.name}=VALUE`);
      continue;
    }
    let c;
    try {
      c = convert(raw, p.schema.type);
    } catch (e) {
      reader.problem(`param \`${p.name}\` cannot be read: ${thrownMessage(e)}`);
      continue;
    }
    if (c.ok) params[p.name] = c.value;
    else reader.problem(`param \`${p.name}\`: ${c.reason}`);
  }
  for (const [name] of given) if (!plan.params.some((p) => p.name === name)) reader.problem(`the stream declares no param \`${name}\``);
  return params;
}

/** A table's rows as given: an array of raw records, or `{ rows: [{ record, where? }], csv? }`. */
function tableRows(name: string, given: unknown, reader: HostReader): { rows: TableRow[]; csv: boolean } | undefined {
  const where = `table \`${name}\``;
  if (!isObject(given)) {
    const records = reader.array(given, `${where}: its rows`);
    return records && { rows: records.map((record) => ({ record })), csv: false };
  }
  const csv = reader.flag(given, "csv", where);
  const list = reader.array(reader.get(given, "rows", where), `${where}: \`rows\``);
  if (!list) return undefined;
  const rows: TableRow[] = [];
  // Where the row being read is, made only for a message (a table may have a million rows).
  let i = 0;
  const at = (): string => `${where}: \`rows[${i}]\``;
  for (; i < list.length; i++) {
    if (!(i in list)) continue; // a hole of a sparse array, skipped as forEach would
    const row = list[i];
    if (!isObject(row)) {
      reader.problem(`${at()} must be { record, where? }, got ${describeValue(row)}`);
      continue;
    }
    const w = reader.get(row, "where", at);
    if (w !== undefined && typeof w !== "string") {
      reader.problem(`${at()}: \`where\` must be a string, got ${describeValue(w)}`);
      continue;
    }
    const record = reader.get(row, "record", at);
    rows.push(w !== undefined ? { record, where: w } : { record });
  }
  return { rows, csv };
}

function loadTables(plan: Plan, given: Array<[string, unknown]>, reader: HostReader): Map<string, TableData> {
  const tables = new Map<string, TableData>();
  const byName = new Map(given);
  for (const t of plan.tables) {
    const raw = byName.get(t.name);
    if (raw === undefined) {
      reader.problem(`table \`${t.name}\` was not given`);
      continue;
    }
    const rows = tableRows(t.name, raw, reader);
    if (!rows) continue;
    const built = buildTable(t, rows.rows, { csv: rows.csv });
    if (isLeft(built)) for (const e of built.left) reader.problem(e);
    else tables.set(t.name, built.right);
  }
  return tables;
}

/** A source's batch as given: an array of raw records, or a SourceBatch; checked, not copied record by record. */
function sourceBatch(name: string, given: unknown, reader: HostReader): SourceBatch | undefined {
  const where = `source \`${name}\``;
  if (!isObject(given)) {
    const records = reader.array(given, `the batch of ${where}`);
    return records && { records };
  }
  const release = reader.flag(given, "release", where);
  const rawRecords = reader.get(given, "records", where);
  // A released batch is used as given (the run empties it as it goes); any other is copied first.
  const records = release && Array.isArray(rawRecords) ? (rawRecords as unknown[]) : reader.array(rawRecords, `${where}: \`records\``);
  const csv = reader.flag(given, "csv", where);
  const rawOrigins = reader.get(given, "origins", where);
  const origins = rawOrigins === undefined ? undefined : reader.array(rawOrigins, `${where}: \`origins\``);
  const malformed: NonNullable<SourceBatch["malformed"]>[number][] = [];
  const rawMalformed = reader.get(given, "malformed", where);
  for (const [i, m] of (rawMalformed === undefined ? [] : (reader.array(rawMalformed, `${where}: \`malformed\``) ?? [])).entries()) {
    const at = `${where}: \`malformed[${i}]\``;
    const fields = isObject(m) ? { file: reader.get(m, "file", at), line: reader.get(m, "line", at), reason: reader.get(m, "reason", at), text: reader.get(m, "text", at) } : undefined;
    if (!fields || typeof fields.file !== "string" || typeof fields.line !== "number" || typeof fields.reason !== "string" || typeof fields.text !== "string") {
      reader.problem(`${at} must be { file: string, line: number, reason: string, text: string }`);
      continue;
    }
    malformed.push(fields as { file: string; line: number; reason: string; text: string });
  }
  const parse = reader.get(given, "parse", where);
  if (parse !== undefined && typeof parse !== "function") reader.problem(`${where}: \`parse\` must be a function (text, line) => {record} | {reason}, got ${describeValue(parse)}`);
  if (!records) return undefined;
  const checkedOrigins = origins?.map((o) => {
    if (o === undefined) return undefined;
    const file = isObject(o) ? reader.get(o, "file", `${where}: an origin`) : undefined;
    const line = isObject(o) ? reader.get(o, "line", `${where}: an origin`) : undefined;
    if (typeof file !== "string" || typeof line !== "number") return reader.problem(`${where}: an origin must be { file: string, line: number }, got ${describeValue(o)}`);
    // A released batch's origins stay as given, checked (no object per record); others are copied.
    return release ? (o as { file: string; line: number }) : { file, line };
  });
  const released = release && Array.isArray(rawRecords) && (rawOrigins === undefined || Array.isArray(rawOrigins));
  return {
    records,
    ...(checkedOrigins ? { origins: released ? (rawOrigins as SourceBatch["origins"])! : checkedOrigins } : {}),
    ...(rawMalformed !== undefined ? { malformed } : {}),
    ...(csv ? { csv } : {}),
    ...(released ? { release: true } : {}),
    ...(typeof parse === "function" ? { parse: parse as NonNullable<SourceBatch["parse"]> } : {}),
  };
}

interface CheckedRequest {
  readonly now: Timestamp;
  readonly sources: Record<string, SourceBatch>;
  readonly final: boolean;
  readonly capture: boolean;
  readonly encode?: Record<string, SinkEncoder>;
}

function readRequest(plan: Plan, request: unknown): Either<ReadonlyArray<string>, CheckedRequest> {
  const reader = new HostReader();
  if (!isObject(request)) return left([`run() takes a request { sources, now }, got ${describeValue(request)}`]);
  const rawNow = reader.get(request, "now", "the run request");
  const now = toTimestamp(rawNow);
  if (!now && reader.problems.length === 0) {
    reader.problem(
      typeof rawNow === "string"
        ? `the run clock \`${rawNow}\` is not an ISO-8601 timestamp`
        : `the run clock \`now\` must be an ISO-8601 timestamp (text) or a Date, got ${describeValue(rawNow)}`,
    );
  }
  const sources = dict<SourceBatch>();
  for (const [name, v] of reader.entries(reader.get(request, "sources", "the run request"), "the run request's `sources`", "batches by source name") ?? []) {
    if (!plan.steps.some((s) => s.kind === "source" && s.name === name)) reader.problem(`the stream has no source \`${name}\``);
    else {
      const batch = sourceBatch(name, v, reader);
      if (batch) sources[name] = batch;
    }
  }
  const final = reader.flag(request, "final", "the run request");
  const capture = reader.flag(request, "capture", "the run request");
  const rawEncode = reader.get(request, "encode", "the run request");
  let encode: Record<string, SinkEncoder> | undefined;
  if (rawEncode !== undefined) {
    encode = dict<SinkEncoder>();
    for (const [name, fn] of reader.entries(rawEncode, "the run request's `encode`", "encoders by sink name") ?? []) {
      if (!plan.steps.some((s) => s.kind === "sink" && s.name === name)) reader.problem(`the stream has no sink \`${name}\` to encode`);
      else if (typeof fn !== "function") reader.problem(`the encoder of sink \`${name}\` must be a function, got ${describeValue(fn)}`);
      else encode[name] = fn as SinkEncoder;
    }
  }
  if (reader.problems.length || !now) return left(reader.problems);
  return right({ now, sources, final, capture, ...(encode ? { encode } : {}) });
}

export function prepareRunner(plan: Plan, options: unknown = {}, tuning: RunnerTuning = {}): Prepared {
  const reader = new HostReader();
  const opts = options ?? {};
  if (!isObject(opts)) return left([`the runner options must be an object { tables, params, state }, got ${describeValue(options)}`]);
  const params = loadParams(plan, reader.entries(reader.get(opts, "params", "the runner options"), "`params`", "values by param name") ?? [], reader);
  const tables = loadTables(plan, reader.entries(reader.get(opts, "tables", "the runner options"), "`tables`", "rows by table name") ?? [], reader);
  let state = loadState(plan, reader.get(opts, "state", "the runner options"), reader);
  const keyStore = readKeyStore(plan, reader.get(opts, "keyStore", "the runner options"), state, reader);
  if (reader.problems.length) return left(reader.problems);
  if (keyStore) state = withKeyStore(state, keyStore);
  const consts: Record<string, Value> = Object.create(null) as Record<string, Value>;
  // Each const may read the params and the consts before it.
  for (const c of plan.consts) consts[c.name] = evalConstant(c.value, constantEnv(params, consts));

  const context: RunnerContext = { tables, params, consts };
  let lastNow: Timestamp | undefined;
  const runChecked = (request: CheckedRequest): RunResult => {
    const result = runPlan(
      plan,
      context,
      state,
      { sources: request.sources, ...(request.final ? { final: true } : {}), ...(request.capture ? { capture: true } : {}), ...(request.encode ? { encode: request.encode } : {}), ...(tuning.chunkSize ? { chunkSize: tuning.chunkSize } : {}), ...(tuning.timer ? { timer: tuning.timer } : {}) },
      request.now,
    );
    state = keyStore ? withKeyStore(result.state, keyStore) : result.state;
    lastNow = request.now;
    return result;
  };
  const runner: Runner = {
    plan,
    get state() {
      return state;
    },
    constant: (fn) => evalConstant(fn, constantEnv(params, consts)),
    run(request) {
      const checked = readRequest(plan, request);
      if (isLeft(checked)) throw new RunnerError(checked.left);
      return runChecked(checked.right);
    },
    finish(request) {
      const reader = new HostReader();
      if (request !== undefined && !isObject(request)) throw new RunnerError([`finish() takes nothing or { now }, got ${describeValue(request)}`]);
      const given = request === undefined ? undefined : reader.get(request, "now", "the finish request");
      if (reader.problems.length) throw new RunnerError(reader.problems);
      // Without a clock of its own, the end of input happens at the last run's clock; with no run yet, there is none to assume.
      const now = given ?? lastNow;
      if (now === undefined) throw new RunnerError(["finish() before any run needs a clock: runner.finish({ now: \"2026-11-20T12:00:00Z\" })"]);
      const empty = dict<SourceBatch>();
      for (const s of plan.steps) if (s.kind === "source") empty[s.name] = { records: [] };
      return runner.run({ sources: empty, now: now as Clock, final: true });
    },
  };
  return right(runner);
}

/** Bad runner input (a missing table, a bad param or state, a bad run request); its message lists every problem. */
export class RunnerError extends Error {
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"));
    this.name = "RunnerError";
  }
}
