// Aggregate accumulators. Accumulators are small mutable objects (add may
// mutate in place); encode/decode give JSON that round-trips exactly, for
// sessions kept in the state file. Nulls are skipped everywhere: count(x)
// counts non-null values, count() counts records, and an aggregate that saw no
// value (sum, min, avg, first, …) is null.
import Big from "big.js";
import { decodeValue, encodeValue, ValueDecodeError } from "./json.js";
import type { Type } from "./types.js";
import { compareValues, groupKey, type Value } from "./value.js";

export interface Aggregate<Acc = any> {
  readonly name: string;
  create(): Acc;
  add(acc: Acc, value: Value): Acc;
  result(acc: Acc): Value;
  encode(acc: Acc): unknown;
  decode(json: unknown): Acc;
}

function bad(name: string): never {
  throw new ValueDecodeError(`bad ${name} accumulator`);
}
const isObj = (j: unknown): j is Record<string, unknown> => typeof j === "object" && j !== null && !Array.isArray(j);

const count0: Aggregate<{ n: number }> = {
  name: "count",
  create: () => ({ n: 0 }),
  add: (acc) => (acc.n++, acc),
  result: (acc) => acc.n,
  encode: (acc) => acc.n,
  decode: (j) => (Number.isSafeInteger(j) && (j as number) >= 0 ? { n: j as number } : bad("count")),
};

const count1: Aggregate<{ n: number }> = {
  ...count0,
  add: (acc, v) => (v !== null && acc.n++, acc),
};

/** A running sum: plain numbers until a decimal arrives (or the type is decimal), then exact. */
interface Sum {
  seen: boolean;
  n: number;
  d: Big | null;
}

function sumAdd(acc: Sum, v: Value, asNumber: boolean): void {
  if (typeof v === "number") {
    if (acc.d) {
      if (Number.isFinite(v)) acc.d = acc.d.plus(v);
    } else acc.n += v;
  } else if (v instanceof Big) {
    if (asNumber) acc.n += Number(v.toString());
    else acc.d = (acc.d ?? (Number.isFinite(acc.n) ? new Big(acc.n) : new Big(0))).plus(v);
  } else return;
  acc.seen = true;
}

const encodeSum = (s: Sum) => ({ seen: s.seen, n: encodeValue(s.n), d: s.d ? s.d.toFixed() : null });
function decodeSum(j: unknown, name: string): Sum {
  if (!isObj(j) || typeof j.seen !== "boolean") bad(name);
  const n = decodeValue(j.n);
  if (typeof n !== "number") bad(name);
  const d = j.d === null ? null : typeof j.d === "string" && /^-?\d+(\.\d+)?$/.test(j.d) ? new Big(j.d) : bad(name);
  return { seen: j.seen, n, d };
}

function sum(type: Type | undefined): Aggregate<Sum> {
  const decimal = type?.kind === "decimal";
  const asNumber = type?.kind === "number";
  return {
    name: "sum",
    create: () => ({ seen: false, n: 0, d: decimal ? new Big(0) : null }),
    add: (acc, v) => (sumAdd(acc, v, asNumber), acc),
    result: (acc) => (!acc.seen ? null : acc.d ? acc.d : Number.isFinite(acc.n) ? acc.n : null),
    encode: encodeSum,
    decode: (j) => decodeSum(j, "sum"),
  };
}

function avg(type: Type | undefined): Aggregate<Sum & { count: number }> {
  const decimal = type?.kind === "decimal";
  const asNumber = type?.kind === "number" || type?.kind === "int";
  return {
    name: "avg",
    create: () => ({ seen: false, n: 0, d: decimal ? new Big(0) : null, count: 0 }),
    add: (acc, v) => {
      if (v !== null && (typeof v === "number" || v instanceof Big)) {
        sumAdd(acc, v, asNumber);
        acc.count++;
      }
      return acc;
    },
    // Decimal averages divide with big.js's 20 decimal places.
    result: (acc) => (acc.count === 0 ? null : acc.d ? acc.d.div(acc.count) : Number.isFinite(acc.n / acc.count) ? acc.n / acc.count : null),
    encode: (acc) => ({ ...encodeSum(acc), count: acc.count }),
    decode: (j) => {
      const s = decodeSum(j, "avg");
      const c = (j as Record<string, unknown>).count;
      return Number.isSafeInteger(c) ? { ...s, count: c as number } : bad("avg");
    },
  };
}

/** Holds one value chosen by `keep(current, next)`. */
function single(name: string, keep: (current: Value, next: Value) => boolean): Aggregate<{ v: Value }> {
  return {
    name,
    create: () => ({ v: null }),
    add: (acc, v) => {
      if (v !== null && (acc.v === null || keep(acc.v, v))) acc.v = v;
      return acc;
    },
    result: (acc) => acc.v,
    encode: (acc) => encodeValue(acc.v),
    decode: (j) => ({ v: decodeValue(j) }),
  };
}

const countDistinct: Aggregate<Set<string>> = {
  name: "count_distinct",
  create: () => new Set(),
  add: (acc, v) => (v !== null && acc.add(groupKey([v])), acc),
  result: (acc) => acc.size,
  encode: (acc) => [...acc],
  decode: (j) => (Array.isArray(j) && j.every((k) => typeof k === "string") ? new Set(j as string[]) : bad("count_distinct")),
};

const collectSet: Aggregate<Map<string, Value>> = {
  name: "collect_set",
  create: () => new Map(),
  add: (acc, v) => {
    if (v !== null) {
      const k = groupKey([v]);
      if (!acc.has(k)) acc.set(k, v);
    }
    return acc;
  },
  result: (acc) => [...acc.values()],
  encode: (acc) => [...acc.values()].map(encodeValue),
  decode: (j) => {
    if (!Array.isArray(j)) bad("collect_set");
    const m = new Map<string, Value>();
    for (const x of j) {
      const v = decodeValue(x);
      m.set(groupKey([v]), v);
    }
    return m;
  },
};

/**
 * The aggregate `name` called with `argCount` arguments (count() is 0, every
 * other is 1); `argType` is the argument's static type (sum of decimal sums
 * exactly from the start; avg of int or number is a number). Undefined for an
 * unknown name or arity.
 */
export function aggregateFor(name: string, argCount: number, argType?: Type): Aggregate | undefined {
  if (name === "count") return argCount === 0 ? count0 : argCount === 1 ? count1 : undefined;
  if (argCount !== 1) return undefined;
  switch (name) {
    case "sum":
      return sum(argType);
    case "avg":
      return avg(argType);
    case "min":
      return single("min", (cur, next) => (compareValues(next, cur) ?? 0) < 0);
    case "max":
      return single("max", (cur, next) => (compareValues(next, cur) ?? 0) > 0);
    case "first":
      return single("first", () => false);
    case "last":
      return single("last", () => true);
    case "count_distinct":
      return countDistinct;
    case "collect_set":
      return collectSet;
    default:
      return undefined;
  }
}
