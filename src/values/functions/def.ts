// The shape of a built-in function and helpers to state its static signature.
// A definition owns everything about its function: signature, static check, what
// it reads from the run besides its arguments, how a call compiles, and the
// documented examples (which spec/values/function-examples.spec.ts runs).
import { T, assignable, isNumeric, typeToString, unify, type Type } from "../types.js";
import type { Rec, Timestamp, Value } from "../value.js";
import { message, type Message } from "../../diagnostics/codes.js";
import { perSite, siteFactory } from "../per-site.js";

export type CheckResult = { readonly ok: true; readonly type: Type } | { readonly ok: false; readonly message: Message; readonly arg?: number };

/** What a call may read from the run besides its arguments. */
export type FrameNeed = "clock" | "run" | "seq" | "random" | "tables";

/** Calls whose implementation threw, counted per step (a host function's way of not answering). */
export interface Faults {
  count: number;
  /** The first failure's text, `fn: reason`, for the report. */
  first?: string;
}

/**
 * What a compiled call sees of the frame the planner hands every compiled
 * expression (`plan/env.ts` Frame has this shape): the run's clock, number,
 * tables and fault counter, and in `simulate` sources the position and generator.
 */
export interface CallFrame {
  readonly env: {
    readonly now: Timestamp;
    readonly run: number;
    readonly tables: ReadonlyMap<string, { readonly keyList: ReadonlyArray<Value> }>;
    readonly faults: Faults;
  };
  readonly seq: number;
  readonly random: () => number;
}

/** A compiled argument or call: record and frame in, value out. */
export type Compiled<F extends CallFrame = CallFrame> = (rec: Rec, frame: F) => Value;

/** What the checker resolved at a call site that a compile step may use. */
export interface CallSite {
  /** For each table parameter's argument index, the table it names. */
  readonly tables: ReadonlyMap<number, string>;
}

/** Where a function is listed in docs/language.md's table. */
export type FunctionGroup = "text" | "numbers" | "conversion" | "time" | "other" | "simulate" | "aggregate";

/**
 * A documented example: `call` evaluates to `result` (both in the language). An
 * aggregate's example folds the elements of the list `over` as the records' `x`.
 * Examples run with the run clock at `2026-11-20T10:00:00Z`, in run 1, at position 1.
 */
export interface Example {
  readonly call: string;
  readonly result: string;
  readonly over?: string;
}

export interface FunctionDef {
  readonly name: string;
  /** For messages: "substr(s string, start int[, len int]) -> string". */
  readonly signature: string;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  /** Only allowed in this context. */
  readonly context?: "simulate" | "aggregate";
  /** Its row in docs/language.md's function table: the group and the text beside the name (built-ins; a host's functions have none). */
  readonly group?: FunctionGroup;
  readonly doc?: string;
  readonly examples?: ReadonlyArray<Example>;
  /** What a call reads from the run; a function without `needs` depends on its arguments only. */
  readonly needs?: ReadonlyArray<FrameNeed>;
  /** Argument positions that name a table (`random_key(plans)`): resolved by the checker, handed to `compile`. */
  readonly tableParams?: ReadonlyArray<number>;
  /**
   * The call's value is one of its arguments (greatest, least, coalesce): the planner widens
   * each argument to the call's type, so an int chosen where the type is decimal is a decimal.
   */
  readonly choosesArgument?: true;
  /** Static typing: the result type, or an error naming the bad argument. */
  readonly check: (args: ReadonlyArray<Type>) => CheckResult;
  /**
   * Checks of string-literal arguments by position (a zone name, a date-time pattern): a problem
   * is reported at the literal. Arguments that are not literals are checked when used.
   */
  readonly literals?: ReadonlyArray<((value: string) => LiteralProblem | undefined) | undefined>;
  /** A total implementation over argument values (the planner wraps the call; a throw counts as a fault and gives null). */
  readonly impl?: (...args: Value[]) => Value;
  /**
   * Compiles a call once: for functions that read the frame (`needs`) or keep
   * state per call site. Takes precedence over `impl`; aggregates have neither
   * (the aggregate step folds them).
   */
  readonly compile?: <F extends CallFrame>(args: ReadonlyArray<Compiled<F>>, site: CallSite) => Compiled<F>;
}

