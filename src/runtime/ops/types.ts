// What every operator receives and returns inside one run, and the lifecycle
// every operator implements (docs/internals.md "How a run moves records").
// Operators may fold into local mutable arrays and Maps; nothing they build
// escapes the run except through the ports they return and their close().
import type { JsonRecord } from "../../model/json-record.js";
import type { RunEnv } from "../../plan/env.js";
import type { Step } from "../../plan/plan.js";
import type { Rec } from "../../values/value.js";
import type { Balance } from "../report.js";
import type { StepState } from "../state.js";
import type { SourceBatch } from "./source.js";

/** Records per output port name; a port that is absent gets nothing this time. */
export type Ports = Map<string, Rec[]>;

export interface OpContext {
  readonly env: RunEnv;
  readonly stream: string;
  /** The run clock in ms. */
  readonly nowMs: number;
  /** The end of input: flush every open session. */
  readonly final: boolean;
}

/** What an operator is opened with besides its step and state: the run's context and input. */
export interface RunContext extends OpContext {
  /** Records a source hands on at a time (run.ts CHUNK_SIZE). */
  readonly chunkSize: number;
  /** This run's batch per source (a source without one is empty, or generates a `simulate` batch). */
  readonly sources: Readonly<Record<string, SourceBatch>>;
  /** Sinks whose records are kept as text: each chunk goes to its encoder as it arrives (RunInput.encode). */
  readonly encode?: Readonly<Record<string, SinkEncoder>>;
}

/** What an encoded sink delivered in a run. */
export interface SinkText {
  /** The encoder's texts, one per chunk, in order: what a host writes one after another. */
  readonly chunks: ReadonlyArray<string>;
  /** The chunks joined (made when read: a large output's joined copy doubles its memory). */
  readonly text: string;
  readonly records: number;
}

/** A sink's records, JSON-ready, as the text its host writes (one call per chunk; the texts are concatenated). */
export type SinkEncoder = (records: ReadonlyArray<JsonRecord>) => string;

/**
 * One step while a run works on it. The run loop opens one per step, hands it
 * every chunk of every input in input order (all of input 0, then of input 1, …),
 * calls finish() once every input is complete, and close() at the end. Each
 * call returns the records it hands on, per port; the loop routes them (to the
 * consumers, the rejects, or a count) and times every call.
 */
export interface Operator {
  /** A source (a step without inputs): the next chunk of its batch, or undefined when it is done. */
  pull?(): Ports | undefined;
  /** A chunk of records that arrived on input `input` (an index into the step's inputs). */
  take?(input: number, records: Rec[]): Ports | undefined;
  /** Every input is complete: what the step held back (an aggregate's flushed sessions, a source's `invalid` records). */
  finish(): Ports | undefined;
  /** After finish: what the step keeps and what it counted. */
  close(): OperatorResult;
}

export interface OperatorResult {
  /** The step's entries in the next run state; absent: it keeps nothing. */
  readonly state?: StepState;
  /**
   * The step's share of the balance: what it read, created, delivered or
   * absorbed. Fan-out copies and unconsumed ports are counted by the loop.
   */
  readonly balance?: Partial<Balance>;
  /** Records in, when not what the loop handed in (a source reads its batch). */
  readonly in?: number;
  /** Report extras: a source's undeclared fields, an aggregate's open sessions. */
  readonly undeclaredFields?: number;
  /** A source's undeclared fields' names, some of them (UNDECLARED_NAMES at most). */
  readonly undeclaredNames?: ReadonlyArray<string>;
  readonly openSessions?: number;
  /** A sink's records, JSON-ready, in arrival order. */
  readonly output?: ReadonlyArray<JsonRecord>;
  /** A sink with an encoder: its records' text, and how many records it holds. */
  readonly text?: SinkText;
  /** An event-time aggregate: why each record it handed to its `late` port is late, in the same order. */
  readonly lateReasons?: ReadonlyArray<string>;
  /** An audit step's events, in arrival order. */
  readonly audit?: ReadonlyArray<Rec>;
}

/** Opens the operator of one step kind with its saved state and the run context. */
export type OpenOperator<S extends Step> = (step: S, saved: StepState, ctx: RunContext) => Operator;
