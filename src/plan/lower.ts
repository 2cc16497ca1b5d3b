// Lowers a checked stream to an execution plan: steps in topological order,
// each expression compiled once.
import type * as A from "../syntax/ast.js";
import type { CheckedStream, StepInfo } from "../check/checked.js";
import { isFormat, NATS_FORMAT, type Format } from "../model/formats.js";
import { MAIN, portKey } from "../model/ports.js";
import { fieldName } from "../check/schema.js";
import { aggregateFor } from "../values/aggregates.js";
import { compileDecoder, type DecodeField } from "../values/codec.js";
import { convert } from "../values/convert.js";
import { T, type Schema, type Type } from "../values/types.js";
import type { Rec, Value } from "../values/value.js";
import { generated, recordCopier, recordMaker } from "../values/record-maker.js";
import { isOpen } from "../check/expr.js";
import { compileExpr, type CompileScope } from "./compile-expr.js";
import { aggregateCalls } from "../check/aggregate.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { evalConstant, type Fn } from "./env.js";
import { tableColumnsRead } from "./table-columns.js";
import { DEFAULT_DEDUP_WITHIN, type AggregateCall, type AggregateFieldPlan, type CompiledBlock, type FlushPlan, type OutputPort, type Plan, type Step, type TablePlan } from "./plan.js";


/** The value of a literal (schema defaults, param defaults), converted to `type`. */
export function literalValue(checked: CheckedStream, e: A.Expr, type: Type): Value {
  const v = evalConstant(compileExpr(e, { checked, locals: new Map() }));
  // A default written as text (`at timestamp = "2026-01-01"`) converts like input data.
  if (typeof v !== "string" || type.kind === "string" || type.kind === "any") return v;
  const converted = convert(v, type);
  return converted.ok ? converted.value : v;
}

function decodeFields(checked: CheckedStream, schema: ReadonlyArray<A.SchemaField>, types: Schema): DecodeField[] {
  return schema.flatMap((f) => {
    const name = fieldName(f);
    const t = types.find((x) => x.name === name);
    if (!t) return [];
    const def = f.default ? literalValue(checked, f.default, t.type) : undefined;
    return [{ name, path: f.path.map((p) => p.name), type: t.type, optional: f.optional || f.default !== undefined, ...(def !== undefined ? { default: def } : {}) }];
  });
}

/**
 * Compiles `let`/assignment statements into one function. Assigned fields and
 * lets live in frame slots so later statements see them; the output record is
 * built once, in schema order.
 */
export function compileBlock(checked: CheckedStream, body: ReadonlyArray<A.BlockStmt>, output: Schema, base: Schema, locals: Map<string, number>): CompiledBlock {
  const stmts: { slot: number; fn: Fn }[] = [];
  const assigned = new Map<string, number>();
  // Every statement gets a fresh slot, so `funnel = funnel` (a field named like a
  // `for each` variable) reads the variable and writes a slot of its own.
  let next = Math.max(-1, ...locals.values()) + 1;
  for (const stmt of body) {
    const fn = compileExpr(stmt.value, { checked, locals: new Map(locals) });
    const name = stmt.kind === "Let" ? stmt.name.name : stmt.target.name;
    const slot = next++;
    locals.set(name, slot);
    if (stmt.kind === "Assign") assigned.set(name, slot);
    stmts.push({ slot, fn });
  }
  const baseNames = new Set(base.map((f) => f.name));
  const plan = output.map((f) => ({ name: f.name, slot: assigned.get(f.name), fromInput: baseNames.has(f.name) && !assigned.has(f.name) }));
  const slots = next;
  const fast = generatedBuild(stmts, plan);
  if (fast) return { slots, build: fast };
  const make = recordMaker(plan.map((p) => p.name));
  const n = plan.length;
  // Scratch for one record's values; `make` copies them into the new record.
  const values: Value[] = new Array(n).fill(null);
  const build = (rec: Rec, frame: { locals: Value[] } & Parameters<Fn>[1]): Rec => {
    const locals = frame.locals;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      locals[s.slot] = s.fn(rec, frame);
    }
    for (let i = 0; i < n; i++) {
      const p = plan[i]!;
      values[i] = p.slot !== undefined ? locals[p.slot]! : p.fromInput ? ((rec as Record<string, Value | undefined>)[p.name] ?? null) : null;
    }
    return make(values);
  };
  return { slots, build };
}