/** What is wrong with a literal argument, and a hint; `at`/`length` narrow it to characters of the literal's value. */
export interface LiteralProblem {
  readonly message: Message;
  readonly hint?: string;
  readonly at?: number;
  readonly length?: number;
}

/** A built-in: documented, with examples. */
export type BuiltinDef = FunctionDef & { readonly group: FunctionGroup; readonly doc: string; readonly examples: ReadonlyArray<Example> };

export const example = (call: string, result: string, over?: string): Example => (over === undefined ? { call, result } : { call, result, over });

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

/**
 * How the planner compiles a call of `def`: its own compile step, or its
 * implementation called with the arguments' values. Either way a throw is a
 * fault of the step (counted in the report) and the call's value is null.
 */
export function compileCall<F extends CallFrame>(def: FunctionDef, args: ReadonlyArray<Compiled<F>>, site: CallSite): Compiled<F> | undefined {
  if (def.compile) return perSite(guarded)(def.compile(args, site), fault, def.name);
  const impl = def.impl;
  if (!impl) return undefined;
  const name = def.name;
  switch (args.length) {
    case 0:
      return perSite(called0)(impl, fault, name);
    case 1:
      return perSite(called1)(impl, fault, name, args[0]!);
    case 2:
      return perSite(called2)(impl, fault, name, args[0]!, args[1]!);
    case 3:
      return perSite(called3)(impl, fault, name, args[0]!, args[1]!, args[2]!);
    default:
      return perSite(calledN)(impl, fault, name, args);
  }
}

// A call site's closure, copied per site (values/per-site.ts); `undefined` from an implementation is null.
type Impl = NonNullable<FunctionDef["impl"]>;
type Fault = typeof fault;
const guarded = siteFactory(
  <F extends CallFrame>(call: Compiled<F>, fault: Fault, name: string): Compiled<F> =>
    (r, f) => {
      try {
        return call(r, f);
      } catch (error) {
        return fault(f, name, error);
      }
    },
);
const called0 = siteFactory(
  <F extends CallFrame>(impl: Impl, fault: Fault, name: string): Compiled<F> =>
    (_r, f) => {
      try {
        return impl() ?? null;
      } catch (error) {
        return fault(f, name, error);
      }
    },
);
const called1 = siteFactory(
  <F extends CallFrame>(impl: Impl, fault: Fault, name: string, a: Compiled<F>): Compiled<F> =>
    (r, f) => {
      try {
        return impl(a(r, f)) ?? null;
      } catch (error) {
        return fault(f, name, error);
      }
    },
);
const called2 = siteFactory(
  <F extends CallFrame>(impl: Impl, fault: Fault, name: string, a: Compiled<F>, b: Compiled<F>): Compiled<F> =>
    (r, f) => {
      try {
        return impl(a(r, f), b(r, f)) ?? null;
      } catch (error) {
        return fault(f, name, error);
      }
    },
);
const called3 = siteFactory(
  <F extends CallFrame>(impl: Impl, fault: Fault, name: string, a: Compiled<F>, b: Compiled<F>, c: Compiled<F>): Compiled<F> =>
    (r, f) => {
      try {
        return impl(a(r, f), b(r, f), c(r, f)) ?? null;
      } catch (error) {
        return fault(f, name, error);
      }
    },
);
const calledN = siteFactory(
  <F extends CallFrame>(impl: Impl, fault: Fault, name: string, args: ReadonlyArray<Compiled<F>>): Compiled<F> =>
    (r, f) => {
      try {
        return impl(...args.map((a) => a(r, f))) ?? null;
      } catch (error) {
        return fault(f, name, error);
      }
    },
);

function fault(f: CallFrame, name: string, error: unknown): null {
  const faults = f.env.faults;
  faults.count++;
  faults.first ??= `${name}: ${error instanceof Error ? error.message : String(error)}`;
  return null;
}
