// What every operator receives and returns inside one run. Operators may fold
// into local mutable arrays and Maps; nothing they build escapes the run except
// through the returned ports and the state the run loop produces once.
import type { RunEnv } from "../../plan/env.js";
import type { Rec } from "../../values/value.js";

export type Ports = Map<string, Rec[]>;

export interface OpContext {
  readonly env: RunEnv;
  readonly stream: string;
  /** The run clock in ms. */
  readonly nowMs: number;
  /** The end of input: flush every open session. */
  readonly final: boolean;
}

