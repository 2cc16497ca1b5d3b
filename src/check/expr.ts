// Type-checks expressions against a scope: the input record's fields, the
// block's locals, consts, params and tables. Records each expression's type and
// each name's resolution for the planner.
import type * as A from "../syntax/ast.js";
import { T, assignable, isNumeric, typeToString, unify, type FieldType, type Schema, type Type } from "../values/types.js";
import { compileRegex } from "../values/regex.js";
import { closest, didYouMean } from "../diagnostics/suggest.js";
import type { CheckContext } from "./context.js";
import { literalType } from "./literal.js";
import type { Resolution } from "./checked.js";
import type { MessageArgs, MessageId } from "../diagnostics/codes.js";
import { arithmeticType, canEqual, canOrder, coalesceType, isArithmetic, isCondition, isText, losesExactness, membership, negationType } from "./operator-types.js";

export type ExprContext = "plain" | "simulate" | "aggregate";

export interface Scope {
  /** The input record's fields by (dotted) name. */
  readonly fields: ReadonlyMap<string, FieldType>;
  /** `let`s, earlier assignments of the block, `for each` variables. */
  readonly locals: Map<string, Type>;
  readonly context: ExprContext;
  /**
   * In an aggregate field: `fields` are the session's key fields, and these are
   * the input record's fields, read inside the aggregate calls' arguments.
   */
  readonly aggregateInput?: ReadonlyMap<string, FieldType>;
  /** Inside an aggregate call's arguments. */
  readonly inAggregate?: boolean;
  /** What `fields` are, for messages: "the input of `core_ok`". */
  readonly what: string;
  /** What `aggregateInput` is, for messages inside aggregate calls. */
  readonly aggregateWhat?: string;
  /** The fields are not known (an input failed to resolve): unknown names are not reported. */
  readonly open?: boolean;
}

/**
 * Schemas that are not known because an input failed to resolve (already
 * reported): unknown names in them are silent, so one mistake gives one diagnostic.
 */
const openSchemas = new WeakSet<Schema>();
export const markOpen = (schema: Schema): Schema => {
  openSchemas.add(schema);
  return schema;
};
export const isOpen = (schema: Schema): boolean => openSchemas.has(schema);
/** `schema`, marked open when `from` is. */
export const openIf = (from: Schema, schema: Schema): Schema => (isOpen(from) ? markOpen(schema) : schema);

export const fieldMap = (fields: ReadonlyArray<FieldType>): Map<string, FieldType> => new Map(fields.map((f) => [f.name, f]));

export function scopeFor(fields: Schema, what: string, context: ExprContext = "plain"): Scope {
  return { fields: fieldMap(fields), locals: new Map(), context, what, ...(isOpen(fields) ? { open: true } : {}) };
}

export class ExprChecker {
  constructor(private readonly ctx: CheckContext) {}

  private set(e: A.Expr, t: Type): Type {
    this.ctx.types.set(e, t);
    return t;
  }

  /** Checks `e` where a bool is wanted (rules, conditions). */
  condition(scope: Scope, e: A.Expr, what: string): void {
    const t = this.type(scope, e);
    if (!isCondition(t)) {
      this.ctx.report("E2010", { what, type: typeToString(t) }, e.span, {
        hint: t.kind === "string" ? "compare it, e.g. `x != \"\"`" : undefined,
      });
    }
  }

  type(scope: Scope, e: A.Expr): Type {
    return this.set(e, this.infer(scope, e));
  }

