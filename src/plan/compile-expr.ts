// Compiles a checked expression once into a closure; no AST is walked per
// record and no user text is ever evaluated as code.
import type * as A from "../syntax/ast.js";
import type { CheckedStream } from "../check/checked.js";
import { compare, compileBinary, negate, widenTo } from "../values/ops.js";
import { compileRegex } from "../values/regex.js";
import { T, type Type } from "../values/types.js";
import Big from "big.js";
import { compileCall as compileFunctionCall } from "../values/functions/registry.js";
import { Duration, compareValues, isMap, isRecord, setField, valueEquals, type Value } from "../values/value.js";
import type { Fn, Frame, RunEnv, TableData } from "./env.js";
import { generated } from "../values/record-maker.js";
import { perSite, siteFactory } from "../values/per-site.js";
import { exprSource } from "./expr-source.js";

export interface CompileScope {
  readonly checked: CheckedStream;
  /** Slot of each local (`let`, earlier assignment, `for each` variable) by name. */
  readonly locals: ReadonlyMap<string, number>;
  /** In an aggregate field's result: each aggregate call reads its result from this frame slot. */
  readonly aggregateSlots?: ReadonlyMap<A.Call, number>;
}

const hasOwn = Object.prototype.hasOwnProperty;
const NULL_FN: Fn = () => null;

/** A field of a record of unknown shape (table rows, nested values), safe for names like `constructor`. */
export function readField(v: Value, name: string): Value {
  if (isRecord(v)) return hasOwn.call(v, name) ? ((v as Record<string, Value>)[name] ?? null) : null;
  if (isMap(v)) return v.get(name) ?? null;
  return null;
}

/**
 * A read of one named field, generated per read (the name only as a JSON string
 * literal): one closure for every field read sees every record shape and name
 * at one property load, which V8 then looks up the slow way; a function of its
 * own keeps the load to the few shapes of its own records. `__proto__` (a read
 * would give the prototype) and a strict content security policy keep the closure.
 */
function fieldRead(name: string): Fn {
  const fn = name === "__proto__" ? undefined : generated<Fn>([name], ["r"], `const v = r[${JSON.stringify(name)}];\nreturn v === undefined ? null : v;`);
  return (
    fn ??
    ((r) => {
      const v = (r as Record<string, Value | undefined>)[name];
      return v === undefined ? null : v;
    })
  );
}

/**
 * The closures of expression nodes. Where code can be generated, an expression's tree
 * is one function (expr-source.ts) and only the nodes its text does not cover come here
 * (calls, lists, records, `between`, multi-key look-ups, `__proto__` reads); the others'
 * closures below run only where code cannot be generated, and then a copy per node
 * (values/per-site.ts) could not be made either. The two factories still copied per
 * node serve nodes that stay closures with code generation on.
 */
type Apply = (v: Value) => Value;
const applied = siteFactory((fn: Apply, x: Fn): Fn => (r, f) => fn(x(r, f)));
const lookedUpAll = siteFactory((table: (f: Frame) => TableData | undefined, keys: ReadonlyArray<Fn>): Fn => (r, f) => table(f)?.lookup(keys.map((k) => k(r, f))) ?? null);
const ordered = (op: "<" | "<=" | ">" | ">=", left: Fn, right: Fn): Fn => {
  switch (op) {
    case "<":
      return (r, f) => (compareValues(left(r, f), right(r, f)) ?? NaN) < 0;
    case "<=":
      return (r, f) => (compareValues(left(r, f), right(r, f)) ?? NaN) <= 0;
    case ">":
      return (r, f) => (compareValues(left(r, f), right(r, f)) ?? NaN) > 0;
    case ">=":
      return (r, f) => (compareValues(left(r, f), right(r, f)) ?? NaN) >= 0;
  }
};

/** A table by name, looked up once per runner (its tables Map stays the same from run to run). */
function tableOf(name: string): (f: Frame) => TableData | undefined {
  let tables: RunEnv["tables"] | undefined;
  let table: TableData | undefined;
  return (f) => {
    if (f.env.tables !== tables) {
      tables = f.env.tables;
      table = tables.get(name);
    }
    return table;
  };
}

