// Aggregate accumulators. Accumulators are plain values or small mutable
// objects (add may mutate one in place; callers keep what add returns);
// encode/decode give JSON that round-trips exactly, for sessions kept in the
// state file. Nulls are skipped everywhere: count(x)
// counts non-null values, count() counts records, and an aggregate that saw no
// value (sum, min, avg, first, …) is null.
import Big from "big.js";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { decodeValue, encodeValue } from "./json.js";
import type { Type } from "./types.js";
import { DECIMAL_MAX_EXPONENT, Timestamp, compareValues, intOf, scaleOf, withScale, type Value } from "./value.js";
import { groupKey } from "./keys.js";

export interface Aggregate<Acc = any> {
  readonly name: string;
  create(): Acc;
  add(acc: Acc, value: Value): Acc;
  result(acc: Acc): Value;
  /**
   * `other` folded into `acc` (two session windows that a record joins become one):
   * the result is as if `acc`'s values had been added, then `other`'s.
   */
  merge(acc: Acc, other: Acc): Acc;
  encode(acc: Acc): unknown;
  /** An encoded accumulator back, or Left with the reason (a damaged state file). */
  decode(json: unknown): Either<string, Acc>;
}

const bad = (name: string): Either<string, never> => left(`bad ${name} accumulator`);
const isObj = (j: unknown): j is Record<string, unknown> => typeof j === "object" && j !== null && !Array.isArray(j);

// count, min, max, first and last keep their accumulator as a plain value (the
// count, or the value held) rather than an object around it: a high-cardinality
// aggregate holds one per session and drill-down key, and `add` hands it back.
const count0: Aggregate<number> = {
  name: "count",
  create: () => 0,
  add: (n) => n + 1,
  result: (n) => n,
  merge: (n, other) => n + other,
  encode: (n) => n,
  decode: (j) => (Number.isSafeInteger(j) && (j as number) >= 0 ? right(j as number) : bad("count")),
};

const count1: Aggregate<number> = {
  ...count0,
  add: (n, v) => (v !== null ? n + 1 : n),
};

/**
 * A running sum: plain numbers until a decimal arrives (or the type is
 * decimal), then exact. A sum of ints is exact: a number while it is a safe
 * integer, then a bigint (`i`, unbounded while summing, so an intermediate
 * overflow that later sums cancel does no harm); a final sum outside 64 bits is null.
 */
interface Sum {
  seen: boolean;
  n: number;
  i: bigint | null;
  d: Big | null;
  /** The largest fixed scale among the decimals summed (value.ts, SCALES): the sum is written with it. */
  p?: number;
}

function sumAdd(acc: Sum, v: Value, asNumber: boolean): void {
  if (typeof v === "number") {
    if (acc.d) {
      if (Number.isFinite(v)) acc.d = acc.d.plus(v);
    } else if (acc.i !== null && Number.isInteger(v)) acc.i += BigInt(v);
    else {
      const r = acc.n + v;
      // Past 2^53 a double sum of integers loses digits: go on in bigints.
      if (acc.i === null && !asNumber && !Number.isSafeInteger(r) && Number.isSafeInteger(acc.n) && Number.isSafeInteger(v)) {
        acc.i = BigInt(acc.n) + BigInt(v);
        acc.n = 0;
      } else acc.n = r;
    }
  } else if (typeof v === "bigint") {
    if (acc.d) acc.d = acc.d.plus(new Big(v.toString()));
    else if (asNumber) acc.n += Number(v);
    else if (acc.i !== null) acc.i += v;
    else if (Number.isSafeInteger(acc.n)) {
      acc.i = BigInt(acc.n) + v;
      acc.n = 0;
    } else acc.n += Number(v);
  } else if (v instanceof Big) {
    if (asNumber) acc.n += Number(v.toString());
    else {
      let base = acc.d ?? (Number.isFinite(acc.n) ? new Big(acc.n) : new Big(0));
      if (acc.i !== null) base = base.plus(new Big(acc.i.toString()));
      acc.d = base.plus(v);
      acc.i = null;
      const vp = scaleOf(v);
      if (vp !== undefined) acc.p = Math.max(acc.p ?? 0, vp);
    }
  } else return;
  acc.seen = true;
}

/** Adds what another sum has seen: its exact parts as they are kept (a decimal absorbs the number part; see sumAdd). */
function sumMerge(acc: Sum, other: Sum, asNumber: boolean): void {
  if (!other.seen) return;
  if (other.d) sumAdd(acc, other.d, asNumber);
  else {
    if (other.i !== null) sumAdd(acc, other.i, asNumber);
    sumAdd(acc, other.n, asNumber);
  }
  acc.seen = true;
}

/** The sum so far: a decimal, an exact int (null past 64 bits), or a number. */
function sumValue(acc: Sum): Value {
  if (acc.d) return acc.p === undefined ? acc.d : withScale(acc.d, acc.p);
  if (acc.i !== null) return acc.n === 0 ? intOf(acc.i) : Number.isFinite(acc.n + Number(acc.i)) ? acc.n + Number(acc.i) : null;
  return Number.isFinite(acc.n) ? acc.n : null;
}