  private infer(scope: Scope, e: A.Expr): Type {
    switch (e.kind) {
      case "StringLit":
      case "IntLit":
      case "DecimalLit":
      case "BoolLit":
      case "NullLit":
      case "DurationLit":
        return literalType(e)!;
      case "ErrorExpr":
        return T.any;
      case "ListLit": {
        let element: Type = T.null;
        for (const item of e.items) {
          const t = this.type(scope, item);
          const u = unify(element, t);
          if (!u) {
            this.ctx.report("E2020.list", { left: typeToString(element), right: typeToString(t) }, item.span);
            return T.list(T.any);
          }
          element = u;
        }
        return T.list(element.kind === "null" ? T.any : element);
      }
      case "RecordLit":
        return T.record(e.fields.map((f) => ({ name: f.name.name, type: this.type(scope, f.value) })));
      case "NameRef":
        return this.name(scope, e);
      case "Member":
        return this.member(scope, e);
      case "Index":
        return this.index(scope, e);
      case "Call":
        return this.call(scope, e);
      case "Unary": {
        const t = this.type(scope, e.operand);
        if (e.op === "not") {
          if (!isCondition(t)) this.mismatch(e.span, "E2001.not", { type: typeToString(t) });
          return T.bool;
        }
        const negated = negationType(t);
        if (!negated) {
          this.mismatch(e.span, "E2001.negate", { type: typeToString(t) });
          return T.any;
        }
        return negated;
      }
      case "Binary":
        return this.binary(scope, e);
      case "Matches": {
        const t = this.type(scope, e.subject);
        if (!isText(t)) this.mismatch(e.subject.span, "E2001.matches", { type: typeToString(t) });
        if (e.pattern.kind !== "StringLit") {
          this.type(scope, e.pattern);
          this.ctx.report("E2003.notLiteral", {}, e.pattern.span, {
            hint: "patterns are compiled once, when the stream is checked",
          });
        } else {
          this.set(e.pattern, T.string);
          const re = compileRegex(e.pattern.value);
          if (!re.ok) this.ctx.report("E2003.invalid", { reason: re.message }, e.pattern.span, { hint: "patterns use RE2 syntax" });
        }
        return T.bool;
      }
      case "Between": {
        const v = this.type(scope, e.value);
        for (const bound of [e.low, e.high]) {
          const b = this.type(scope, bound);
          if (!canOrder(v, b)) {
            this.mismatch(bound.span, "E2001.between", { left: typeToString(v), right: typeToString(b) });
          }
        }
        return T.bool;
      }
      case "If": {
        this.condition(scope, e.cond, "the condition of `if`");
        const a = this.type(scope, e.then);
        const b = this.type(scope, e.otherwise);
        const u = unify(a, b);
        if (!u) {
          this.ctx.report("E2020.if", { left: typeToString(a), right: typeToString(b) }, e.otherwise.span, {
            secondary: [{ span: e.then.span, message: `this is ${typeToString(a)}` }],
            hint: a.kind === "string" || b.kind === "string" ? "convert the other branch with `string(…)`" : "make both branches one type",
          });
          return T.any;
        }
        this.choice("if", [e.then, e.otherwise], [a, b]);
        return u;
      }
    }
  }

  /**
   * W1010 where one of several values is chosen (`??`, `if`, `coalesce`, `greatest`, `least`)
   * and they mix decimals with numbers: the result is a number, so a chosen decimal is
   * converted. The warning stands at the first number, which `decimal(…)` fixes.
   */
  private choice(op: string, exprs: ReadonlyArray<A.Expr>, types: ReadonlyArray<Type>): void {
    if (!types.some((t) => t.kind === "decimal")) return;
    const at = types.findIndex((t) => t.kind === "number");
    if (at < 0) return;
    this.ctx.report("W1010.choice", { op }, exprs[at]!.span, { hint: "keep money exact: convert the number with `decimal(…)`" });
  }

  private mismatch<Id extends Extract<MessageId, `E2001.${string}`>>(span: A.Span, id: Id, args: MessageArgs<Id>, hint?: string): void {
    this.ctx.report(id, args, span, hint ? { hint } : undefined);
  }

  private resolve(scope: Scope, name: string): { res: Resolution; type: Type } | undefined {
    const local = scope.locals.get(name);
    if (local) return { res: { kind: "local", name }, type: local };
    const field = scope.fields.get(name);
    if (field) return { res: { kind: "field", name }, type: field.type };
    const c = this.ctx.consts.get(name);
    if (c) return { res: { kind: "const", name }, type: c.type };
    const p = this.ctx.params.get(name);
    if (p) return { res: { kind: "param", name }, type: p.type };
    if (this.ctx.tables.has(name)) return { res: { kind: "table", name }, type: T.any };
    return undefined;
  }

  private candidates(scope: Scope): string[] {
    return [...scope.locals.keys(), ...scope.fields.keys(), ...this.ctx.consts.keys(), ...this.ctx.params.keys()];
  }

  /**
   * Where a table is expected (`x in NAME`, `NAME[key]`): a name that resolves to
   * nothing but is close to a table's name is reported as an unknown table.
   * Returns whether it reported.
   */
  private unknownTable(scope: Scope, e: A.Expr): boolean {
    if (e.kind !== "NameRef" || scope.open || this.resolve(scope, e.name.name)) return false;
    const near = closest(e.name.name, this.ctx.tables.keys());
    if (near === undefined) return false;
    // The table the user meant is used; do not also warn that it is not.
    this.ctx.usedTables.add(near);
    this.ctx.report("E1006.table", { name: e.name.name }, e.span, { hint: `did you mean \`${near}\`?` });
    this.set(e, T.any);
    return true;
  }

