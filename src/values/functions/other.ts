// coalesce, hash, the simulation helpers (which read the run, the position and
// the generator from the frame), and the aggregates (folded by the aggregate
// step: here for their static types and examples).
import { createHash } from "node:crypto";
import { T, isNumeric, type Type } from "../types.js";
import { toJson } from "../json.js";
import { Big, Duration, Timestamp, type Rec, type Value } from "../value.js";
import { randomChoice, randomInt, chance } from "../random.js";
import { anyParam, example, listParam, sig, unifyArgs, type CheckResult, type Example, type FrameNeed, type BuiltinDef, type FunctionDef } from "./def.js";

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

export const otherFunctions: ReadonlyArray<BuiltinDef> = [
  {
    name: "coalesce",
    signature: "coalesce(x, …) -> x",
    minArgs: 1,
    maxArgs: Infinity,
    group: "other",
    doc: "`(x, …) -> x`, the first non-null",
    examples: [example("coalesce(null, 2, 3)", "2"), example("coalesce(null, null)", "null")],
    check: (args) => unifyArgs("coalesce", args),
    choosesArgument: true,
    impl: coalesce,
  },
  {
    name: "hash",
    signature: "hash(x, …) -> string",
    minArgs: 1,
    maxArgs: Infinity,
    group: "other",
    doc: "`(x, …) -> string`, hex SHA-256 (below)",
    examples: [
      example('hash("abc")', '"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"'),
      example("hash(2)", "hash(2.00)"),
    ],
    check: sig("hash", [anyParam], T.string, true),
    impl: hash,
  },
];

const sim = (
  name: string,
  signature: string,
  doc: string,
  minArgs: number,
  needs: ReadonlyArray<FrameNeed>,
  check: (args: ReadonlyArray<Type>) => CheckResult,
  compile: NonNullable<FunctionDef["compile"]>,
  examples: ReadonlyArray<Example>,
  tableParams?: ReadonlyArray<number>,
): BuiltinDef => ({
  name,
  signature,
  minArgs,
  maxArgs: minArgs,
  context: "simulate",
  group: "simulate",
  doc,
  examples,
  needs,
  check,
  compile,
  ...(tableParams ? { tableParams } : {}),
});

export const simulateFunctions: ReadonlyArray<BuiltinDef> = [
  sim("seq", "seq() -> int", "`() -> int`, 1-based position in this run's batch", 0, ["seq"], () => ({ ok: true, type: T.int }), () => (_r, f) => f.seq, [example("seq()", "1")]),
  sim("run", "run() -> int", "`() -> int`, 1-based run number", 0, ["run"], () => ({ ok: true, type: T.int }), () => (_r, f) => f.env.run, [example("run()", "1")]),
  sim(
    "random_int",
    "random_int(lo int, hi int) -> int",
    "`(lo int, hi int) -> int`, inclusive",
    2,
    ["random"],
    sig("random_int", [T.int, T.int], T.int),
    ([lo, hi]) => (r, f) => {
      const a = lo!(r, f);
      const b = hi!(r, f);
      return typeof a === "number" && typeof b === "number" ? randomInt(f.random, a, b) : null;
    },
    [example("random_int(7, 7)", "7"), example("random_int(1, 6) between 1 and 6", "true")],
  ),
  sim(
    "random_choice",
    "random_choice(list list<T>) -> T",
    "`(list list<T>) -> T`",
    1,
    ["random"],
    sig("random_choice", [listParam], (args) => (args[0]?.kind === "list" ? args[0].element : T.any)),
    ([list]) => (r, f) => {
      const l = list!(r, f);
      return Array.isArray(l) ? randomChoice(f.random, l as ReadonlyArray<Value>) : null;
    },
    [example('random_choice(["eu"])', '"eu"'), example("random_choice([])", "null")],
  ),
  sim(
    "random_key",
    "random_key(TABLE) -> string",
    "`(TABLE) -> string`, a key of the table",
    1,
    ["random", "tables"],
    () => ({ ok: true, type: T.string }),
    (_args, site) => {
      const table = site.tables.get(0) ?? "";
      return (_r, f) => {
        const keys = f.env.tables.get(table)?.keyList ?? [];
        return keys.length ? randomChoice(f.random, keys) : null;
      };
    },
    // The examples' table `plans` has the one key "basic".
    [example("random_key(plans)", '"basic"')],
    [0],
  ),
  sim(
    "chance",
    "chance(p number) -> bool",
    "`(p number) -> bool`, true with probability `p`",
    1,
    ["random"],
    sig("chance", [T.number], T.bool),
    ([p]) => (r, f) => {
      const x = p!(r, f);
      return typeof x === "number" ? chance(f.random, x) : x instanceof Big ? chance(f.random, Number(x)) : null;
    },
    [example("chance(1)", "true"), example("chance(0)", "false")],
  ),
];