/**
 * The expression as one generated function where its nodes allow it (expr-source.ts),
 * else as a closure per node.
 */
export function compileExpr(e: A.Expr, scope: CompileScope): Fn {
  return exprSource(e, { scope, closure: (x) => compileClosure(x, scope), tableOf, readField }) ?? compileClosure(e, scope);
}

/** The expression as a closure per node (its children each as compileExpr makes them). */
function compileClosure(e: A.Expr, scope: CompileScope): Fn {
  const typeOf = (x: A.Expr): Type => scope.checked.types.get(x) ?? T.any;
  const c = (x: A.Expr): Fn => compileExpr(x, scope);
  switch (e.kind) {
    case "StringLit":
    case "IntLit":
    case "BoolLit": {
      const v = e.value;
      return () => v;
    }
    case "NullLit":
    case "ErrorExpr":
      return NULL_FN;
    case "DecimalLit": {
      const v = decimalOf(e.text);
      return () => v;
    }
    case "DurationLit": {
      const v = durationOf(e.ms);
      return () => v;
    }
    case "ListLit": {
      const items = e.items.map(c);
      return (r, f) => items.map((i) => i(r, f));
    }
    case "RecordLit": {
      const fields = e.fields.map((x) => [x.name.name, c(x.value)] as const);
      return (r, f) => {
        const out: Record<string, Value> = {};
        for (const [name, fn] of fields) setField(out, name, fn(r, f));
        return out;
      };
    }
    case "NameRef":
    case "Member": {
      const res = scope.checked.refs.get(e);
      if (res) return compileRef(res, scope);
      if (e.kind === "NameRef") return NULL_FN;
      const obj = c(e.object);
      const name = e.field.name;
      // A value the checker typed as a record is a record or null: no need to rule out the other kinds.
      if (typeOf(e.object).kind === "record")
        return (r, f) => {
          const o = obj(r, f);
          return typeof o === "object" && o !== null && hasOwn.call(o, name) ? ((o as Record<string, Value>)[name] ?? null) : null;
        };
      return (r, f) => readField(obj(r, f), name);
    }
    case "Index": {
      const keys = e.keys.map(c);
      const res = scope.checked.refs.get(e.object);
      if (res?.kind === "table") {
        const name = res.name;
        const table = tableOf(name);
        if (keys.length === 1) {
          const k = keys[0]!;
          return (r, f) => table(f)?.lookup1(k(r, f)) ?? null;
        }
        return perSite(lookedUpAll)(table, keys);
      }
      const obj = c(e.object);
      const k = keys[0] ?? NULL_FN;
      return (r, f) => {
        const o = obj(r, f);
        const key = k(r, f);
        if (Array.isArray(o)) return typeof key === "number" && Number.isInteger(key) ? (o[key < 0 ? o.length + key : key] ?? null) : null;
        if (isMap(o)) return typeof key === "string" ? (o.get(key) ?? null) : null;
        return null;
      };
    }
    case "Call":
      return compileCall(e, scope, c, typeOf);
    case "Unary": {
      const operand = c(e.operand);
      if (e.op === "not") return (r, f) => operand(r, f) !== true;
      return (r, f) => negate(operand(r, f));
    }
    case "Binary":
      return compileBinaryExpr(e, scope, c, typeOf);
    case "Matches": {
      const subject = c(e.subject);
      const re = e.pattern.kind === "StringLit" ? compileRegex(e.pattern.value) : undefined;
      if (!re || !re.ok) return () => false;
      const test = re.test;
      return (r, f) => {
        const s = subject(r, f);
        return typeof s === "string" && test(s);
      };
    }
    case "Between": {
      const v = c(e.value);
      const lo = c(e.low);
      const hi = c(e.high);
      return (r, f) => {
        const x = v(r, f);
        return compare(">=", x, lo(r, f)) && compare("<=", x, hi(r, f));
      };
    }
    case "If": {
      const cond = c(e.cond);
      const then = widened(c(e.then), typeOf(e), typeOf(e.then));
      const otherwise = widened(c(e.otherwise), typeOf(e), typeOf(e.otherwise));
      return (r, f) => (cond(r, f) === true ? then(r, f) : otherwise(r, f));
    }
  }
}