  /** A bare table name that is not shadowed by a field or local. */
  tableNamed(scope: Scope, e: A.Expr): string | undefined {
    if (e.kind !== "NameRef") return undefined;
    const r = this.resolve(scope, e.name.name);
    return r?.res.kind === "table" ? e.name.name : undefined;
  }

  private name(scope: Scope, e: A.NameRef): Type {
    const name = e.name.name;
    const r = this.resolve(scope, name);
    if (!r && scope.aggregateInput?.has(name) && !scope.inAggregate) {
      this.ctx.report("E2017", { name }, e.span, {
        hint: scope.context === "aggregate" ? `aggregate it, e.g. \`last(${name})\`, or add it to \`by\`` : "add it to `by`",
      });
      return T.any;
    }
    if (!r && scope.open) return T.any;
    if (!r) {
      const hint = didYouMean(name, this.candidates(scope));
      this.ctx.report("E1005.name", { name, where: scope.what }, e.span, {
        hint: hint ?? (scope.fields.size ? `fields here: ${[...scope.fields.keys()].slice(0, 8).join(", ")}` : undefined),
      });
      return T.any;
    }
    if (r.res.kind === "table") {
      this.ctx.usedTables.add(name);
      this.ctx.report("E1013", { name }, e.span, {
        hint: `look a row up with \`${name}[key]\`, or test a key with \`x in ${name}\``,
      });
      return T.any;
    }
    this.ctx.refs.set(e, r.res);
    return r.type;
  }

  /** `a.b.c` as a dotted path when its root is a plain name, else undefined. */
  private dottedPath(e: A.Expr): string | undefined {
    if (e.kind === "NameRef") return e.name.name;
    if (e.kind === "Member") {
      const base = this.dottedPath(e.object);
      return base === undefined ? undefined : `${base}.${e.field.name}`;
    }
    return undefined;
  }

  private member(scope: Scope, e: A.Member): Type {
    const path = this.dottedPath(e);
    if (path !== undefined) {
      const root = path.slice(0, path.indexOf("."));
      if (!scope.locals.has(root) && scope.fields.has(path)) {
        const res: Resolution = { kind: "field", name: path };
        this.ctx.refs.set(e, res);
        return scope.fields.get(path)!.type;
      }
    }
    const t = this.type(scope, e.object);
    const field = e.field.name;
    switch (t.kind) {
      case "any":
      case "null":
        return T.any;
      case "record": {
        const f = t.fields.find((x) => x.name === field);
        if (!f) {
          this.ctx.report("E1014", { name: field }, e.field.span, {
            hint: didYouMean(field, t.fields.map((x) => x.name)) ?? `its fields: ${t.fields.map((x) => x.name).join(", ")}`,
          });
          return T.any;
        }
        return f.type;
      }
      case "map":
        return t.value;
      default:
        this.mismatch(e.field.span, "E2001.member", { field, type: typeToString(t) });
        return T.any;
    }
  }

  /** Checks that `keys` fit the key columns of `table`; returns the row type. */
  tableKeys(scope: Scope, table: string, keys: ReadonlyArray<A.Expr>, span: A.Span): Type {
    this.ctx.usedTables.add(table);
    const info = this.ctx.tables.get(table)!;
    const row = T.record(info.schema);
    if (keys.length !== info.keys.length) {
      this.ctx.report("E2009.count", { table, keyCount: `${info.keys.length} key field${info.keys.length === 1 ? "" : "s"}`, keys: info.keys.join(", "), given: `${keys.length} ${keys.length === 1 ? "was" : "were"}` }, span, {
        hint: `give one value per key field: \`${table}[${info.keys.join(", ")}]\``,
      });
      keys.forEach((k) => this.type(scope, k));
      return row;
    }
    keys.forEach((k, i) => {
      const kt = this.type(scope, k);
      const col = info.schema.find((f) => f.name === info.keys[i]);
      if (col && !assignable(kt, col.type)) {
        this.ctx.report("E2009.type", { table, column: col.name, expected: typeToString(col.type), type: typeToString(kt) }, k.span, {
          hint: col.type.kind === "string" ? "convert it with `string(…)`" : undefined,
        });
      }
    });
    return row;
  }

