// coalesce, hash, and the functions the expression compiler implements itself
// (simulation helpers and aggregates): here only for their static types.
import { createHash } from "node:crypto";
import { T, isNumeric, type Type } from "../types.js";
import type { Value } from "../value.js";
import { groupKey } from "../keys.js";
import { anyParam, listParam, sig, unifyArgs, type CheckResult, type FunctionDef } from "./def.js";

export function coalesce(...args: Value[]): Value {
  for (const a of args) if (a !== null) return a;
  return null;
}

/** Hex SHA-256 of the canonical encoding of the arguments (the one `groupKey` uses), so equal values hash alike. */
export function hash(...args: Value[]): Value {
  return createHash("sha256").update(groupKey(args), "utf8").digest("hex");
}

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
