// Record literals in tests: `given` turns them into raw JSON-like values that
// are decoded like input data; `expect` compares them with JSON output.
import type * as A from "../syntax/ast.js";
import { durationToIso } from "../values/json.js";

/** A literal that is not a value a test can write, with where it stands. */
export interface LiteralProblem {
  readonly message: string;
  readonly span: A.Span;
}

export type RawResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: LiteralProblem };

const bad = (e: A.Expr, what: string): RawResult => ({
  ok: false,
  problem: { message: `${what} in a test is written with literals (strings, numbers, booleans, null, durations, lists and records)`, span: e.span },
});

/**
 * The raw value of a literal, as it would arrive in JSON input: timestamps
 * stay ISO text (the schema decodes them), decimals stay exact text, durations
 * become ISO durations.
 */
export function literalToRaw(e: A.Expr, what = "a record"): RawResult {
  switch (e.kind) {
    case "StringLit":
    case "BoolLit":
      return { ok: true, value: e.value };
    case "IntLit":
      return { ok: true, value: e.value };
    case "DecimalLit":
      return { ok: true, value: e.text.replace(/_/g, "") };
    case "NullLit":
      return { ok: true, value: null };
    case "DurationLit":
      return { ok: true, value: durationToIso(e.ms) };
    case "Unary": {
      if (e.op !== "-") return bad(e, what);
      const inner = literalToRaw(e.operand, what);
      if (!inner.ok) return inner;
      if (typeof inner.value === "number" || typeof inner.value === "bigint") return { ok: true, value: -inner.value };
      if (e.operand.kind === "DecimalLit") return { ok: true, value: `-${String(inner.value)}` };
      if (e.operand.kind === "DurationLit") return { ok: true, value: durationToIso(-e.operand.ms) };
      return bad(e, what);
    }
    case "ListLit": {
      const out: unknown[] = [];
      for (const item of e.items) {
        const r = literalToRaw(item, what);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
    case "RecordLit": {
      const out: Record<string, unknown> = {};
      for (const f of e.fields) {
        const r = literalToRaw(f.value, what);
        if (!r.ok) return r;
        Object.defineProperty(out, f.name.name, { value: r.value, enumerable: true, writable: true, configurable: true });
      }
      return { ok: true, value: out };
    }
    default:
      return bad(e, what);
  }
}

/** The records of `given`/`expect`: a list of record literals. */
export function recordList(e: A.Expr, what: string): { ok: true; records: ReadonlyArray<A.RecordLit> } | { ok: false; problem: LiteralProblem } {
  if (e.kind !== "ListLit") return { ok: false, problem: { message: `${what} takes a list of records: [ { field: value, … } ]`, span: e.span } };
  for (const item of e.items) {
    if (item.kind !== "RecordLit") return { ok: false, problem: { message: `${what} takes a list of records; this item is not a record \`{ field: value }\``, span: item.span } };
    const r = literalToRaw(item, what);
    if (!r.ok) return r;
  }
  return { ok: true, records: e.items as ReadonlyArray<A.RecordLit> };
}