/**
 * The block's build as one generated function: each statement's call has a call
 * site of its own (so V8 can inline the expression it calls, where a loop over
 * the statements makes one call site see them all), and the record is one
 * literal. Field names enter the code only as JSON string literals (and through
 * `generated`, which refuses repeated names); undefined where it cannot be made
 * (a field named `__proto__`, or no code generation), and the loop does the same.
 */
function generatedBuild(stmts: ReadonlyArray<{ slot: number; fn: Fn }>, plan: ReadonlyArray<{ name: string; slot: number | undefined; fromInput: boolean }>): CompiledBlock["build"] | undefined {
  if (plan.some((p) => p.name === "__proto__")) return undefined;
  const calls = stmts.map((s, i) => `L[${s.slot}] = f[${i}](rec, frame);`);
  const fields = plan.map((p) => `${JSON.stringify(p.name)}: ${p.slot !== undefined ? `L[${p.slot}] ?? null` : p.fromInput ? `rec[${JSON.stringify(p.name)}] ?? null` : "null"}`);
  const make = generated<(f: ReadonlyArray<Fn>) => CompiledBlock["build"]>(
    plan.map((p) => p.name),
    ["f"],
    `return (rec, frame) => {\nconst L = frame.locals;\n${calls.join("\n")}\nreturn { ${fields.join(", ")} };\n};`,
  );
  return make?.(stmts.map((s) => s.fn));
}

function ports(checked: CheckedStream, info: StepInfo, consumers: Map<string, number>): OutputPort[] {
  return [...info.ports].map(([name, schema]) => {
    const key = portKey(info.name, name);
    const fate = checked.unconsumed.get(key);
    return { name, schema, consumers: consumers.get(key) ?? 0, ...(fate ? { fate } : {}) };
  });
}

function lowerAggregate(checked: CheckedStream, d: A.AggregateDecl, base: Omit<Step, "kind">): Step {
  const noLocals: CompileScope = { checked, locals: new Map() };
  const keys = d.keys.map((k) => ({
    name: k.name.name,
    value: k.expr ? compileExpr(k.expr, noLocals) : (((name: string): Fn => (r) => (r as Record<string, Value | undefined>)[name] ?? null)(k.name.name)),
  }));
  let slots = 0;
  const fields: AggregateFieldPlan[] = d.fields.map((f) => {
    const calls = aggregateCalls(checked.functions, f.value);
    const slotOf = new Map<A.Call, number>(calls.map((c, i) => [c, i]));
    slots = Math.max(slots, calls.length);
    const planned: AggregateCall[] = calls.map((c) => {
      const argType: Type | undefined = c.args[0] ? (checked.types.get(c.args[0]) ?? T.any) : undefined;
      const aggregate = aggregateFor(c.callee.name, c.args.length, argType)!;
      return c.args[0] ? { aggregate, arg: compileExpr(c.args[0], noLocals) } : { aggregate };
    });
    const result = compileExpr(f.value, { checked, locals: new Map(), aggregateSlots: slotOf });
    return { name: f.name.name, calls: planned, result, ...(f.by ? { by: compileExpr(f.by, noLocals) } : {}) };
  });
  const flush: FlushPlan[] = d.flush.length
    ? d.flush.map((t): FlushPlan => {
        switch (t.kind) {
          case "FlushEachRun":
            return { kind: "each-run" };
          case "FlushAfterIdle":
            return { kind: "idle", idle: compileExpr(t.idle, noLocals) };
          case "FlushAt":
            return { kind: "at", at: compileExpr(t.at, noLocals) };
          case "FlushWhen":
            return { kind: "when", cond: compileExpr(t.cond, noLocals) };
        }
      })
    : [{ kind: "each-run" }];
  const e = d.eventTime;
  const eventTime = e && {
    at: compileExpr(e.at, noLocals),
    lateness: compileExpr(e.lateness ?? { kind: "DurationLit", amount: 0, unit: "ms", ms: 0, text: "0ms", span: e.span }, noLocals),
  };
  return { ...base, kind: "aggregate", keys, fields, flush, slots, ...(eventTime ? { eventTime } : {}) };
}

