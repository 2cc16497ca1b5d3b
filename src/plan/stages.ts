// Cluster stages: the plan cut at each keyed stateful step (dedup, aggregate)
// whose key is not the one the records are already partitioned by, as Flink's
// keyBy cuts a job graph. Stage 0 holds the sources (partitioned by message
// id); a keyed step starts a new stage partitioned by a hash of its key, and
// the records it reads cross into it through that stage's partitioned topic.
// A stateless step runs wherever its records are: in every stage one of its
// inputs runs in (a merge of two stages runs in both, each on its own input).
//
// Each stage is itself a plan the ordinary runner runs: its boundary inputs are
// sources that decode the JSON records the upstream stage handed out against
// the upstream port's schema, and each record leaving it passes a key step
// that adds the downstream key (`KEY_FIELD`), from which the cluster picks the
// partition. The sub-plan keeps every port's consumer count and fate, so the
// balance of a stage differs from the whole plan's only by the crossings,
// which the cluster subtracts (each crossing record is `dropped` once leaving
// and `read` once arriving).
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/print-expr.js";
import { compileDecoder, type DecodeField } from "../values/codec.js";
import { groupKey, singleKey } from "../values/keys.js";
import { T, type Schema } from "../values/types.js";
import type { Value } from "../values/value.js";
import type { Fn } from "./env.js";
import type { MapStep, OutputPort, Plan, PortRef, SourceStep, Step } from "./plan.js";

/** The field a key step adds: the downstream step's key, as the state encodes keys. */
export const KEY_FIELD = "__cluster_key";

export interface StageCrossing {
  /** The producing port in the whole plan. */
  readonly from: PortRef;
  /** The key step in this stage's plan whose output leaves for `stage`. */
  readonly keyStep: string;
  readonly stage: number;
  /** The boundary source in the receiving stage's plan. */
  readonly source: string;
}

export interface Stage {
  readonly index: number;
  /** The step whose key partitions this stage; absent for stage 0 (partitioned by message id). */
  readonly keyedBy?: string;
  /** The key as written (`event_id`; `account_id, period = month(at)`). */
  readonly key: ReadonlyArray<string>;
  /** The steps of the whole plan that run in this stage, in plan order. */
  readonly steps: ReadonlyArray<string>;
  /** The stage's plan: its steps, boundary sources for what it receives, key steps for what it sends. */
  readonly plan: Plan;
  /** The boundary sources of `plan`. */
  readonly inputs: ReadonlyArray<string>;
  readonly outputs: ReadonlyArray<StageCrossing>;
}

const keyText = (step: Step, plan: Plan): string[] => {
  const decl = plan.checked.steps.find((s) => s.name === step.name)?.decl;
  if (decl?.kind === "Dedup") return decl.keys.map((k) => printExpr(k));
  if (decl?.kind === "Aggregate") return decl.keys.map((k: A.AggregateKey) => (k.expr ? `${k.name.name} = ${printExpr(k.expr)}` : k.name.name));
  return [];
};

const isKeyed = (step: Step): boolean => step.kind === "dedup" || step.kind === "aggregate";

/** Steps that hand their input records on as they are, so a partitioning by their fields still holds after them. */
const KEEPS_RECORDS = new Set<Step["kind"]>(["validate", "dedup", "route", "merge"]);

/** The key of a record for the keyed step `step`, as its operator computes it. */
function keyFunction(step: Step): Fn {
  if (step.kind === "dedup") {
    const keys = step.keys;
    if (keys.length === 1) return (r, f) => singleKey(keys[0]!(r, f));
    return (r, f) => groupKey(keys.map((k) => k(r, f)));
  }
  if (step.kind === "aggregate") {
    const keys = step.keys;
    return (r, f) => groupKey(keys.map((k) => k.value(r, f)));
  }
  throw new Error(`internal: ${step.name} is not a keyed step`);
}

function boundarySource(name: string, like: Step, schema: Schema, invalidSchema: Schema): SourceStep {
  const fields: DecodeField[] = schema.map((f) => ({ name: f.name, path: [f.name], type: f.type, optional: true }));
  return {
    kind: "source",
    origin: "host",
    name,
    inputs: [],
    ports: [
      { name: "main", schema, consumers: 1 },
      { name: "invalid", schema: invalidSchema, consumers: 0, fate: "rejects" },
    ],
    span: like.span,
    fields,
    decode: compileDecoder(fields),
    decodeCsv: compileDecoder(fields, { emptyIsAbsent: true }),
  };
}

function keyStep(name: string, from: PortRef, schema: Schema, consumer: Step, like: Step): MapStep {
  const key = keyFunction(consumer);
  const out: OutputPort = { name: "main", schema: [...schema, { name: KEY_FIELD, type: T.string }], consumers: 0, fate: "dropped" };
  return {
    kind: "map",
    name,
    inputs: [from],
    ports: [out],
    span: like.span,
    block: { slots: consumer.kind === "aggregate" ? consumer.slots : 0, build: (rec, frame) => ({ ...rec, [KEY_FIELD]: key(rec, frame) as Value }) },
  };
}