const encodeSum = (s: Sum) => ({ seen: s.seen, n: encodeValue(s.n), d: s.d ? s.d.toFixed() : null, ...(s.i === null ? {} : { i: s.i.toString() }), ...(s.p === undefined ? {} : { p: s.p }) });
function decodeSum(j: unknown, name: string): Either<string, Sum> {
  if (!isObj(j) || typeof j.seen !== "boolean") return bad(name);
  const n = decodeValue(j.n);
  if (isLeft(n) || typeof n.right !== "number") return bad(name);
  if (j.d !== null && !(typeof j.d === "string" && /^-?\d+(\.\d+)?$/.test(j.d))) return bad(name);
  if (j.i !== undefined && !(typeof j.i === "string" && /^-?\d+$/.test(j.i))) return bad(name);
  if (j.p !== undefined && !(Number.isInteger(j.p) && (j.p as number) >= 0 && (j.p as number) <= DECIMAL_MAX_EXPONENT)) return bad(name);
  return right({ seen: j.seen, n: n.right, i: j.i === undefined ? null : BigInt(j.i as string), d: j.d === null ? null : new Big(j.d as string), ...(j.p === undefined ? {} : { p: j.p as number }) });
}

function sum(type: Type | undefined): Aggregate<Sum> {
  const decimal = type?.kind === "decimal";
  const asNumber = type?.kind === "number";
  return {
    name: "sum",
    create: () => ({ seen: false, n: 0, i: null, d: decimal ? new Big(0) : null }),
    add: (acc, v) => (sumAdd(acc, v, asNumber), acc),
    merge: (acc, other) => (sumMerge(acc, other, asNumber), acc),
    result: (acc) => (!acc.seen ? null : sumValue(acc)),
    encode: encodeSum,
    decode: (j) => decodeSum(j, "sum"),
  };
}

function avg(type: Type | undefined): Aggregate<Sum & { count: number }> {
  const decimal = type?.kind === "decimal";
  const ints = type?.kind === "int";
  const asNumber = type?.kind === "number";
  return {
    name: "avg",
    create: () => ({ seen: false, n: 0, i: null, d: decimal ? new Big(0) : null, count: 0 }),
    add: (acc, v) => {
      if (v !== null && (typeof v === "number" || typeof v === "bigint" || v instanceof Big)) {
        sumAdd(acc, v, asNumber);
        acc.count++;
      }
      return acc;
    },
    merge: (acc, other) => {
      sumMerge(acc, other, asNumber);
      acc.count += other.count;
      return acc;
    },
    // Decimal averages divide with big.js's 20 decimal places.
    result: (acc) => {
      if (acc.count === 0) return null;
      if (acc.d) return acc.d.div(acc.count);
      // Ints sum exactly and divide as decimals: an average of money in cents stays exact.
      if (ints) {
        const total = sumValue(acc);
        return total === null ? null : new Big(String(total)).div(acc.count);
      }
      const total = acc.i !== null ? acc.n + Number(acc.i) : acc.n;
      return Number.isFinite(total / acc.count) ? total / acc.count : null;
    },
    encode: (acc) => ({ ...encodeSum(acc), count: acc.count }),
    decode: (j) => {
      const s = decodeSum(j, "avg");
      if (isLeft(s)) return s;
      const c = (j as Record<string, unknown>).count;
      return Number.isSafeInteger(c) ? right({ ...s.right, count: c as number }) : bad("avg");
    },
  };
}

/** Holds one value chosen by `keep(current, next)` (null until a value comes). */
/** An aggregate that holds one of its values, the one `add` keeps (nulls are skipped). */
function single(name: string, add: (cur: Value, v: Value) => Value): Aggregate<Value> {
  return {
    name,
    create: () => null,
    add,
    result: (v) => v,
    merge: add,
    encode: (v) => encodeValue(v),
    decode: (j) => decodeValue(j),
  };
}

// Each with an add of its own, not one add calling a `keep` (whose call would see every such
// aggregate's); min and max compare event times, their usual argument, by their instants.
const MIN = single("min", (cur, v) => (v === null ? cur : cur === null ? v : v instanceof Timestamp && cur instanceof Timestamp ? (v.ms < cur.ms ? v : cur) : (compareValues(v, cur) ?? 0) < 0 ? v : cur));
const MAX = single("max", (cur, v) => (v === null ? cur : cur === null ? v : v instanceof Timestamp && cur instanceof Timestamp ? (v.ms > cur.ms ? v : cur) : (compareValues(v, cur) ?? 0) > 0 ? v : cur));
const FIRST = single("first", (cur, v) => (cur === null ? v : cur));
const LAST = single("last", (cur, v) => (v === null ? cur : v));

const countDistinct: Aggregate<Set<string>> = {
  name: "count_distinct",
  create: () => new Set(),
  add: (acc, v) => (v !== null && acc.add(groupKey([v])), acc),
  result: (acc) => acc.size,
  merge: (acc, other) => {
    for (const k of other) acc.add(k);
    return acc;
  },
  encode: (acc) => [...acc],
  decode: (j) => (Array.isArray(j) && j.every((k) => typeof k === "string") ? right(new Set(j as string[])) : bad("count_distinct")),
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
  merge: (acc, other) => {
    for (const [k, v] of other) if (!acc.has(k)) acc.set(k, v);
    return acc;
  },
  encode: (acc) => [...acc.values()].map(encodeValue),
  decode: (j) => {
    if (!Array.isArray(j)) return bad("collect_set");
    const m = new Map<string, Value>();
    for (const x of j) {
      const v = decodeValue(x);
      if (isLeft(v)) return v;
      m.set(groupKey([v.right]), v.right);
    }
    return right(m);
  },
};

/**
 * The aggregate `name` called with `argCount` arguments (count() is 0, every
 * other is 1); `argType` is the argument's static type (sum of decimal sums
 * exactly from the start; avg of a number is a number, of an int or a decimal a decimal). Undefined for an
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
      return MIN;
    case "max":
      return MAX;
    case "first":
      return FIRST;
    case "last":
      return LAST;
    case "count_distinct":
      return countDistinct;
    case "collect_set":
      return collectSet;
    default:
      return undefined;
  }
}
