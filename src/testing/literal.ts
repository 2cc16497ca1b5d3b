// Record literals in tests: `given` turns them into raw JSON-like values that
// are decoded like input data; `expect` compares them with JSON output.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import type * as A from "../syntax/ast.js";
import { durationToIso } from "../values/json.js";

/** A literal that is not a value a test can write, with where it stands. */
export interface LiteralProblem {
  readonly message: string;
  readonly span: A.Span;
}

export type RawResult = Either<LiteralProblem, unknown>;

const bad = (e: A.Expr, what: string): RawResult =>
  left({ message: `${what} in a test is written with literals (strings, numbers, booleans, null, durations, lists and records)`, span: e.span });

/**
 * The raw value of a literal, as it would arrive in JSON input: timestamps
 * stay ISO text (the schema decodes them), decimals stay exact text, durations
 * become ISO durations.
 */
export function literalToRaw(e: A.Expr, what = "a record"): RawResult {
  switch (e.kind) {
    case "StringLit":
    case "BoolLit":
      return right(e.value);
    case "IntLit":
      return right(e.value);
    case "DecimalLit":
      return right(e.text.replace(/_/g, ""));
    case "NullLit":
      return right(null);
    case "DurationLit":
      return right(durationToIso(e.ms));
    case "Unary": {
      if (e.op !== "-") return bad(e, what);
      const inner = literalToRaw(e.operand, what);
      if (isLeft(inner)) return inner;
      if (typeof inner.right === "number" || typeof inner.right === "bigint") return right(-inner.right);
      if (e.operand.kind === "DecimalLit") return right(`-${String(inner.right)}`);
      if (e.operand.kind === "DurationLit") return right(durationToIso(-e.operand.ms));
      return bad(e, what);
    }
    case "ListLit": {
      const out: unknown[] = [];
      for (const item of e.items) {
        const r = literalToRaw(item, what);
        if (isLeft(r)) return r;
        out.push(r.right);
      }
      return right(out);
    }
    case "RecordLit": {
      const out: Record<string, unknown> = {};
      for (const f of e.fields) {
        const r = literalToRaw(f.value, what);
        if (isLeft(r)) return r;
        Object.defineProperty(out, f.name.name, { value: r.right, enumerable: true, writable: true, configurable: true });
      }
      return right(out);
    }
    default:
      return bad(e, what);
  }
}

/** The records of `given`/`expect`: a list of record literals. */
export function recordList(e: A.Expr, what: string): Either<LiteralProblem, ReadonlyArray<A.RecordLit>> {
  if (e.kind !== "ListLit") return left({ message: `${what} takes a list of records: [ { field: value, … } ]`, span: e.span });
  for (const item of e.items) {
    if (item.kind !== "RecordLit") return left({ message: `${what} takes a list of records; this item is not a record \`{ field: value }\``, span: item.span });
    const r = literalToRaw(item, what);
    if (isLeft(r)) return r;
  }
  return right(e.items as ReadonlyArray<A.RecordLit>);
}