/** `fn`, its value widened to the type its `??`, `if` or chosen argument was given (decimal ?? number is a number). */
function widened(fn: Fn, to: Type, from: Type): Fn {
  const widen = widenTo(to, from);
  return widen ? perSite(applied)(widen, fn) : fn;
}

function compileRef(res: NonNullable<ReturnType<CheckedStream["refs"]["get"]>>, scope: CompileScope): Fn {
  const name = res.name;
  switch (res.kind) {
    case "field":
      return fieldRead(name);
    case "local": {
      const slot = scope.locals.get(name);
      if (slot === undefined) return NULL_FN;
      return (_r, f) => f.locals[slot] ?? null;
    }
    case "const":
      return (_r, f) => f.env.consts[name] ?? null;
    case "param":
      return (_r, f) => f.env.params[name] ?? null;
    case "table":
      return NULL_FN;
  }
}

function compileBinaryExpr(e: A.Binary, scope: CompileScope, c: (x: A.Expr) => Fn, typeOf: (x: A.Expr) => Type): Fn {
  const left = c(e.left);
  if (e.op === "in") {
    const res = scope.checked.refs.get(e.right);
    if (res?.kind === "table") {
      const table = tableOf(res.name);
      return (r, f) => {
        const v = left(r, f);
        return v !== null && (table(f)?.lookup1(v) ?? null) !== null;
      };
    }
    const right = c(e.right);
    return (r, f) => {
      const v = left(r, f);
      const coll = right(r, f);
      if (v === null) return false;
      if (Array.isArray(coll)) return coll.some((x: Value) => valueEquals(x, v));
      if (isMap(coll)) return typeof v === "string" && coll.has(v);
      return false;
    };
  }
  const right = c(e.right);
  switch (e.op) {
    case "??": {
      const type = typeOf(e);
      const l = widened(left, type, typeOf(e.left));
      const rr = widened(right, type, typeOf(e.right));
      return (r, f) => {
        const v = l(r, f);
        return v === null ? rr(r, f) : v;
      };
    }
    case "and":
      return (r, f) => left(r, f) === true && right(r, f) === true;
    case "or":
      return (r, f) => left(r, f) === true || right(r, f) === true;
    case "==":
    case "!=":
    {
      const op = e.op;
      return (r, f) => compare(op, left(r, f), right(r, f));
    }
    // Orderings are chosen here, once, rather than by operator on every record.
    case "<":
    case "<=":
    case ">":
    case ">=":
      return ordered(e.op, left, right);
    default: {
      const kernel = compileBinary(e.op, typeOf(e.left), typeOf(e.right));
      return (r, f) => kernel(left(r, f), right(r, f));
    }
  }
}

function compileCall(e: A.Call, scope: CompileScope, c: (x: A.Expr) => Fn, typeOf: (x: A.Expr) => Type): Fn {
  const slot = scope.aggregateSlots?.get(e);
  if (slot !== undefined) return (_r, f) => f.locals[slot] ?? null;
  const def = scope.checked.functions.get(e.callee.name);
  if (!def) return NULL_FN;
  const tables = new Map<number, string>();
  for (const i of def.tableParams ?? []) {
    const res = e.args[i] && scope.checked.refs.get(e.args[i]!);
    if (res?.kind === "table") tables.set(i, res.name);
  }
  const args = e.args.map((a, i) => (tables.has(i) ? NULL_FN : def.choosesArgument ? widened(c(a), typeOf(e), typeOf(a)) : c(a)));
  return compileFunctionCall(def, args, { tables }) ?? NULL_FN;
}

// Literal values, built once.
const decimalOf = (text: string): Value => {
  try {
    return new Big(text.replace(/_/g, ""));
  } catch {
    return null;
  }
};
const durationOf = (ms: number): Value => new Duration(ms);
