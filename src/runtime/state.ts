// The stream's state between runs: dedup keys with the run clock they were
// seen at, open aggregate sessions, and the positions of file sources. It is
// plain JSON, versioned, and decoded with an io-ts codec wherever it enters.
import * as t from "io-ts";
import { own } from "../model/dict.js";

/** The version of the run state's shape (dedup, sessions, sources); the state file's envelope has its own. */
export const RUN_STATE_VERSION = 1;

const SessionCodec = t.type({
  /** Canonical key string (groupKey of the key values). */
  key: t.string,
  /** The key values, encoded with encodeValue. */
  keys: t.array(t.unknown),
  /** Run clock (ms) of the first and the latest record. */
  first: t.number,
  last: t.number,
  /** `flush at`: when the session is due (ms), or null. */
  due: t.union([t.number, t.null]),
  /** Per aggregate field: encoded accumulators, or for a drill-down [subkey, accumulators] pairs. */
  fields: t.array(t.unknown),
});
export type SessionState = t.TypeOf<typeof SessionCodec>;

export const StateCodec = t.type({
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
export type State = t.TypeOf<typeof StateCodec>;

/**
 * What one step keeps between runs: its entries in the per-step parts of the
 * state (a dedup step its key chunks, an aggregate its open sessions). An
 * operator is opened with it and hands the next one back (ops/types.ts).
 */
export interface StepState {
  /** [run clock ms, keys first seen in that run] per run, oldest first (never mutated once handed back). */
  readonly dedup?: ReadonlyArray<readonly [number, ReadonlyArray<string>]>;
  readonly sessions?: State["sessions"][string];
}

export const stepState = (state: State, step: string): StepState => ({ dedup: own(state.dedup, step), sessions: own(state.sessions, step) });

export const emptyState = (): State => ({ version: RUN_STATE_VERSION, runs: 0, dedup: {}, sessions: {}, sources: {} });