/** The schema of a source's `invalid` port, as the plan has it (every source has one). */
function invalidSchemaOf(plan: Plan): Schema {
  for (const s of plan.steps) if (s.kind === "source") return s.ports.find((p) => p.name === "invalid")?.schema ?? [];
  return [];
}

/** The plan's stages, stage 0 first; every stage's plan is one the runner runs as it is. */
export function splitStages(plan: Plan): Stage[] {
  const byName = new Map(plan.steps.map((s) => [s.name, s]));
  /** Per step: the stages it runs in, and whether its records are still those its stage was keyed on. */
  const stagesOf = new Map<string, number[]>();
  const kept = new Map<string, boolean>();
  const starts: { keyedBy?: string; key: string[] }[] = [{ key: [] }];
  /** The stage a keyed step starts (absent when it joins its input's stage). */
  const started = new Map<string, number>();
  for (const step of plan.steps) {
    if (step.kind === "source") {
      stagesOf.set(step.name, [0]);
      kept.set(step.name, false);
      continue;
    }
    const upstream = [...new Set(step.inputs.flatMap((i) => stagesOf.get(i.step) ?? []))].sort((a, b) => a - b);
    if (isKeyed(step)) {
      const key = keyText(step, plan);
      const only = upstream.length === 1 ? upstream[0]! : undefined;
      const same = only !== undefined && only > 0 && step.inputs.every((i) => kept.get(i.step)) && starts[only]!.key.join("\n") === key.join("\n");
      if (same) {
        stagesOf.set(step.name, [only]);
        kept.set(step.name, step.kind === "dedup");
        continue;
      }
      started.set(step.name, starts.length);
      stagesOf.set(step.name, [starts.length]);
      starts.push({ keyedBy: step.name, key });
      kept.set(step.name, step.kind === "dedup");
      continue;
    }
    stagesOf.set(step.name, upstream);
    kept.set(step.name, KEEPS_RECORDS.has(step.kind) && step.inputs.every((i) => kept.get(i.step)));
  }

  const invalidSchema = invalidSchemaOf(plan);
  const portSchema = (ref: PortRef): Schema => byName.get(ref.step)!.ports.find((p) => p.name === ref.port)!.schema;
  const crossings: StageCrossing[][] = starts.map(() => []);
  const inputsOf: string[][] = starts.map(() => []);
  const extra: Step[][] = starts.map(() => []);
  const sources: Step[][] = starts.map(() => []);
  const rewired = new Map<string, Map<number, Step>>();
  for (const step of plan.steps) {
    const target = started.get(step.name);
    if (target === undefined) continue;
    const inputs: PortRef[] = [];
    step.inputs.forEach((from, i) => {
      const source = `${step.name}<${i}`;
      sources[target]!.push(boundarySource(source, step, portSchema(from), invalidSchema));
      inputsOf[target]!.push(source);
      inputs.push({ step: source, port: "main" });
      for (const s of stagesOf.get(from.step) ?? []) {
        const ks = `${step.name}~key${i}`;
        extra[s]!.push(keyStep(ks, from, portSchema(from), step, step));
        crossings[s]!.push({ from, keyStep: ks, stage: target, source });
      }
    });
    rewired.set(step.name, new Map([[target, { ...step, inputs } as Step]]));
  }

  return starts.map((start, index) => {
    const steps: Step[] = [...sources[index]!];
    const names: string[] = [];
    for (const step of plan.steps) {
      if (!(stagesOf.get(step.name) ?? []).includes(index)) continue;
      names.push(step.name);
      const own = rewired.get(step.name)?.get(index);
      if (own) {
        steps.push(own);
        continue;
      }
      // A step that runs in several stages reads, in each, only the inputs that run there.
      const keep = step.inputs.map((i) => (stagesOf.get(i.step) ?? []).includes(index) && started.get(step.name) === undefined);
      if (keep.every((k) => k)) steps.push(step);
      else {
        const inputs = step.inputs.filter((_, i) => keep[i]);
        steps.push(step.kind === "merge" ? { ...step, inputs, reorder: step.reorder.filter((_, i) => keep[i]) } : ({ ...step, inputs } as Step));
      }
    }
    // Key steps go right after their producer's stage steps; the run loop only needs producers first.
    steps.push(...extra[index]!);
    // Within a micro-batch no session is due: a stage's sessions close at the cluster run's end (a final run).
    const staged = steps.map((s) => (s.kind === "aggregate" ? { ...s, flush: [] } : s));
    return {
      index,
      ...(start.keyedBy ? { keyedBy: start.keyedBy } : {}),
      key: start.key,
      steps: names,
      plan: { ...plan, steps: staged },
      inputs: inputsOf[index]!,
      outputs: crossings[index]!,
    };
  });
}
