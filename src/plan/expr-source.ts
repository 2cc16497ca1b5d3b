// An expression's tree as the text of one generated function, where its nodes allow it:
// field reads, literals, comparisons, `and or not ??`, `matches`, table look-ups and
// member reads become JavaScript operators on the record, so that evaluating the tree
// makes no call per node (a closure per node costs a call, and a check on its target,
// at every node of every record). A node the text does not cover (a function call, a
// list, a decimal literal…) is its closure, called from the text; so are its children.
//
// No user text becomes code: names enter only as JSON string literals, strings only as
// JSON literals, every other value as a reference to a constant, and a field named
// `__proto__` keeps the closure. Without code generation (a strict content security
// policy) `exprSource` gives undefined and the closures are used (spec/runtime/no-codegen.spec.ts).
import type * as A from "../syntax/ast.js";
import { compare, compileBinary, negate, widenTo } from "../values/ops.js";
import { compileRegex } from "../values/regex.js";
import { T, type Type } from "../values/types.js";
import { compareValues, type Value } from "../values/value.js";
import { generated } from "../values/record-maker.js";
import type { CompileScope } from "./compile-expr.js";
import type { Fn, Frame, TableData } from "./env.js";

/** What the text refers to: constants and functions, as `e0`, `e1`, …; and how many temporaries it needs. */
interface Text {
  readonly refs: unknown[];
  temps: number;
}

/** The text refers to `value` (`e3`). */
function ref(t: Text, value: unknown): string {
  t.refs.push(value);
  return `e${t.refs.length - 1}`;
}

const temp = (t: Text): string => `t${t.temps++}`;

/** Nodes whose text is no better than their closure: the tree is generated only when it has some other. */
const leaf = (e: A.Expr): boolean => e.kind === "StringLit" || e.kind === "IntLit" || e.kind === "BoolLit" || e.kind === "NullLit" || e.kind === "NameRef";

export interface ExprSourceEnv {
  readonly scope: CompileScope;
  /** The closure of a node (the text's fallback for the nodes it does not cover). */
  readonly closure: (e: A.Expr) => Fn;
  /** The function that finds a table of the run's env by name. */
  readonly tableOf: (name: string) => (f: Frame) => TableData | undefined;
  readonly readField: (v: Value, name: string) => Value;
}

/** The expression as one generated function, or undefined (a leaf, or no code generation). */
export function exprSource(e: A.Expr, env: ExprSourceEnv): Fn | undefined {
  if (leaf(e)) return undefined;
  const t: Text = { refs: [], temps: 0 };
  const body = text(e, env, t);
  // A root the text does not cover is its closure already.
  if (body === "e0(r, f)") return undefined;
  const consts = t.refs.map((_, i) => `const e${i} = x[${i}];`).join("\n");
  const temps = t.temps ? `let ${Array.from({ length: t.temps }, (_, i) => `t${i}`).join(", ")};\n` : "";
  const make = generated<(x: ReadonlyArray<unknown>, hasOwn: (this: unknown, k: string) => boolean) => Fn>([], ["x", "hasOwn"], `${consts}\nreturn (r, f) => {\n${temps}return ${body};\n};`);
  return make?.(t.refs, Object.prototype.hasOwnProperty);
}

