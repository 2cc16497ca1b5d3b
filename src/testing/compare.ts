// `expect X [records]`: expected record literals against the JSON records a
// step delivered, in order. A record literal, at any depth, is compared on the
// fields it writes only; lists compare item by item and must have the same
// length. Values are normalised the way a reader would: a timestamp written
// `"2026-11-20T10:00:00Z"` equals `"2026-11-20T10:00:00.000Z"`, `2` equals the
// decimal `"2.00"`, `15m` equals `"PT15M"`.
import Big from "big.js";
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/print-expr.js";
import { messageText, parseDecimal, parseDuration, parseTimestamp } from "../values/convert.js";

const MAX_SHOWN = 100;

/** A JSON value shortened for a diff line. */
export function showJson(v: unknown): string {
  const text = messageText(v);
  return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN - 1) + "…" : text;
}

const showExpected = (e: A.Expr): string => {
  const text = printExpr(e);
  return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN - 1) + "…" : text;
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function numberOf(v: unknown): Big | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? new Big(v) : undefined;
  if (typeof v === "bigint") return new Big(v.toString());
  if (typeof v === "string") return parseDecimal(v);
  return undefined;
}

function literalNumber(e: A.Expr): Big | undefined {
  if (e.kind === "IntLit") return new Big(String(e.value));
  if (e.kind === "DecimalLit") return parseDecimal(e.text.replace(/_/g, ""));
  if (e.kind === "Unary" && e.op === "-") return literalNumber(e.operand)?.neg();
  return undefined;
}

function literalDurationMs(e: A.Expr): number | undefined {
  if (e.kind === "DurationLit") return e.ms;
  if (e.kind === "Unary" && e.op === "-" && e.operand.kind === "DurationLit") return -e.operand.ms;
  return undefined;
}

/** Differences between an expected literal and an actual JSON value, each `path: expected X, got Y`. */
export function compareValue(expected: A.Expr, actual: unknown, path: string, out: string[]): void {
  const at = path ? `field \`${path}\`: ` : "";
  const mismatch = (): void => {
    out.push(`${at}expected ${showExpected(expected)}, got ${showJson(actual)}`);
  };
  switch (expected.kind) {
    case "NullLit":
      if (actual !== null && actual !== undefined) mismatch();
      return;
    case "BoolLit":
      if (actual !== expected.value) mismatch();
      return;
    case "StringLit": {
      if (actual === expected.value) return;
      if (typeof actual === "string") {
        const a = parseTimestamp(actual);
        const e = a && parseTimestamp(expected.value);
        if (a && e && a.ms === e.ms && /^\d{4}-\d\d-\d\dT/.test(expected.value)) return;
      }
      mismatch();
      return;
    }
    case "RecordLit": {
      if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
        mismatch();
        return;
      }
      for (const f of expected.fields) {
        const name = f.name.name;
        const sub = path ? `${path}.${name}` : name;
        if (!Object.hasOwn(actual, name)) {
          out.push(`field \`${sub}\`: expected ${showExpected(f.value)}, but the record has no field \`${name}\``);
          continue;
        }
        compareValue(f.value, (actual as Record<string, unknown>)[name], sub, out);
      }
      return;
    }
    case "ListLit": {
      if (!Array.isArray(actual)) {
        mismatch();
        return;
      }
      if (actual.length !== expected.items.length) {
        out.push(`${at}expected ${plural(expected.items.length, "item")}, got ${actual.length}: ${showJson(actual)}`);
        return;
      }
      expected.items.forEach((item, i) => compareValue(item, actual[i], `${path}[${i}]`, out));
      return;
    }
    default: {
      const n = literalNumber(expected);
      if (n) {
        const a = numberOf(actual);
        if (!a || !a.eq(n)) mismatch();
        return;
      }
      const ms = literalDurationMs(expected);
      if (ms !== undefined) {
        const a = typeof actual === "string" ? parseDuration(actual) : undefined;
        if (!a || a.ms !== ms) mismatch();
        return;
      }
      mismatch();
    }
  }
}

/** The diff of `expect X [records]`: empty when the records match. */
export function compareRecords(expected: ReadonlyArray<A.RecordLit>, actual: ReadonlyArray<unknown>): string[] {
  const lines: string[] = [];
  const common = Math.min(expected.length, actual.length);
  for (let i = 0; i < common; i++) {
    const diffs: string[] = [];
    compareValue(expected[i]!, actual[i], "", diffs);
    for (const d of diffs) lines.push(`record ${i + 1}: ${d}`);
  }
  if (expected.length !== actual.length) {
    const head = `expected ${plural(expected.length, "record")}, got ${actual.length}`;
    if (actual.length > expected.length) {
      lines.push(`${head}: unexpected`);
      for (let i = common; i < actual.length; i++) lines.push(`  record ${i + 1}: ${showJson(actual[i])}`);
    } else {
      lines.push(`${head}: missing`);
      for (let i = common; i < expected.length; i++) lines.push(`  record ${i + 1}: ${showExpected(expected[i]!)}`);
    }
  }
  return lines;
}

/** The diff of `expect X count N`. */
export function compareCount(expected: number, actual: ReadonlyArray<unknown>): string[] {
  if (expected === actual.length) return [];
  const lines = [`expected ${plural(expected, "record")}, got ${actual.length}`];
  for (let i = 0; i < Math.min(actual.length, 5); i++) lines.push(`  record ${i + 1}: ${showJson(actual[i])}`);
  if (actual.length > 5) lines.push(`  … and ${actual.length - 5} more`);
  return lines;
}
