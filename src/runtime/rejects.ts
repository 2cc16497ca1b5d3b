// The built-in rejects output: what an unconsumed `invalid` or `unmatched` port
// hands on becomes `{step, port, run, errors, record}` (a source's also carry
// `file` and `line`), JSON-ready. docs/internals.md "Records and ports".
import type { JsonRecord } from "../model/json-record.js";
import type { Step } from "../plan/plan.js";
import { toJson } from "../values/json.js";
import type { Rec, Value } from "../values/value.js";

/** The rule of a route's `unmatched` rejects; sources' and validate's records bring their own `errors`. */
export const ROUTE_RULE = "route";
/** An event-time aggregate's port of late records, and the rule of their rejects. */
export const LATE = "late";

/** A reject: `{step, port, run, errors, record}` (+ `file`, `line` from a source), every error `{rule, message}`. */
export function rejectRecord(step: Step, port: string, run: number, rec: Rec, lateReason?: string): JsonRecord {
  const r = rec as Record<string, Value>;
  if (step.kind === "source") {
    return toJson({ step: step.name, port, run, errors: r["errors"] ?? [], file: r["file"] ?? null, line: r["line"] ?? null, record: r["record"] ?? null }) as JsonRecord;
  }
  if (port === "invalid") {
    const { errors, ...record } = r;
    return toJson({ step: step.name, port, run, errors: errors ?? [], record }) as JsonRecord;
  }
  if (step.kind === "aggregate" && port === LATE) {
    return toJson({ step: step.name, port, run, errors: [{ rule: LATE, message: lateReason ?? "late" }], record: r }) as JsonRecord;
  }
  return toJson({ step: step.name, port, run, errors: [{ rule: ROUTE_RULE, message: "no `when` branch matched" }], record: r }) as JsonRecord;
}