function lowerStep(checked: CheckedStream, info: StepInfo, consumers: Map<string, number>): Step {
  const d = info.decl;
  const base = { name: info.name, inputs: info.inputs.map((i) => ({ step: i.step, port: i.port })), ports: ports(checked, info, consumers), span: d.span };
  const input = info.inputs[0]?.schema ?? [];
  const main = info.ports.get(MAIN) ?? [];
  const noLocals: CompileScope = { checked, locals: new Map() };
  switch (d.kind) {
    case "Source": {
      const o = d.origin;
      // A simulate source declares no schema; records given to it (by tests or a
      // host) are decoded against the schema its fields produce.
      const fields: DecodeField[] =
        o.kind === "SimulateOrigin" ? main.map((f) => ({ name: f.name, path: [f.name], type: f.type, optional: true })) : decodeFields(checked, d.schema, main);
      const decode = compileDecoder(fields);
      const decodeCsv = compileDecoder(fields, { emptyIsAbsent: true });
      if (o.kind === "SimulateOrigin") {
        const block = compileBlock(checked, d.fields, main, [], new Map());
        return { ...base, kind: "source", origin: "simulate", fields, decode, decodeCsv, simulate: { count: compileExpr(o.count, noLocals), ...(o.seed ? { seed: compileExpr(o.seed, noLocals) } : {}), block } };
      }
      if (o.kind === "FileOrigin" && o.format.name === NATS_FORMAT) {
        return { ...base, kind: "source", origin: "nats", fields, decode, decodeCsv, nats: { subject: o.path.value } };
      }
      if (o.kind === "FileOrigin") {
        const file = { format: checkedFormat(o.format.name), path: o.path.value, ...(o.batch ? { batch: compileExpr(o.batch, noLocals) } : {}), ...(o.delimiter ? { delimiter: o.delimiter.value } : {}) };
        return { ...base, kind: "source", origin: "file", fields, decode, decodeCsv, file };
      }
      return { ...base, kind: "source", origin: "host", fields, decode, decodeCsv };
    }
    case "Validate":
      return {
        ...base,
        kind: "validate",
        rules: d.rules.map((r) => {
          const rule = sourceText(checked, r.expr.span);
          const message = r.message?.value ?? `rule failed: ${rule}`;
          return { test: compileExpr(r.expr, noLocals), rule, message, error: Object.freeze({ rule, message }) };
        }),
        // Records of an open schema may carry fields it does not list; those are copied by spreading.
        ...(isOpen(input) ? {} : { invalidRecord: recordCopier(input.filter((f) => f.name !== "errors").map((f) => f.name), "errors") }),
      };
    case "Map": {
      const locals = new Map<string, number>();
      let forEach: { over: Fn; slots: number[] } | undefined;
      if (d.forEach) {
        const over = compileExpr(d.forEach.over, noLocals);
        const slots = d.forEach.vars.map((v, i) => (locals.set(v.name, i), i));
        forEach = { over, slots };
      }
      const block = compileBlock(checked, d.body, main, [], locals);
      return { ...base, kind: "map", block, ...(forEach ? { forEach } : {}) };
    }
    case "Enrich":
      return { ...base, kind: "enrich", block: compileBlock(checked, d.body, main, input, new Map()) };
    case "Audit":
      return { ...base, kind: "audit", block: compileBlock(checked, d.body, auditSchema(d), [], new Map()) };
    case "Dedup":
      return {
        ...base,
        kind: "dedup",
        keys: d.keys.map((k) => compileExpr(k, noLocals)),
        keyText: d.keys.map((k) => sourceText(checked, k.span)),
        within: d.within ? compileExpr(d.within, noLocals) : compileExpr({ kind: "DurationLit", ...DEFAULT_DEDUP_WITHIN, span: d.span }, noLocals),
      };
    case "Merge": {
      const names = main.map((f) => f.name).join("\u0000");
      return { ...base, kind: "merge", reorder: info.inputs.map((i) => (i.schema.map((f) => f.name).join("\u0000") === names ? undefined : main.map((f) => f.name))) };
    }
    case "Route":
      return {
        ...base,
        kind: "route",
        branches: d.branches.map((b) => ({ when: compileExpr(b.when, noLocals), port: b.port.name })),
        otherwise: d.otherwise?.name ?? "unmatched",
      };
    case "Aggregate":
      return lowerAggregate(checked, d, base);
    case "Sink":
      return { ...base, kind: "sink", format: d.format.name === NATS_FORMAT ? NATS_FORMAT : checkedFormat(d.format.name), path: d.path.value, columns: input.map((f) => f.name) };
  }
}

