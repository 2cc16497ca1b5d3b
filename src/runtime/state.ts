// The stream's state between runs: dedup keys with the run clock they were
// seen at, open aggregate sessions, and the positions of file sources. It is
// plain JSON, versioned, and decoded with an io-ts codec wherever it enters.
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { own } from "../model/dict.js";

/** The version of the run state's shape (dedup, sessions, sources); the state file's envelope has its own. */
export const RUN_STATE_VERSION = 1;

const SessionCodec = t.type({
  /** Canonical key string (groupKey of the key values). */
  key: t.string,
  /** The key values, encoded with encodeValue. */
  keys: t.array(t.unknown),
  /** Run clock (ms) of the first and the latest record; with `event time`, the smallest and largest event time. */
  first: t.number,
  last: t.number,
  /** `flush at`: when the session is due (ms), or null. */
  due: t.union([t.number, t.null]),
  /** Per aggregate field: encoded accumulators, or for a drill-down [subkey, accumulators] pairs. */
  fields: t.array(t.unknown),
});
export type SessionState = t.TypeOf<typeof SessionCodec>;

const RequiredState = t.type({
  version: t.literal(RUN_STATE_VERSION),
  /** Runs completed so far. */
  runs: t.number,
  /** Per dedup step: one chunk per run, [run clock ms, keys first seen in that run], oldest first. */
  dedup: t.record(t.string, t.readonlyArray(t.tuple([t.number, t.readonlyArray(t.string)]))),
  /** Per aggregate step: open sessions in creation order. */
  sessions: t.record(t.string, t.array(SessionCodec)),
  /** Per file source: where the next run continues (owned by the file adapter). */
  sources: t.record(t.string, t.unknown),
});

const Watermarks = t.record(t.string, t.number);

/**
 * The run state: the fields above, and per aggregate with `event time` its watermark (ms), the
 * largest event time it has seen minus its lateness. A state without `watermarks` (as written
 * before event time existed) has none yet. One codec rather than an intersection, so that a
 * decode error names its place as before (`sessions.usage[0].fields`).
 */
export type State = t.TypeOf<typeof RequiredState> & { readonly watermarks?: Readonly<Record<string, number>> };
export const StateCodec = new t.Type<State, State, unknown>(
  "State",
  (u): u is State => RequiredState.is(u) && ((u as { watermarks?: unknown }).watermarks === undefined || Watermarks.is((u as { watermarks?: unknown }).watermarks)),
  (u, c) => {
    const base = RequiredState.validate(u, c);
    if (isLeft(base)) return base;
    const w = (u as { watermarks?: unknown }).watermarks;
    if (w === undefined) return t.success(base.right);
    const marks = Watermarks.validate(w, t.appendContext(c, "watermarks", Watermarks, w));
    return isLeft(marks) ? marks : t.success({ ...base.right, watermarks: marks.right });
  },
  (a) => a,
);

/**
 * What one step keeps between runs: its entries in the per-step parts of the
 * state (a dedup step its key chunks, an aggregate its open sessions). An
 * operator is opened with it and hands the next one back (ops/types.ts).
 */
export interface StepState {
  /** [run clock ms, keys first seen in that run] per run, oldest first (never mutated once handed back). */
  readonly dedup?: ReadonlyArray<readonly [number, ReadonlyArray<string>]>;
  readonly sessions?: State["sessions"][string];
  /** Where a dedup step's keys live instead of `dedup`, when the runner was given a store. */
  readonly keys?: KeyStore;
  /** An event-time aggregate's watermark (ms); absent: none yet. */
  readonly watermark?: number;
}

/**
 * Where dedup keys live when they are not in the state value: a synchronous
 * store the runtime only reads and stages into. A host that remembers millions
 * of keys (the CLI's `--state`) hands one to the runner; the store keeps the
 * keys, and the state value keeps everything else. Without one, the keys are
 * the chunks of `State.dedup` (dedup.ts), as they always were.
 */
export interface KeyStore {
  /**
   * One dedup step's keys for one run at clock `nowMs`: keys first seen
   * `windowMs` or more before it have expired. What the run adds is staged by
   * the store until its owner commits it together with the run's outputs.
   */
  openKeys(step: string, windowMs: number, nowMs: number): DedupKeys;
}

/** A dedup step's remembered keys during one run. */
export interface DedupKeys {
  /** Seen within the window: in an earlier run, or earlier in this one. */
  has(key: string): boolean;
  /** Remember `key` as first seen at this run's clock (it was not `has`). */
  add(key: string): void;
}

/** The key store behind each state the runner made with one (see KeyStore). */
const stores = new WeakMap<State, KeyStore>();

/** Marks `state` as one whose dedup keys live in `store`; returns it. */
export function withKeyStore(state: State, store: KeyStore): State {
  stores.set(state, store);
  return state;
}

export const keyStoreOf = (state: State): KeyStore | undefined => stores.get(state);

export const stepState = (state: State, step: string): StepState => {
  const keys = stores.get(state);
  const watermark = state.watermarks ? own(state.watermarks, step) : undefined;
  const kept = keys ? { keys, sessions: own(state.sessions, step) } : { dedup: own(state.dedup, step), sessions: own(state.sessions, step) };
  return watermark !== undefined ? { ...kept, watermark } : kept;
};

export const emptyState = (): State => ({ version: RUN_STATE_VERSION, runs: 0, dedup: {}, sessions: {}, sources: {} });