const lax = (t: Type): boolean => t.kind === "any" || t.kind === "null";
const numeric = { describe: "a number", accepts: (t: Type) => lax(t) || isNumeric(t) };
const comparable = {
  describe: "a comparable value",
  accepts: (t: Type) => ["any", "null", "string", "int", "number", "decimal", "bool", "timestamp", "duration"].includes(t.kind),
};
const argType = (args: ReadonlyArray<Type>): Type => args[0] ?? T.any;

const agg = (
  name: string,
  signature: string,
  doc: string,
  minArgs: number,
  maxArgs: number,
  check: (args: ReadonlyArray<Type>) => CheckResult,
  examples: ReadonlyArray<Example>,
): BuiltinDef => ({
  name,
  signature,
  minArgs,
  maxArgs,
  context: "aggregate",
  group: "aggregate",
  doc,
  examples,
  check,
});

export const aggregateFunctions: ReadonlyArray<BuiltinDef> = [
  agg("count", "count([x]) -> int", "`() -> int` records; `(x) -> int` non-null values", 0, 1, () => ({ ok: true, type: T.int }), [
    example("count()", "3", "[1, null, 3]"),
    example("count(x)", "2", "[1, null, 3]"),
  ]),
  agg(
    "sum",
    "sum(x int/number/decimal) -> the type of x",
    "`(x N) -> N` (a sum of ints is exact; null when the total is outside 64 bits)",
    1,
    1,
    sig("sum", [numeric], argType),
    [example("sum(x)", "6", "[1, 2, 3]"), example("sum(x)", "0.30", "[0.10, 0.20]")],
  ),
  agg(
    "avg",
    "avg(x int/number/decimal) -> decimal (number for numbers)",
    "`(x N) -> decimal` (exact, as `/`; `number` for a number)",
    1,
    1,
    sig("avg", [numeric], (args) => (args[0]?.kind === "number" ? T.number : args[0]?.kind === "any" ? T.any : T.decimal)),
    [example("avg(x)", "1.5", "[1, 2]")],
  ),
  agg("min", "min(x) -> x", "`(x) -> x`, for ordered types", 1, 1, sig("min", [comparable], argType), [example("min(x)", '"a"', '["b", "a", "c"]')]),
  agg("max", "max(x) -> x", "`(x) -> x`, for ordered types", 1, 1, sig("max", [comparable], argType), [example("max(x)", "3", "[1, 3, 2]")]),
  agg("first", "first(x) -> x", "`(x) -> x`, in arrival order", 1, 1, sig("first", [anyParam], argType), [example("first(x)", "1", "[1, 2, 3]")]),
  agg("last", "last(x) -> x", "`(x) -> x`, in arrival order", 1, 1, sig("last", [anyParam], argType), [example("last(x)", "3", "[1, 2, 3]")]),
  agg("count_distinct", "count_distinct(x) -> int", "`(x) -> int`", 1, 1, () => ({ ok: true, type: T.int }), [example("count_distinct(x)", "2", '["a", "b", "a"]')]),
  agg("collect_set", "collect_set(x) -> list<x>", "`(x) -> list<x>`, distinct values", 1, 1, (args) => ({ ok: true, type: T.list(args[0] ?? T.any) }), [
    example("collect_set(x)", '["a", "b"]', '["a", "b", "a"]'),
  ]),
];
