// The plan as data a person reads: steps in plan order with their inputs, the
// schema and destination of every output port, and what each step does, written
// as canonical expressions. `interpret plan` prints it as text or JSON, and
// `interpret graph` draws it.
import type * as A from "../syntax/ast.js";
import type { CheckedStream } from "../check/checked.js";
import { portKey } from "../model/ports.js";
import { fieldName } from "../check/schema.js";
import { printExpr, printIdent } from "../syntax/print-expr.js";
import { childExprs, declExprs } from "../syntax/walk.js";
import { typeToString, type Schema } from "../values/types.js";
import { DEFAULT_DEDUP_WITHIN, type Plan } from "./plan.js";

export interface FieldDescription {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
}

export interface PortDescription {
  /** As users write it: `known` for the main port, `known.invalid` otherwise. */
  readonly ref: string;
  readonly port: string;
  readonly schema: ReadonlyArray<FieldDescription>;
  /** The steps that read the port, in plan order (empty when none does). */
  readonly to: ReadonlyArray<string>;
  /** Where the records go when no step reads the port. */
  readonly fate?: "rejects" | "counted" | "dropped";
}

export interface Assignment {
  readonly let: boolean;
  readonly name: string;
  readonly value: string;
}

export type StepDetails =
  | { readonly kind: "source"; readonly origin: "simulate"; readonly count: string; readonly seed?: string; readonly fields: ReadonlyArray<Assignment> }
  | {
      readonly kind: "source";
      readonly origin: "file";
      readonly format: string;
      readonly path: string;
      readonly batch?: string;
      readonly delimiter?: string;
      readonly defaults: ReadonlyArray<{ readonly field: string; readonly value: string }>;
    }
  | { readonly kind: "source"; readonly origin: "host"; readonly defaults: ReadonlyArray<{ readonly field: string; readonly value: string }> }
  | { readonly kind: "validate"; readonly rules: ReadonlyArray<{ readonly rule: string; readonly message?: string }> }
  | { readonly kind: "map"; readonly forEach?: { readonly vars: ReadonlyArray<string>; readonly over: string }; readonly body: ReadonlyArray<Assignment> }
  | { readonly kind: "enrich" | "audit"; readonly body: ReadonlyArray<Assignment> }
  | { readonly kind: "dedup"; readonly keys: ReadonlyArray<string>; readonly within: string; readonly defaultWithin: boolean }
  | { readonly kind: "merge" }
  | { readonly kind: "route"; readonly branches: ReadonlyArray<{ readonly when: string; readonly port: string }>; readonly otherwise: string; readonly defaultOtherwise: boolean }
  | {
      readonly kind: "aggregate";
      readonly keys: ReadonlyArray<{ readonly name: string; readonly value?: string }>;
      /** `event time`: the event time and lateness (the clock is then the watermark); absent: the run clock. */
      readonly eventTime?: { readonly at: string; readonly lateness: string };
      readonly flush: ReadonlyArray<string>;
      readonly defaultFlush: boolean;
      readonly fields: ReadonlyArray<{ readonly name: string; readonly value: string; readonly by?: string }>;
    }
  | { readonly kind: "sink"; readonly format: string; readonly path: string };

export type StepKind = StepDetails["kind"];

export interface StepDescription {
  readonly name: string;
  readonly kind: StepKind;
  /** `STEP` or `STEP.PORT`, as written. */
  readonly inputs: ReadonlyArray<string>;
  /** The tables its expressions read, sorted. */
  readonly tables: ReadonlyArray<string>;
  readonly details: StepDetails;
  readonly ports: ReadonlyArray<PortDescription>;
  readonly line: number;
}

export interface TableDescription {
  readonly name: string;
  readonly format: string;
  readonly path: string;
  readonly delimiter?: string;
  readonly keys: ReadonlyArray<string>;
  readonly schema: ReadonlyArray<FieldDescription>;
  /** The steps that read it, in plan order. */
  readonly readBy: ReadonlyArray<string>;
}

