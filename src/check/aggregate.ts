// `aggregate NAME from INPUT by KEYS [event time EXPR [lateness D]] [flush …] { FIELD = AGG [by EXPR] … }`:
// keys first, then the aggregate fields, in declared order.
import type * as A from "../syntax/ast.js";
import { T, typeToString, type FieldType, type Schema } from "../values/types.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { CheckContext } from "./context.js";
import { findOutermost } from "../syntax/walk.js";
import type { FunctionDef } from "../values/functions/registry.js";
import { fieldMap, scopeFor, type ExprChecker, type Scope } from "./expr.js";

/** The aggregate calls of an expression, outermost ones only, in evaluation order. */
export function aggregateCalls(functions: ReadonlyMap<string, FunctionDef>, e: A.Expr): A.Call[] {
  return findOutermost(e, (x): x is A.Call => x.kind === "Call" && functions.get(x.callee.name)?.context === "aggregate");
}

/** Whether `e` contains a call of an aggregate function. */
export const containsAggregate = (ctx: CheckContext, e: A.Expr): boolean => aggregateCalls(ctx.functions, e).length > 0;

export function checkAggregate(ctx: CheckContext, exprs: ExprChecker, d: A.AggregateDecl, input: Schema, duration: (e: A.Expr, what: string) => void): Schema {
  const what = `the input of \`${d.name.name}\``;
  const inputScope = scopeFor(input, what);
  const keys: FieldType[] = [];
  for (const k of d.keys) {
    if (keys.some((f) => f.name === k.name.name)) {
      ctx.report("E1011.key", { name: k.name.name }, k.name.span);
      continue;
    }
    if (k.expr) keys.push({ name: k.name.name, type: exprs.type(inputScope, k.expr) });
    else {
      const f = inputScope.fields.get(k.name.name);
      if (!f && !inputScope.open) {
        ctx.report("E1005.field", { name: k.name.name, where: what }, k.name.span, {
          hint: didYouMean(k.name.name, inputScope.fields.keys()) ?? "a computed key is written `NAME = EXPR`",
        });
      }
      keys.push({ name: k.name.name, type: f?.type ?? T.any });
    }
  }

  const keysWhat = `the keys of \`${d.name.name}\``;
  const fieldScope: Scope = {
    fields: fieldMap(keys),
    locals: new Map(),
    context: "aggregate",
    aggregateInput: inputScope.fields,
    what: keysWhat,
    aggregateWhat: what,
    ...(inputScope.open ? { open: true } : {}),
  };
  const out: FieldType[] = [...keys];
  for (const f of d.fields) {
    if (out.some((o) => o.name === f.name.name)) {
      ctx.report("E1011.aggregate", { name: f.name.name, step: d.name.name }, f.name.span);
      continue;
    }
    const before = ctx.diagnostics.length;
    let type = exprs.type(fieldScope, f.value);
    // A field read outside any aggregate call was just reported (E2017); saying also that there is no aggregate repeats it.
    const reportedNonKey = ctx.diagnostics.slice(before).some((x) => x.code === "E2017");
    if (!containsAggregate(ctx, f.value) && !reportedNonKey) {
      ctx.report("E2016", { name: f.name.name }, f.value.span, {
        hint: "use count(), sum(x), min(x), max(x), avg(x), first(x), last(x), count_distinct(x) or collect_set(x)",
      });
    }
    if (f.by) {
      const byType = exprs.type(inputScope, f.by);
      if (byType.kind !== "string" && byType.kind !== "any" && byType.kind !== "null") {
        ctx.report("E2001.drillDown", { type: typeToString(byType) }, f.by.span, { hint: "convert it with `string(…)`" });
      }
      type = T.map(type);
    }
    out.push({ name: f.name.name, type });
  }

  if (d.eventTime) {
    const t = exprs.type(inputScope, d.eventTime.at);
    if (t.kind !== "timestamp" && t.kind !== "any" && t.kind !== "null") {
      ctx.report("E2030", { type: typeToString(t) }, d.eventTime.at.span, { hint: "name a timestamp field of the input, e.g. `event time at`" });
    }
    if (d.eventTime.lateness) duration(d.eventTime.lateness, "`lateness`");
  }

  for (const trigger of d.flush) {
    switch (trigger.kind) {
      case "FlushEachRun":
        break;
      case "FlushAfterIdle":
        duration(trigger.idle, "`after … idle`");
        break;
      case "FlushAt": {
        // Computed from the key fields alone: a session's key is all that is known of it when the clock is checked.
        const atScope: Scope = { ...scopeFor(keys, keysWhat), aggregateInput: inputScope.fields, ...(inputScope.open ? { open: true } : {}) };
        const t = exprs.type(atScope, trigger.at);
        if (t.kind !== "timestamp" && t.kind !== "any" && t.kind !== "null") {
          ctx.report("E2013", { type: typeToString(t) }, trigger.at.span, {
            hint: "e.g. `flush at end_of_month(period) + 2d`",
          });
        }
        break;
      }
      case "FlushWhen":
        exprs.condition({ ...scopeFor(out, `the session of \`${d.name.name}\``), ...(inputScope.open ? { open: true } : {}) }, trigger.cond, "`flush when`");
        break;
    }
  }
  return out;
}