  private index(scope: Scope, e: A.Index): Type {
    const table = this.tableNamed(scope, e.object);
    if (table !== undefined) {
      this.ctx.refs.set(e.object, { kind: "table", name: table });
      this.set(e.object, T.any);
      return this.tableKeys(scope, table, e.keys, e.span);
    }
    if (this.unknownTable(scope, e.object)) {
      e.keys.forEach((k) => this.type(scope, k));
      return T.any;
    }
    const t = this.type(scope, e.object);
    const keys = e.keys.map((k) => this.type(scope, k));
    if (t.kind === "any" || t.kind === "null") return T.any;
    if (e.keys.length !== 1) {
      this.mismatch(e.span, "E2001.severalKeys", { type: typeToString(t) });
      return T.any;
    }
    const k = keys[0]!;
    if (t.kind === "list") {
      if (!assignable(k, T.int)) this.mismatch(e.keys[0]!.span, "E2001.listIndex", { type: typeToString(k) });
      return t.element;
    }
    if (t.kind === "map") {
      if (!assignable(k, T.string)) this.mismatch(e.keys[0]!.span, "E2001.mapKey", { type: typeToString(k) });
      return t.value;
    }
    this.mismatch(e.object.span, "E2001.index", { type: typeToString(t) });
    return T.any;
  }

