// The execution plan: steps in topological order, each with its input ports,
// output ports and schemas, and its expressions compiled into closures.
import type * as A from "../syntax/ast.js";
import type { CheckedStream } from "../check/checked.js";
import type { Format, NATS_FORMAT } from "../model/formats.js";
import type { PortFate } from "../model/ports.js";
import type { Aggregate } from "../values/aggregates.js";
import type { Decoder, DecodeField } from "../values/codec.js";
import type { Schema } from "../values/types.js";
import type { Fn, Frame } from "./env.js";
import type { Rec } from "../values/value.js";
import type { RecordCopier } from "../values/record-maker.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** An input edge: the producing step's port. */
export interface PortRef {
  readonly step: string;
  readonly port: string;
}

export interface OutputPort {
  readonly name: string;
  readonly schema: Schema;
  /** How many steps read this port (a port read twice delivers each record twice). */
  readonly consumers: number;
  /** Where its records go when no step reads it. */
  readonly fate?: PortFate;
}

/** A block of statements compiled into one function that builds the output record. */
export interface CompiledBlock {
  readonly slots: number;
  readonly build: (rec: Rec, frame: Frame) => Rec;
}

interface StepBase {
  readonly name: string;
  readonly inputs: ReadonlyArray<PortRef>;
  readonly ports: ReadonlyArray<OutputPort>;
  readonly span: A.Span;
}

export interface SourceStep extends StepBase {
  readonly kind: "source";
  readonly origin: "file" | "host" | "simulate" | "nats";
  readonly fields: ReadonlyArray<DecodeField>;
  readonly decode: Decoder;
  /** CSV text: an empty cell is absent. */
  readonly decodeCsv: Decoder;
  readonly file?: { readonly format: Format; readonly path: string; readonly batch?: Fn; readonly delimiter?: string };
  readonly simulate?: { readonly count: Fn; readonly seed?: Fn; readonly block: CompiledBlock };
  /** `from nats "SUBJECT"` (cluster mode only). */
  readonly nats?: { readonly subject: string };
}

export interface ValidateStep extends StepBase {
  readonly kind: "validate";
  readonly rules: ReadonlyArray<{ readonly test: Fn; readonly rule: string; readonly message: string; readonly error: Rec }>;
  /** Builds an `invalid` record from an input record and its errors (absent when the input schema is open). */
  readonly invalidRecord?: RecordCopier;
}

export interface MapStep extends StepBase {
  readonly kind: "map";
  readonly block: CompiledBlock;
  /** `for each`: the collection and the slots of its one or two variables. */
  readonly forEach?: { readonly over: Fn; readonly slots: ReadonlyArray<number> };
}

export interface EnrichStep extends StepBase {
  readonly kind: "enrich";
  readonly block: CompiledBlock;
}

/** How long a dedup step without `within` remembers a key: 7 days. */
export const DEFAULT_DEDUP_WITHIN = { amount: 7, unit: "d", ms: 7 * 86_400_000, text: "7d" } as const;

export interface DedupStep extends StepBase {
  readonly kind: "dedup";
  readonly keys: ReadonlyArray<Fn>;
  readonly keyText: ReadonlyArray<string>;
  /** `within`, or DEFAULT_DEDUP_WITHIN. */
  readonly within: Fn;
}

export interface MergeStep extends StepBase {
  readonly kind: "merge";
  /** Per input, the field order to rebuild records in, when it differs from the output's. */
  readonly reorder: ReadonlyArray<ReadonlyArray<string> | undefined>;
}

export interface RouteStep extends StepBase {
  readonly kind: "route";
  readonly branches: ReadonlyArray<{ readonly when: Fn; readonly port: string }>;
  readonly otherwise: string;
}

export interface AggregateCall {
  readonly aggregate: Aggregate;
  readonly arg?: Fn;
}

export interface AggregateFieldPlan {
  readonly name: string;
  readonly calls: ReadonlyArray<AggregateCall>;
  /** The field's value from its calls' results (in frame locals 0..n-1) and the session's keys. */
  readonly result: Fn;
  readonly by?: Fn;
}

export type FlushPlan =
  | { readonly kind: "each-run" }
  | { readonly kind: "idle"; readonly idle: Fn }
  | { readonly kind: "at"; readonly at: Fn }
  | { readonly kind: "when"; readonly cond: Fn };

export interface AggregateStep extends StepBase {
  readonly kind: "aggregate";
  readonly keys: ReadonlyArray<{ readonly name: string; readonly value: Fn }>;
  readonly fields: ReadonlyArray<AggregateFieldPlan>;
  readonly flush: ReadonlyArray<FlushPlan>;
  readonly slots: number;
  /** `event time`: each record's event time, and the lateness (a constant; 0 without `lateness`). */
  readonly eventTime?: { readonly at: Fn; readonly lateness: Fn };
}

export interface AuditStep extends StepBase {
  readonly kind: "audit";
  readonly block: CompiledBlock;
}

export interface SinkStep extends StepBase {
  readonly kind: "sink";
  /** A file format, or `nats` (cluster mode publishes to the subject in `path`). */
  readonly format: Format | typeof NATS_FORMAT;
  readonly path: string;
  /** The columns of a csv sink. */
  readonly columns: ReadonlyArray<string>;
}

export type Step = SourceStep | ValidateStep | MapStep | EnrichStep | DedupStep | MergeStep | RouteStep | AggregateStep | AuditStep | SinkStep;

export interface TablePlan {
  readonly name: string;
  readonly format: Format;
  readonly path: string;
  readonly delimiter?: string;
  readonly keys: ReadonlyArray<string>;
  readonly schema: Schema;
  readonly fields: ReadonlyArray<DecodeField>;
  readonly decode: Decoder;
  readonly decodeCsv: Decoder;
  /** The columns a loaded row keeps (the ones the stream reads, table-columns.ts), or absent: all of them. */
  readonly kept?: ReadonlyArray<string>;
}

export interface Plan {
  readonly stream: string;
  readonly filename: string;
  readonly checked: CheckedStream;
  readonly steps: ReadonlyArray<Step>;
  readonly tables: ReadonlyArray<TablePlan>;
  readonly params: ReadonlyArray<{ readonly name: string; readonly schema: Schema[number]; readonly default?: Fn }>;
  /** Consts in declaration order; each may read params and earlier consts. */
  readonly consts: ReadonlyArray<{ readonly name: string; readonly value: Fn }>;
  readonly triggerCount?: Fn;
  /** Warnings of the checker (a plan is only made when there are no errors). */
  readonly warnings: ReadonlyArray<Diagnostic>;
}