export interface PlanDescription {
  readonly stream: string;
  readonly file: string;
  /** `count 3`, or absent: until every file source is exhausted, or once. */
  readonly trigger?: string;
  readonly params: ReadonlyArray<{ readonly name: string; readonly type: string; readonly default?: string }>;
  readonly consts: ReadonlyArray<{ readonly name: string; readonly type: string; readonly value: string }>;
  readonly tables: ReadonlyArray<TableDescription>;
  readonly steps: ReadonlyArray<StepDescription>;
}

const fields = (schema: Schema): FieldDescription[] => schema.map((f) => ({ name: f.name, type: typeToString(f.type), optional: f.optional === true }));

const assignments = (body: ReadonlyArray<A.BlockStmt>): Assignment[] =>
  body.map((s) => (s.kind === "Let" ? { let: true, name: printIdent(s.name), value: printExpr(s.value) } : { let: false, name: printIdent(s.target), value: printExpr(s.value) }));

const defaults = (schema: ReadonlyArray<A.SchemaField>) => schema.flatMap((f) => (f.default ? [{ field: fieldName(f), value: printExpr(f.default) }] : []));

/** The tables a step's expressions read (`t[k]`, `x in t`, `random_key(t)`), sorted. */
export function tablesRead(checked: CheckedStream, d: A.StepDecl): string[] {
  const found = new Set<string>();
  const walk = (e: A.Expr): void => {
    const r = checked.refs.get(e);
    if (r?.kind === "table") found.add(r.name);
    childExprs(e).forEach(walk);
  };
  declExprs(d).forEach(walk);
  return [...found].sort();
}

function flushText(t: A.FlushTrigger): string {
  switch (t.kind) {
    case "FlushEachRun":
      return "each run";
    case "FlushAfterIdle":
      return `after ${printExpr(t.idle)} idle`;
    case "FlushAt":
      return `at ${printExpr(t.at)}`;
    case "FlushWhen":
      return `when ${printExpr(t.cond)}`;
  }
}

function details(d: A.StepDecl): StepDetails {
  switch (d.kind) {
    case "Source": {
      const o = d.origin;
      if (o.kind === "SimulateOrigin") return { kind: "source", origin: "simulate", count: printExpr(o.count), ...(o.seed ? { seed: printExpr(o.seed) } : {}), fields: assignments(d.fields) };
      if (o.kind === "FileOrigin")
        return {
          kind: "source",
          origin: "file",
          format: o.format.name,
          path: o.path.value,
          ...(o.batch ? { batch: printExpr(o.batch) } : {}),
          ...(o.delimiter ? { delimiter: o.delimiter.value } : {}),
          defaults: defaults(d.schema),
        };
      return { kind: "source", origin: "host", defaults: defaults(d.schema) };
    }
    case "Validate":
      return { kind: "validate", rules: d.rules.map((r) => ({ rule: printExpr(r.expr), ...(r.message ? { message: r.message.value } : {}) })) };
    case "Map":
      return { kind: "map", ...(d.forEach ? { forEach: { vars: d.forEach.vars.map(printIdent), over: printExpr(d.forEach.over) } } : {}), body: assignments(d.body) };
    case "Enrich":
      return { kind: "enrich", body: assignments(d.body) };
    case "Audit":
      return { kind: "audit", body: assignments(d.body) };
    case "Dedup":
      return { kind: "dedup", keys: d.keys.map(printExpr), within: d.within ? printExpr(d.within) : DEFAULT_DEDUP_WITHIN.text, defaultWithin: !d.within };
    case "Merge":
      return { kind: "merge" };
    case "Route":
      return {
        kind: "route",
        branches: d.branches.map((b) => ({ when: printExpr(b.when), port: printIdent(b.port) })),
        otherwise: d.otherwise ? printIdent(d.otherwise) : "unmatched",
        defaultOtherwise: !d.otherwise,
      };
    case "Aggregate":
      return {
        kind: "aggregate",
        keys: d.keys.map((k) => ({ name: printIdent(k.name), ...(k.expr ? { value: printExpr(k.expr) } : {}) })),
        ...(d.eventTime ? { eventTime: { at: printExpr(d.eventTime.at), lateness: d.eventTime.lateness ? printExpr(d.eventTime.lateness) : "0ms" } } : {}),
        flush: d.flush.length ? d.flush.map(flushText) : ["each run"],
        defaultFlush: d.flush.length === 0,
        fields: d.fields.map((f) => ({ name: printIdent(f.name), value: printExpr(f.value), ...(f.by ? { by: printExpr(f.by) } : {}) })),
      };
    case "Sink":
      return { kind: "sink", format: d.format.name, path: d.path.value };
  }
}

