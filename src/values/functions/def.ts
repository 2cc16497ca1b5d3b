// The shape of a built-in function and helpers to state its static signature.
import { T, assignable, isNumeric, typeToString, unify, type Type } from "../types.js";
import type { Value } from "../value.js";
import { message, type Message } from "../../diagnostics/codes.js";

export type CheckResult = { readonly ok: true; readonly type: Type } | { readonly ok: false; readonly message: Message; readonly arg?: number };

export interface FunctionDef {
  readonly name: string;
  /** For messages: "substr(s string, start int[, len int]) -> string". */
  readonly signature: string;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  /** Only allowed in this context. */
  readonly context?: "simulate" | "aggregate";
  /** Static typing: the result type, or an error naming the bad argument. */
  readonly check: (args: ReadonlyArray<Type>) => CheckResult;
  /** Undefined for functions the expression compiler implements itself (now, seq, run, random_*, chance, aggregates). */
  readonly impl?: (...args: Value[]) => Value;
}

/** A parameter: a type (int also fits number/decimal) or a predicate with its description. */
export type Param = Type | { readonly describe: string; readonly accepts: (t: Type) => boolean };

const lax = (t: Type): boolean => t.kind === "any" || t.kind === "null";

export const numericParam: Param = { describe: "a number", accepts: (t) => lax(t) || isNumeric(t) };
export const anyParam: Param = { describe: "any value", accepts: () => true };
export const scalarParam: Param = {
  describe: "a scalar",
  accepts: (t) => t.kind !== "list" && t.kind !== "map" && t.kind !== "record",
};
export const listParam: Param = { describe: "a list", accepts: (t) => lax(t) || t.kind === "list" };

function accepts(p: Param, t: Type): boolean {
  return "accepts" in p ? p.accepts(t) : assignable(t, p);
}
const describe = (p: Param): string => ("accepts" in p ? p.describe : typeToString(p));

/** Checks arguments against parameters (the last one repeating when `variadic`). */
export function checkArgs(name: string, params: ReadonlyArray<Param>, args: ReadonlyArray<Type>, variadic = false): CheckResult | undefined {
  for (let i = 0; i < args.length; i++) {
    const p = params[Math.min(i, params.length - 1)];
    if (p === undefined || (!variadic && i >= params.length)) continue;
    if (!accepts(p, args[i]!)) {
      return { ok: false, message: message("E2002.argument", { index: i + 1, name, expected: describe(p), type: typeToString(args[i]!) }), arg: i };
    }
  }
  return undefined;
}

/** A check for fixed parameter types and a result type (or a function of the arguments). */
export function sig(name: string, params: ReadonlyArray<Param>, result: Type | ((args: ReadonlyArray<Type>) => Type | CheckResult), variadic = false) {
  return (args: ReadonlyArray<Type>): CheckResult => {
    const bad = checkArgs(name, params, args, variadic);
    if (bad) return bad;
    const r = typeof result === "function" ? result(args) : result;
    return "ok" in r ? r : { ok: true, type: r };
  };
}

/** The common type of the arguments (greatest, least, coalesce), or an error. */
export function unifyArgs(name: string, args: ReadonlyArray<Type>): CheckResult {
  let t: Type = T.null;
  for (let i = 0; i < args.length; i++) {
    const u = unify(t, args[i]!);
    if (!u) return { ok: false, message: message("E2002.sameType", { name, left: typeToString(t), right: typeToString(args[i]!) }), arg: i };
    t = u;
  }
  return { ok: true, type: t };
}
