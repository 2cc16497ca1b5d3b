// Every step kind's operator, so the run loop opens a step without knowing its kind.
import type { Step } from "../../plan/plan.js";
import type { StepState } from "../state.js";
import { openAggregate } from "./aggregate.js";
import { openAudit } from "./audit.js";
import { openDedup } from "./dedup.js";
import { openMap } from "./map.js";
import { openMerge } from "./merge.js";
import { openRoute } from "./route.js";
import { openSink } from "./sink.js";
import { openSource } from "./source.js";
import type { OpenOperator, Operator, RunContext } from "./types.js";
import { openValidate } from "./validate.js";

const OPERATORS: { readonly [K in Step["kind"]]: OpenOperator<Extract<Step, { kind: K }>> } = {
  source: openSource,
  validate: openValidate,
  map: openMap,
  enrich: openMap,
  dedup: openDedup,
  merge: openMerge,
  route: openRoute,
  aggregate: openAggregate,
  audit: openAudit,
  sink: openSink,
};

export const openOperator = <S extends Step>(step: S, saved: StepState, ctx: RunContext): Operator => (OPERATORS[step.kind] as OpenOperator<S>)(step, saved, ctx);