/** The fields an audit step writes into each audit event. */
const auditSchema = (d: A.AuditDecl): Schema => d.body.filter((s): s is A.AssignStmt => s.kind === "Assign").map((s) => ({ name: s.target.name, type: T.any }));

/** A format the checker accepted (it reports any other, and then nothing is lowered). */
function checkedFormat(name: string): Format {
  if (isFormat(name)) return name;
  throw new Error(`lower: format \`${name}\` was not checked`);
}

export const sourceText = (checked: CheckedStream, span: A.Span): string => checked.source.slice(span.start, span.end);

export function lower(checked: CheckedStream, warnings: ReadonlyArray<Diagnostic> = []): Plan {
  const consumers = new Map<string, number>();
  for (const s of checked.steps) for (const i of s.inputs) consumers.set(portKey(i.step, i.port), (consumers.get(portKey(i.step, i.port)) ?? 0) + 1);
  const noLocals: CompileScope = { checked, locals: new Map() };
  const columns = tableColumnsRead(checked);
  const tables: TablePlan[] = [...checked.tables.values()].map((t) => {
    const fields = decodeFields(checked, t.decl.schema, t.schema);
    const read = columns.get(t.name);
    const kept = read === undefined || read === "all" ? undefined : fields.map((f) => f.name).filter((n) => read.has(n) || read.has(n.split(".")[0]!));
    return {
      name: t.name,
      format: checkedFormat(t.decl.origin.format.name),
      path: t.decl.origin.path.value,
      ...(t.decl.origin.delimiter ? { delimiter: t.decl.origin.delimiter.value } : {}),
      keys: t.keys,
      schema: t.schema,
      fields,
      decode: compileDecoder(fields),
      decodeCsv: compileDecoder(fields, { emptyIsAbsent: true }),
      ...(kept !== undefined && kept.length < fields.length ? { kept } : {}),
    };
  });
  return {
    stream: checked.name,
    filename: checked.ast.filename,
    checked,
    steps: checked.steps.map((s) => lowerStep(checked, s, consumers)),
    tables,
    params: [...checked.params.values()].map((p) => ({
      name: p.name,
      schema: { name: p.name, type: p.type },
      ...(p.decl.default ? { default: compileExpr(p.decl.default, noLocals) } : {}),
    })),
    consts: [...checked.consts.values()].map((c) => ({ name: c.name, value: compileExpr(c.decl.value, noLocals) })),
    ...(checked.triggerCount ? { triggerCount: compileExpr(checked.triggerCount, noLocals) } : {}),
    warnings,
  };
}
