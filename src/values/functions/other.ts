// coalesce, hash, and the functions the expression compiler implements itself
// (simulation helpers and aggregates): here only for their static types.
import { createHash } from "node:crypto";
import { T, isNumeric, type Type } from "../types.js";
import { toJson } from "../json.js";
import { Big, Duration, Timestamp, type Rec, type Value } from "../value.js";
import { anyParam, listParam, sig, unifyArgs, type CheckResult, type FunctionDef } from "./def.js";

export function coalesce(...args: Value[]): Value {
  for (const a of args) if (a !== null) return a;
  return null;
}

/**
 * `hash(s)` of one string is the hex SHA-256 of its UTF-8 bytes, as `sha256sum` gives it.
 * Any other arguments hash the byte 0xFF and then the UTF-8 bytes of one JSON array of the
 * arguments (docs/language.md section 5, "hash"): `hash("a", 1)` is SHA-256 of `\xff["a",1]`.
 * The array is unambiguous where joined texts are not (`hash("a,b")` vs `hash("a", "b")`), and
 * 0xFF never occurs in UTF-8, so no single string hashes like an argument list. Numbers of
 * every type are written as their exact digits, so equal numbers hash alike (`hash(2)` is
 * `hash(2.00)`).
 */
export function hash(...args: Value[]): Value {
  const sha = createHash("sha256");
  if (args.length === 1 && typeof args[0] === "string") return sha.update(args[0], "utf8").digest("hex");
  return sha.update(LIST_MARK).update(hashJson(args), "utf8").digest("hex");
}

const LIST_MARK = Buffer.from([0xff]);

/** Compact JSON: numbers as plain digits, timestamps and durations as output writes them, map keys sorted, record fields in order. */
function hashJson(v: Value | bigint): string {
  if (v === null) return "null";
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? plainDigits(new Big(v)) : "null";
  if (v instanceof Big) return plainDigits(v);
  if (v instanceof Timestamp || v instanceof Duration) return JSON.stringify(toJson(v));
  if (Array.isArray(v)) return `[${v.map(hashJson).join(",")}]`;
  const entries = v instanceof Map ? [...v.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : Object.entries(v as Rec);
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${hashJson(x as Value)}`).join(",")}}`;
}

/** `-0` is `0`; big.js writes no exponent with toFixed. */
const plainDigits = (d: Big): string => (d.eq(0) ? "0" : d.toFixed());

export const otherFunctions: ReadonlyArray<FunctionDef> = [
  { name: "coalesce", signature: "coalesce(x, …) -> x", minArgs: 1, maxArgs: Infinity, check: (args) => unifyArgs("coalesce", args), impl: coalesce },
  { name: "hash", signature: "hash(x, …) -> string", minArgs: 1, maxArgs: Infinity, check: sig("hash", [anyParam], T.string, true), impl: hash },
];

const sim = (name: string, signature: string, minArgs: number, check: (args: ReadonlyArray<Type>) => CheckResult): FunctionDef => ({
  name,
  signature,
  minArgs,
  maxArgs: minArgs,
  context: "simulate",
  check,
});

export const simulateFunctions: ReadonlyArray<FunctionDef> = [
  sim("seq", "seq() -> int", 0, () => ({ ok: true, type: T.int })),
  sim("run", "run() -> int", 0, () => ({ ok: true, type: T.int })),
  sim("random_int", "random_int(lo int, hi int) -> int", 2, sig("random_int", [T.int, T.int], T.int)),
  sim(
    "random_choice",
    "random_choice(list list<T>) -> T",
    1,
    sig("random_choice", [listParam], (args) => (args[0]?.kind === "list" ? args[0].element : T.any)),
  ),
  sim("random_key", "random_key(TABLE) -> string", 1, () => ({ ok: true, type: T.string })),
  sim("chance", "chance(p number) -> bool", 1, sig("chance", [T.number], T.bool)),
];

const lax = (t: Type): boolean => t.kind === "any" || t.kind === "null";
const numeric = { describe: "a number", accepts: (t: Type) => lax(t) || isNumeric(t) };
const comparable = {
  describe: "a comparable value",
  accepts: (t: Type) => ["any", "null", "string", "int", "number", "decimal", "bool", "timestamp", "duration"].includes(t.kind),
};
const argType = (args: ReadonlyArray<Type>): Type => args[0] ?? T.any;

const agg = (name: string, signature: string, minArgs: number, maxArgs: number, check: (args: ReadonlyArray<Type>) => CheckResult): FunctionDef => ({
  name,
  signature,
  minArgs,
  maxArgs,
  context: "aggregate",
  check,
});

export const aggregateFunctions: ReadonlyArray<FunctionDef> = [
  agg("count", "count([x]) -> int", 0, 1, () => ({ ok: true, type: T.int })),
  agg("sum", "sum(x int/number/decimal) -> the type of x", 1, 1, sig("sum", [numeric], argType)),
  agg("min", "min(x) -> x", 1, 1, sig("min", [comparable], argType)),
  agg("max", "max(x) -> x", 1, 1, sig("max", [comparable], argType)),
  agg(
    "avg",
    "avg(x int/number/decimal) -> number (decimal for decimals)",
    1,
    1,
    sig("avg", [numeric], (args) => (args[0]?.kind === "decimal" ? T.decimal : args[0]?.kind === "any" ? T.any : T.number)),
  ),
  agg("first", "first(x) -> x", 1, 1, sig("first", [anyParam], argType)),
  agg("last", "last(x) -> x", 1, 1, sig("last", [anyParam], argType)),
  agg("count_distinct", "count_distinct(x) -> int", 1, 1, () => ({ ok: true, type: T.int })),
  agg("collect_set", "collect_set(x) -> list<x>", 1, 1, (args) => ({ ok: true, type: T.list(args[0] ?? T.any) })),
];
