// sink: delivers its records, JSON-ready (toJson), in arrival order. Writing
// them is the edge's business (the CLI, a host).
import type { JsonRecord } from "../../model/json-record.js";
import type { SinkStep } from "../../plan/plan.js";
import { toJson } from "../../values/json.js";
import type { OpenOperator } from "./types.js";

export const openSink: OpenOperator<SinkStep> = () => {
  const output: JsonRecord[] = [];
  return {
    take(_input, records) {
      for (const r of records) output.push(toJson(r) as JsonRecord);
      return undefined;
    },
    finish: () => undefined,
    close: () => ({ output, balance: { delivered: output.length } }),
  };
};