function text(e: A.Expr, env: ExprSourceEnv, t: Text): string {
  const { scope } = env;
  const typeOf = (x: A.Expr): Type => scope.checked.types.get(x) ?? T.any;
  const sub = (x: A.Expr): string => text(x, env, t);
  const closure = (x: A.Expr): string => `${ref(t, env.closure(x))}(r, f)`;
  const widened = (x: A.Expr, to: Type): string => {
    const widen = widenTo(to, typeOf(x));
    return widen ? `${ref(t, widen)}(${sub(x)})` : sub(x);
  };
  switch (e.kind) {
    case "StringLit":
      return JSON.stringify(e.value);
    case "BoolLit":
      return e.value ? "true" : "false";
    case "NullLit":
    case "ErrorExpr":
      return "null";
    case "IntLit":
      return typeof e.value === "number" && Number.isSafeInteger(e.value) && e.value >= 0 ? String(e.value) : ref(t, e.value);
    case "NameRef":
    case "Member": {
      const res = scope.checked.refs.get(e);
      if (res) {
        switch (res.kind) {
          case "field":
            return res.name === "__proto__" ? closure(e) : `(r[${JSON.stringify(res.name)}] ?? null)`;
          case "local": {
            const slot = scope.locals.get(res.name);
            return slot === undefined ? "null" : `(f.locals[${slot}] ?? null)`;
          }
          case "const":
            return `(f.env.consts[${JSON.stringify(res.name)}] ?? null)`;
          case "param":
            return `(f.env.params[${JSON.stringify(res.name)}] ?? null)`;
          case "table":
            return "null";
        }
      }
      if (e.kind === "NameRef") return "null";
      const name = e.field.name;
      if (name === "__proto__") return closure(e);
      const obj = sub(e.object);
      if (typeOf(e.object).kind === "record") {
        const o = temp(t);
        const key = JSON.stringify(name);
        return `((${o} = ${obj}), typeof ${o} === "object" && ${o} !== null && hasOwn.call(${o}, ${key}) ? (${o}[${key}] ?? null) : null)`;
      }
      return `${ref(t, env.readField)}(${obj}, ${JSON.stringify(name)})`;
    }
    case "Index": {
      const res = scope.checked.refs.get(e.object);
      if (res?.kind === "table" && e.keys.length === 1) return `(${ref(t, env.tableOf(res.name))}(f)?.lookup1(${sub(e.keys[0]!)}) ?? null)`;
      return closure(e);
    }
    case "Unary":
      return e.op === "not" ? `(${sub(e.operand)} !== true)` : `${ref(t, negate)}(${sub(e.operand)})`;
    case "Matches": {
      const re = e.pattern.kind === "StringLit" ? compileRegex(e.pattern.value) : undefined;
      if (!re || !re.ok) return closure(e);
      const s = temp(t);
      return `(typeof (${s} = ${sub(e.subject)}) === "string" && ${ref(t, re.test)}(${s}))`;
    }
    case "If":
      return `(${sub(e.cond)} === true ? ${widened(e.then, typeOf(e))} : ${widened(e.otherwise, typeOf(e))})`;
    case "Binary":
      return binary(e, env, t, sub, closure, widened, typeOf);
    case "Call": {
      const slot = scope.aggregateSlots?.get(e);
      return slot !== undefined ? `(f.locals[${slot}] ?? null)` : closure(e);
    }
    default:
      return closure(e);
  }
}

function binary(e: A.Binary, env: ExprSourceEnv, t: Text, sub: (x: A.Expr) => string, closure: (x: A.Expr) => string, widened: (x: A.Expr, to: Type) => string, typeOf: (x: A.Expr) => Type): string {
  switch (e.op) {
    case "in": {
      const res = env.scope.checked.refs.get(e.right);
      if (res?.kind !== "table") return closure(e);
      const v = temp(t);
      return `((${v} = ${sub(e.left)}) !== null && (${ref(t, env.tableOf(res.name))}(f)?.lookup1(${v}) ?? null) !== null)`;
    }
    case "??": {
      const v = temp(t);
      return `((${v} = ${widened(e.left, typeOf(e))}) === null ? ${widened(e.right, typeOf(e))} : ${v})`;
    }
    case "and":
      return `(${sub(e.left)} === true && ${sub(e.right)} === true)`;
    case "or":
      return `(${sub(e.left)} === true || ${sub(e.right)} === true)`;
    case "==":
    case "!=":
      return `${ref(t, compare)}(${JSON.stringify(e.op)}, ${sub(e.left)}, ${sub(e.right)})`;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `((${ref(t, compareValues)}(${sub(e.left)}, ${sub(e.right)}) ?? NaN) ${e.op} 0)`;
    default:
      return `${ref(t, compileBinary(e.op, typeOf(e.left), typeOf(e.right)))}(${sub(e.left)}, ${sub(e.right)})`;
  }
}