export function describePlan(plan: Plan): PlanDescription {
  const checked = plan.checked;
  const readers = new Map<string, string[]>();
  for (const s of checked.steps)
    for (const i of s.inputs) {
      const key = portKey(i.step, i.port);
      readers.set(key, [...(readers.get(key) ?? []), s.name]);
    }
  const steps: StepDescription[] = plan.steps.map((step, n) => {
    const info = checked.steps[n]!;
    return {
      name: step.name,
      kind: step.kind,
      inputs: step.inputs.map((i) => portKey(i.step, i.port)),
      tables: tablesRead(checked, info.decl),
      details: details(info.decl),
      ports: step.ports.map((p) => {
        const ref = portKey(step.name, p.name);
        return { ref, port: p.name, schema: fields(p.schema), to: readers.get(ref) ?? [], ...(p.fate ? { fate: p.fate } : {}) };
      }),
      line: step.span.line,
    };
  });
  const tables: TableDescription[] = plan.tables.map((t) => ({
    name: t.name,
    format: t.format,
    path: t.path,
    ...(t.delimiter !== undefined ? { delimiter: t.delimiter } : {}),
    keys: t.keys,
    schema: fields(t.schema),
    readBy: steps.filter((s) => s.tables.includes(t.name)).map((s) => s.name),
  }));
  return {
    stream: plan.stream,
    file: plan.filename,
    ...(checked.triggerCount ? { trigger: `count ${printExpr(checked.triggerCount)}` } : {}),
    params: [...checked.params.values()].map((p) => ({ name: p.name, type: typeToString(p.type), ...(p.decl.default ? { default: printExpr(p.decl.default) } : {}) })),
    consts: [...checked.consts.values()].map((c) => ({ name: c.name, type: typeToString(c.type), value: printExpr(c.decl.value) })),
    tables,
    steps,
  };
}

// ---------------------------------------------------------------- text

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - s.length));
const width = (xs: ReadonlyArray<string>) => Math.max(0, ...xs.map((x) => x.length));

function schemaLines(schema: ReadonlyArray<FieldDescription>, indent: string): string[] {
  const w = width(schema.map((f) => f.name));
  return schema.map((f) => `${indent}${pad(f.name, w)}  ${f.type}${f.optional ? "?" : ""}`);
}

function assignmentLines(body: ReadonlyArray<Assignment>, indent: string): string[] {
  const w = width(body.map((a) => (a.let ? `let ${a.name}` : a.name)));
  return body.map((a) => `${indent}${pad(a.let ? `let ${a.name}` : a.name, w)} = ${a.value}`);
}

const quote = (s: string) => JSON.stringify(s);

function destination(p: PortDescription): string {
  if (p.to.length) return p.to.join(", ");
  switch (p.fate) {
    case "rejects":
      return "rejects";
    case "counted":
      return "counted";
    default:
      return "dropped (warning)";
  }
}

