// The checker's entry: resolve every name, infer every port's schema, type
// every expression, and report all problems in one pass.
import type * as A from "../syntax/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { typeToString } from "../values/types.js";
import type { FunctionDef } from "../values/functions/registry.js";
import { CheckContext } from "./context.js";
import type { CheckedStream, StepInfo } from "./checked.js";
import { MAIN, portKey, type PortFate } from "../model/ports.js";
import { ExprChecker, scopeFor } from "./expr.js";
import { orderSteps, stepInputs } from "./graph.js";
import { literalType } from "./literal.js";
import { defaultFits, defaultHint, resolveSchema, resolveTypeRef } from "./schema.js";
import { StepChecker, isConstant } from "./steps.js";
import { checkTests } from "./tests.js";

export interface CheckResult {
  readonly checked: CheckedStream;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

const STEP_KINDS = new Set(["Source", "Validate", "Map", "Enrich", "Dedup", "Merge", "Route", "Aggregate", "Audit", "Sink"]);
export const isStep = (d: A.Decl): d is A.StepDecl => STEP_KINDS.has(d.kind);

/** The stream's default name: the file name without folders and `.stream`. */
export const defaultStreamName = (filename: string): string =>
  filename.replace(/^.*[\\/]/, "").replace(/\.test\.stream$|\.stream$/, "") || "stream";

export function check(file: A.StreamFile, source: string, functions: ReadonlyMap<string, FunctionDef>, syntaxErrors: ReadonlyArray<A.Span> = []): CheckResult {
  const broken = file.decls.filter((d) => d.kind === "ErrorDecl").map((d) => source.slice(d.span.start, d.span.end));
  const damaged = file.decls.filter((d) => d.kind !== "ErrorDecl" && syntaxErrors.some((e) => e.start >= d.span.start && e.start <= d.span.end)).map((d) => d.span);
  const ctx = new CheckContext(file.filename, functions, broken, damaged);
  const exprs = new ExprChecker(ctx);
  let name = defaultStreamName(file.filename);
  let streamDecl: A.StreamDecl | undefined;
  let trigger: A.TriggerDecl | undefined;
  const steps: A.StepDecl[] = [];
  const tests: A.TestDecl[] = [];

  for (const d of file.decls) {
    if (d.kind === "Stream" || d.kind === "Trigger") {
      const first = d.kind === "Stream" ? streamDecl : trigger;
      if (first) {
        ctx.report("E1012", { kind: d.kind.toLowerCase() }, d.span, { secondary: [{ span: first.span, message: "first one here" }] });
        continue;
      }
      if (d.kind === "Stream") {
        streamDecl = d;
        name = d.name.name;
      } else trigger = d;
      continue;
    }
    if (d.kind === "Test") {
      tests.push(d);
      continue;
    }
    if (d.kind === "ErrorDecl") continue;
    const prior = ctx.named.get(d.name.name);
    if (prior) {
      ctx.report("E1001.declaration", { name: d.name.name }, d.name.span, { secondary: [{ span: prior.name.span, message: "first declared here" }] });
      continue;
    }
    ctx.named.set(d.name.name, d);
    if (isStep(d)) steps.push(d);
  }

  // Params, tables and consts first: steps' expressions may use them.
  for (const d of ctx.named.values()) ctx.isolated(d.name.span, () => {
    if (d.kind === "Param") {
      const type = resolveTypeRef(ctx, d.type);
      if (d.default) {
        const t = literalType(d.default);
        if (!t) ctx.report("E2019.paramLiteral", { name: d.name.name }, d.default.span);
        else if (!defaultFits(d.default, t, type)) {
          ctx.report("E2019.paramType", { name: d.name.name, type: typeToString(t), expected: typeToString(type) }, d.default.span, { hint: defaultHint(type) });
        }
      }
      ctx.params.set(d.name.name, { name: d.name.name, decl: d, type });
    } else if (d.kind === "Table") {
      const schema = resolveSchema(ctx, d.schema);
      for (const k of d.keys) {
        if (!schema.some((f) => f.name === k.name)) {
          ctx.report("E2021", { name: k.name, table: d.name.name }, k.span, {
            hint: didYouMean(k.name, schema.map((f) => f.name)) ?? `its fields: ${schema.map((f) => f.name).join(", ")}`,
          });
        }
      }
      ctx.tables.set(d.name.name, { name: d.name.name, decl: d, schema, keys: d.keys.map((k) => k.name) });
    }
  });
  const stepChecker = new StepChecker(ctx, new Map(), new Map());
  for (const d of ctx.named.values()) if (d.kind === "Table") ctx.isolated(d.name.span, () => stepChecker.fileOrigin(d.origin));
  for (const d of ctx.named.values()) ctx.isolated(d.name.span, () => {
    if (d.kind !== "Const") return;
    const type = exprs.type(scopeFor([], "a const"), d.value);
    if (!isConstant(ctx, d.value) && d.value.kind !== "Call") {
      ctx.report("E2015.const", { name: d.name.name }, d.value.span);
    }
    ctx.consts.set(d.name.name, { name: d.name.name, decl: d, type });
  });
  if (trigger) ctx.isolated(trigger.span, () => stepChecker.constInt(trigger.count, "`trigger count`"));

  if (steps.length === 0 && !file.decls.some((d) => d.kind === "ErrorDecl")) {
    ctx.report("W1003", {}, { ...file.span, end: file.span.start }, {
      hint: "start with a `source`, and deliver its records with a `sink`",
    });
  }
  const stepDecls = new Map(steps.map((s) => [s.name.name, s]));
  const done = new Map<string, StepInfo>();
  const checker = new StepChecker(ctx, done, stepDecls);
  const ordered: StepInfo[] = [];
  for (const d of orderSteps(ctx, steps)) {
    const info = ctx.isolated(d.name.span, () => checker.check(d));
    if (info) {
      done.set(info.name, info);
      ordered.push(info);
    }
  }

  const unconsumed = ctx.isolated(file.span, () => findUnconsumed(ctx, ordered, steps)) ?? new Map<string, PortFate>();
  for (const [table, info] of ctx.tables) {
    if (!ctx.usedTables.has(table)) ctx.report("W1002", { name: table }, info.decl.name.span, { hint: "remove it, or look a row up with `" + table + "[key]`" });
  }
  checkTests(ctx, tests, done);

  const checked: CheckedStream = {
    ast: file,
    source,
    name,
    ...(trigger ? { triggerCount: trigger.count } : {}),
    params: ctx.params,
    consts: ctx.consts,
    tables: ctx.tables,
    steps: ordered,
    unconsumed,
    types: ctx.types,
    refs: ctx.refs,
    functions,
    tests,
  };
  return { checked, diagnostics: ctx.diagnostics };
}

/** Ports no step reads: `invalid`/`unmatched`/an aggregate's `late` go to rejects, `duplicates` are counted, others are dropped with a warning. */
function findUnconsumed(ctx: CheckContext, steps: ReadonlyArray<StepInfo>, decls: ReadonlyArray<A.StepDecl>): Map<string, PortFate> {
  // Read off the declarations, not the checked steps: a step left out (on a cycle) still consumes its inputs.
  const consumed = new Set<string>();
  for (const d of decls) for (const i of stepInputs(d)) consumed.add(portKey(i.name.name, i.port?.name ?? MAIN));
  const out = new Map<string, PortFate>();
  for (const s of steps) {
    for (const port of s.ports.keys()) {
      const key = portKey(s.name, port);
      if (consumed.has(key)) continue;
      if (port === "invalid" || (port === "unmatched" && s.decl.kind === "Route") || (port === "late" && s.decl.kind === "Aggregate")) out.set(key, "rejects");
      else if (port === "duplicates") out.set(key, "counted");
      else {
        out.set(key, "dropped");
        // With an input that did not resolve the graph is incomplete; the error says what to fix.
        if (ctx.unresolvedInputs) continue;
        const span = portSpan(s.decl, port);
        const hint = { hint: "send it to a sink, or remove the step" };
        if (port === MAIN) ctx.report("W1001.main", { step: s.name }, span, hint);
        else ctx.report("W1001.port", { port: key }, span, hint);
      }
    }
  }
  return out;
}

/** Where a port is named: a route's port at its branch, any other at the step's name. */
function portSpan(d: A.StepDecl, port: string): A.Span {
  if (d.kind === "Route") {
    if (d.otherwise?.name === port) return d.otherwise.span;
    const b = d.branches.find((x) => x.port.name === port);
    if (b) return b.port.span;
  }
  return d.name.span;
}