  private call(scope: Scope, e: A.Call): Type {
    const name = e.callee.name;
    const def = this.ctx.functions.get(name);
    if (!def) {
      this.ctx.report("E1007", { name }, e.callee.span, { hint: didYouMean(name, this.ctx.functions.keys()) });
      e.args.forEach((a) => this.type(scope, a));
      return T.any;
    }
    if (def.context === "aggregate") {
      if (scope.context !== "aggregate") {
        this.ctx.report("E2004", { name }, e.callee.span, {
          hint: "sum records per key in an `aggregate NAME from INPUT by KEY { … }` step, then read its fields",
        });
      } else if (scope.inAggregate) {
        this.ctx.report("E2018", { name }, e.callee.span, {
          hint: "an aggregate's argument is read from each record; combine aggregates side by side instead, e.g. `sum(x) / count()`",
        });
      }
    }
    if (def.context === "simulate" && scope.context !== "simulate") {
      this.ctx.report("E2005", { name }, e.callee.span, {
        hint: "it generates demo data: `source NAME simulate N per run { FIELD = EXPR … }`",
      });
    }
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      this.ctx.report("E1008", { name, arity: arity(def.minArgs, def.maxArgs), count: `${e.args.length} ${e.args.length === 1 ? "was" : "were"}` }, e.span, {
        hint: `usage: ${def.signature}`,
      });
      e.args.forEach((a) => this.type(scope, a));
      return T.any;
    }
    const tableArgs = new Set(def.tableParams ?? []);
    for (const i of tableArgs) {
      const arg = e.args[i];
      if (arg) this.tableArgument(scope, name, arg);
    }
    const inner: Scope =
      def.context === "aggregate" && scope.context === "aggregate"
        ? { ...scope, inAggregate: true, fields: scope.aggregateInput ?? scope.fields, what: scope.aggregateWhat ?? scope.what }
        : scope;
    const args = e.args.map((a, i) => (tableArgs.has(i) ? T.any : this.type(inner, a)));
    const result = def.check(args);
    if (!result.ok) {
      const at = result.arg !== undefined ? e.args[result.arg]?.span ?? e.span : e.span;
      this.ctx.reportMessage(result.message, at, { hint: `usage: ${def.signature}` });
      return T.any;
    }
    if (def.choosesArgument) this.choice(name, e.args, args);
    def.literals?.forEach((check, i) => {
      const arg = e.args[i];
      if (!check || arg?.kind !== "StringLit") return;
      const problem = check(arg.value);
      if (!problem) return;
      // The caret goes under the characters at fault when the literal is written without escapes.
      const s = arg.span;
      const plain = s.end - s.start === arg.value.length + 2 && !arg.value.includes("\n");
      const at = problem.at !== undefined && plain ? { start: s.start + 1 + problem.at, end: s.start + 1 + problem.at + (problem.length ?? 1), line: s.line, column: s.column + 1 + problem.at } : s;
      this.ctx.reportMessage(problem.message, at, problem.hint ? { hint: problem.hint } : undefined);
    });
    return result.type;
  }

  /** An argument that must name a table (a function's `tableParams`): resolved here, read by the compile step. */
  private tableArgument(scope: Scope, fn: string, arg: A.Expr): void {
    const table = this.tableNamed(scope, arg);
    if (table === undefined) {
      this.ctx.report("E1006.tableArgument", { fn }, arg.span, {
        hint: didYouMean(arg.kind === "NameRef" ? arg.name.name : "", this.ctx.tables.keys()),
      });
      return;
    }
    this.ctx.usedTables.add(table);
    this.ctx.refs.set(arg, { kind: "table", name: table });
    this.set(arg, T.any);
  }

  private binary(scope: Scope, e: A.Binary): Type {
    if (e.op === "in") {
      const v = this.type(scope, e.left);
      const table = this.tableNamed(scope, e.right);
      if (table !== undefined) {
        this.ctx.refs.set(e.right, { kind: "table", name: table });
        this.set(e.right, T.any);
        const info = this.ctx.tables.get(table)!;
        if (info.keys.length !== 1) {
          this.ctx.report("E2009.composite", { table, keys: info.keys.join(", ") }, e.right.span);
        } else this.tableKeys(scope, table, [e.left], e.span);
        return T.bool;
      }
      if (this.unknownTable(scope, e.right)) return T.bool;
      const c = this.type(scope, e.right);
      const fit = membership(v, c);
      if (fit === "element" && c.kind === "list") this.mismatch(e.left.span, "E2001.listElement", { element: typeToString(c.element), type: typeToString(v) });
      else if (fit === "key") this.mismatch(e.left.span, "E2001.mapKeys", { type: typeToString(v) });
      else if (fit === "collection") {
        this.mismatch(e.right.span, "E2001.in", { type: typeToString(c) }, didYouMean(e.right.kind === "NameRef" ? e.right.name.name : "", this.ctx.tables.keys()));
      }
      return T.bool;
    }
    const l = this.type(scope, e.left);
    const r = this.type(scope, e.right);
    switch (e.op) {
      case "??": {
        const u = coalesceType(l, r);
        if (!u) {
          this.ctx.report("E2020.coalesce", { left: typeToString(l), right: typeToString(r) }, e.opSpan);
          return T.any;
        }
        this.choice("??", [e.left, e.right], [l, r]);
        return u;
      }
      case "and":
      case "or":
        for (const [side, t] of [[e.left, l], [e.right, r]] as const) {
          if (!isCondition(t)) this.mismatch(side.span, "E2001.logic", { op: e.op, type: typeToString(t) });
        }
        return T.bool;
      case "==":
      case "!=":
        if (!canEqual(l, r)) this.mismatch(e.opSpan, "E2001.equal", { op: e.op, left: typeToString(l), right: typeToString(r) }, conversionHint(l, r));
        return T.bool;
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!canOrder(l, r)) this.mismatch(e.opSpan, "E2001.order", { left: typeToString(l), right: typeToString(r) }, conversionHint(l, r));
        return T.bool;
      default: {
        const t = isArithmetic(e.op) ? arithmeticType(e.op, l, r) : undefined;
        if (!t) {
          this.mismatch(e.opSpan, "E2001.arithmetic", { op: e.op, left: typeToString(l), right: typeToString(r) }, conversionHint(l, r));
          return T.any;
        }
        if (losesExactness(l, r)) {
          this.ctx.report("W1010.arithmetic", { op: e.op, left: typeToString(l), right: typeToString(r) }, e.opSpan, {
            hint: "keep money exact: convert the number with `decimal(…)`",
          });
        }
        return t;
      }
    }
  }
}

function conversionHint(l: Type, r: Type): string | undefined {
  if (l.kind === "string" && isNumeric(r)) return "convert the text with `int(…)`, `number(…)` or `decimal(…)`";
  if (r.kind === "string" && isNumeric(l)) return "convert the text with `int(…)`, `number(…)` or `decimal(…)`, or the number with `string(…)`";
  if (l.kind === "string" && r.kind === "timestamp") return "convert the text with `timestamp(…)`";
  if (r.kind === "string" && l.kind === "timestamp") return "convert the text with `timestamp(…)`";
  return undefined;
}

function arity(min: number, max: number): string {
  const n = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
  if (min === max) return n(min);
  if (max === Infinity) return `at least ${n(min)}`;
  return `${min} to ${n(max)}`;
}