function detailLines(d: StepDetails): string[] {
  const i = "    ";
  switch (d.kind) {
    case "source": {
      if (d.origin === "simulate") return [`  simulate ${d.count} per run${d.seed !== undefined ? ` seed ${d.seed}` : ""}`, ...assignmentLines(d.fields, i)];
      const defaults = d.defaults.length ? ["  defaults", ...assignmentLines(d.defaults.map((x) => ({ let: false, name: x.field, value: x.value })), i)] : [];
      if (d.origin === "host") return ["  records from the host (or --input)", ...defaults];
      return [`  from ${d.format} ${quote(d.path)}${d.batch !== undefined ? ` batch ${d.batch}` : ""}${d.delimiter !== undefined ? ` delimiter ${quote(d.delimiter)}` : ""}`, ...defaults];
    }
    case "validate": {
      const w = width(d.rules.filter((r) => r.message !== undefined).map((r) => r.rule));
      return ["  rules", ...d.rules.map((r) => (r.message !== undefined ? `${i}require ${pad(r.rule, w)}  else ${quote(r.message)}` : `${i}require ${r.rule}`))];
    }
    case "map":
      return [...(d.forEach ? [`  for each ${d.forEach.vars.join(", ")} in ${d.forEach.over}`] : []), "  fields", ...assignmentLines(d.body, i)];
    case "enrich":
      return ["  adds or sets", ...assignmentLines(d.body, i)];
    case "audit":
      return ["  audit event", ...assignmentLines(d.body, i)];
    case "dedup":
      return [`  by ${d.keys.join(", ")}`, `  within ${d.within}${d.defaultWithin ? " (default)" : ""}`];
    case "merge":
      return [];
    case "route": {
      const w = width(d.branches.map((b) => b.when));
      return [
        "  branches",
        ...d.branches.map((b) => `${i}when ${pad(b.when, w)} -> ${b.port}`),
        `${i}else ${" ".repeat(w)}${w ? " " : ""}-> ${d.otherwise}${d.defaultOtherwise ? " (default)" : ""}`,
      ];
    }
    case "aggregate":
      return [
        `  by ${d.keys.map((k) => (k.value !== undefined ? `${k.name} = ${k.value}` : k.name)).join(", ")}`,
        ...(d.eventTime ? [`  event time ${d.eventTime.at} lateness ${d.eventTime.lateness}${d.eventTime.lateness === "0ms" ? " (default)" : ""}`] : []),
        `  flush ${d.flush.join(", ")}${d.defaultFlush ? " (default)" : ""}`,
        "  fields",
        ...assignmentLines(d.fields.map((f) => ({ let: false, name: f.name, value: f.by !== undefined ? `${f.value} by ${f.by}` : f.value })), i),
      ];
    case "sink":
      return [`  to ${d.format} ${quote(d.path)}`];
  }
}

function stepLines(s: StepDescription, n: number): string[] {
  const out = [`${n}. ${s.kind} ${s.name}${s.inputs.length ? ` from ${s.inputs.join(", ")}` : ""}   (line ${s.line})`];
  if (s.tables.length) out.push(`  reads tables ${s.tables.join(", ")}`);
  out.push(...detailLines(s.details));
  for (const p of s.ports) {
    out.push(`  out ${p.ref} -> ${destination(p)}`);
    out.push(...schemaLines(p.schema, "    "));
  }
  return out;
}

/** The plan as text: stable, so that it can be golden-tested. */
export function formatPlan(d: PlanDescription): string {
  const out: string[] = [`stream ${d.stream}   (${d.file})`];
  out.push(d.trigger !== undefined ? `trigger ${d.trigger}` : "trigger: none (runs until every file source is exhausted, or once)");
  if (d.params.length) {
    out.push("", "params");
    const w = width(d.params.map((p) => p.name));
    out.push(...d.params.map((p) => `  ${pad(p.name, w)}  ${p.type}${p.default !== undefined ? ` = ${p.default}` : ""}`));
  }
  if (d.consts.length) {
    out.push("", "consts");
    const w = width(d.consts.map((c) => c.name));
    out.push(...d.consts.map((c) => `  ${pad(c.name, w)} = ${c.value}   (${c.type})`));
  }
  if (d.tables.length) {
    out.push("", "tables");
    for (const t of d.tables) {
      out.push(`  ${t.name} from ${t.format} ${quote(t.path)}${t.delimiter !== undefined ? ` delimiter ${quote(t.delimiter)}` : ""} key ${t.keys.join(", ")}`);
      out.push(`    read by ${t.readBy.length ? t.readBy.join(", ") : "no step"}`);
      out.push(...schemaLines(t.schema, "    "));
    }
  }
  out.push("", `steps (${d.steps.length}, in plan order)`);
  d.steps.forEach((s, n) => out.push("", ...stepLines(s, n + 1)));
  return out.join("\n") + "\n";
}

