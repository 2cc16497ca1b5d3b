// What compiled expressions read at run time besides the record: the run's
// clock and number, the loaded tables, params and consts, and block locals.
import { Timestamp, type Rec, type Value } from "../values/value.js";
import type { Faults } from "../values/functions/registry.js";

/** A loaded lookup table. */
export interface TableData {
  readonly name: string;
  readonly keyFields: ReadonlyArray<string>;
  /** The row for a key tuple, or null. */
  lookup(keys: ReadonlyArray<Value>): Rec | null;
  lookup1(key: Value): Rec | null;
  /** Key values in row order, for `random_key`. */
  readonly keyList: ReadonlyArray<Value>;
}

export interface RunEnv {
  readonly now: Timestamp;
  /** 1-based run number. */
  readonly run: number;
  readonly tables: ReadonlyMap<string, TableData>;
  readonly params: Readonly<Record<string, Value>>;
  readonly consts: Readonly<Record<string, Value>>;
  /**
   * Function calls that failed (a host function threw) while the current
   * operator call ran: the run loop reads and resets it around each call, as it
   * times them, and reports the count per step.
   */
  readonly faults: Faults;
}

/**
 * Per-step scratch space, allocated once per batch and reused for every record:
 * the block's locals and, in `simulate` sources, the position and the generator.
 */
export interface Frame {
  env: RunEnv;
  locals: Value[];
  seq: number;
  random: () => number;
}

export const newFrame = (env: RunEnv, slots: number): Frame => ({ env, locals: new Array<Value>(slots).fill(null), seq: 0, random: () => 0 });

/** The env of what is known before any run (literals, params, consts): no clock, no tables. */
export const constantEnv = (params: Readonly<Record<string, Value>> = {}, consts: Readonly<Record<string, Value>> = {}): RunEnv => ({
  now: new Timestamp(0),
  run: 0,
  tables: new Map(),
  params,
  consts,
  faults: { count: 0 },
});

/** The value of an expression that reads no record: a literal, a param, a const. */
export const evalConstant = (fn: Fn, env: RunEnv = constantEnv()): Value => fn({}, newFrame(env, 0));

/** A compiled expression. */
export type Fn = (rec: Rec, frame: Frame) => Value;
