// Per-step checks: each step kind resolves its inputs, checks its expressions
// and infers the schema of each of its output ports.
import type * as A from "../syntax/ast.js";
import { T, typeToString, unify, type FieldType, type Schema, type Type } from "../values/types.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { CheckContext } from "./context.js";
import type { ResolvedInput, StepInfo } from "./checked.js";
import { MAIN } from "../model/ports.js";
import { ExprChecker, markOpen, openIf, scopeFor, type Scope } from "./expr.js";
import { resolveSchema } from "./schema.js";
import { checkBlock } from "./block.js";
import { checkAggregate } from "./aggregate.js";
import { checkSinkPath } from "./sink-path.js";

import { FORMATS, NATS_FORMAT } from "../model/formats.js";

/** The schema of a validate step's `invalid` port: the input plus its failures. */
export const ERRORS_FIELD: FieldType = {
  name: "errors",
  type: T.list(T.record([{ name: "rule", type: T.string }, { name: "message", type: T.string }])),
};

/** A source's `invalid` port: the raw record (it does not fit the schema) and why, in validate's `errors` shape. */
export const SOURCE_INVALID_SCHEMA: Schema = [
  { name: "errors", type: ERRORS_FIELD.type },
  { name: "file", type: T.string, optional: true },
  { name: "line", type: T.int, optional: true },
  { name: "record", type: T.any, optional: true },
];

export class StepChecker {
  private readonly exprs: ExprChecker;
  constructor(
    private readonly ctx: CheckContext,
    private readonly done: Map<string, StepInfo>,
    private readonly stepDecls: ReadonlyMap<string, A.StepDecl>,
  ) {
    this.exprs = new ExprChecker(ctx);
  }

  /** The step being checked: a step never suggests itself as its own input. */
  private current = "";

  check(d: A.StepDecl): StepInfo | undefined {
    this.current = d.name.name;
    const inputs = this.resolveInputs(d);
    if (inputs === undefined) return undefined;
    const ports = this.ports(d, inputs);
    return { name: d.name.name, decl: d, inputs, ports };
  }

  private resolveInputs(d: A.StepDecl): ResolvedInput[] | undefined {
    const refs = d.kind === "Source" ? [] : d.kind === "Merge" || d.kind === "Sink" ? d.inputs : [d.input];
    const out: ResolvedInput[] = [];
    let ok = true;
    for (const ref of refs) {
      const r = this.resolveInput(ref);
      if (r) out.push(r);
      else ok = false;
    }
    if (!ok) this.ctx.unresolvedInputs = true;
    // A step whose input failed to resolve is still checked, against an open schema.
    return ok || out.length ? out : [{ step: "?", port: MAIN, schema: markOpen([]), ref: refs[0]! }];
  }

  private resolveInput(ref: A.InputRef): ResolvedInput | undefined {
    const name = ref.name.name;
    const step = this.done.get(name);
    if (!step) {
      const other = this.ctx.named.get(name);
      if (other && !this.stepDecls.has(name)) {
        if (other.kind === "Table") this.ctx.usedTables.add(name);
        this.ctx.report("E1009", { name, kind: other.kind.toLowerCase() }, ref.name.span, {
          hint: other.kind === "Table" ? `read a table's rows in expressions: \`${name}[key]\`` : undefined,
        });
      } else if (!other && !this.ctx.namedInBrokenDecl(name)) {
        const others = [...this.stepDecls.keys()].filter((n) => n !== this.current);
        this.ctx.report("E1002", { name }, ref.name.span, { hint: didYouMean(name, others) });
      }
      // A step on a cycle, or one that failed, has been reported already.
      return undefined;
    }
    if (step.decl.kind === "Sink") {
      this.ctx.report("E1010", { name }, ref.name.span, {
        hint: `read the step that feeds it: ${step.inputs.map((i) => (i.port === MAIN ? i.step : `${i.step}.${i.port}`)).join(", ")}`,
      });
      return undefined;
    }
    const port = ref.port?.name ?? MAIN;
    const schema = step.ports.get(port);
    if (!schema) {
      const names = [...step.ports.keys()].filter((p) => p !== MAIN);
      const at = ref.port?.span ?? ref.span;
      if (port === MAIN) {
        this.ctx.report("E1003.noMain", { step: name }, at, { hint: `ports: ${names.map((p) => `${name}.${p}`).join(", ")}` });
      } else {
        this.ctx.report("E1003.noPort", { step: name, port }, at, {
          hint: didYouMean(port, names) ?? (names.length ? `its ports: ${names.join(", ")}` : `\`${name}\` has only its main output`),
        });
      }
      return undefined;
    }
    // A step with a syntax error has a guessed schema: names read from it are not reported.
    return { step: name, port, schema: this.ctx.inDamagedDecl(step.decl.span) ? markOpen(schema) : schema, ref };
  }

  private ports(d: A.StepDecl, inputs: ReadonlyArray<ResolvedInput>): Map<string, Schema> {
    const input = inputs[0]?.schema ?? [];
    const what = `the input of \`${d.name.name}\``;
    switch (d.kind) {
      case "Source":
        return this.source(d);
      case "Validate": {
        const scope = scopeFor(input, what);
        for (const rule of d.rules) this.exprs.condition(scope, rule.expr, "a `require` rule");
        return new Map([[MAIN, input], ["invalid", openIf(input, [...input.filter((f) => f.name !== "errors"), ERRORS_FIELD])]]);
      }
      case "Map": {
        const scope = scopeFor(input, what);
        if (d.forEach) this.forEach(scope, d.forEach);
        return new Map([[MAIN, checkBlock(this.ctx, this.exprs, scope, d.body, [])]]);
      }
      case "Enrich":
        return new Map([[MAIN, openIf(input, checkBlock(this.ctx, this.exprs, scopeFor(input, what), d.body, input))]]);
      case "Audit":
        checkBlock(this.ctx, this.exprs, scopeFor(input, what), d.body, []);
        return new Map([[MAIN, input]]);
      case "Dedup": {
        const scope = scopeFor(input, what);
        for (const k of d.keys) this.exprs.type(scope, k);
        if (d.within) this.duration(d.within, "`within`");
        return new Map([[MAIN, input], ["duplicates", input]]);
      }
      case "Merge":
        return new Map([[MAIN, this.merge(d, inputs)]]);
      case "Route": {
        const scope = scopeFor(input, what);
        const ports = new Map<string, Schema>();
        for (const b of d.branches) {
          this.exprs.condition(scope, b.when, "a `when` condition");
          ports.set(b.port.name, input);
        }
        if (d.otherwise) ports.set(d.otherwise.name, input);
        else ports.set("unmatched", input);
        return ports;
      }
      case "Aggregate": {
        const main = checkAggregate(this.ctx, this.exprs, d, input, (e, w) => this.duration(e, w));
        // With event time, records whose session has closed go to `late`, as they came in.
        return new Map([[MAIN, main], ...(d.eventTime ? [["late", input] as [string, Schema]] : [])]);
      }
      case "Sink":
        this.sink(d, inputs);
        return new Map();
    }
  }

  private source(d: A.SourceDecl): Map<string, Schema> {
    const o = d.origin;
    if (o.kind === "SimulateOrigin") {
      this.constInt(o.count, "the number of simulated records");
      if (o.seed) this.constInt(o.seed, "the seed");
      const scope = scopeFor([], `the simulate source \`${d.name.name}\``, "simulate");
      // Records given to a simulate source (tests, hosts) are decoded too, so it has an `invalid` port.
      return new Map([[MAIN, checkBlock(this.ctx, this.exprs, scope, d.fields, [])], ["invalid", SOURCE_INVALID_SCHEMA]]);
    }
    if (o.kind === "FileOrigin") this.fileOrigin(o, true);
    const schema = resolveSchema(this.ctx, d.schema);
    return new Map([[MAIN, schema], ["invalid", SOURCE_INVALID_SCHEMA]]);
  }

  /** A source's or table's `from FORMAT "PATH"`; a source may also read a NATS subject (`from nats "SUBJECT"`, cluster mode). */
  fileOrigin(o: A.FileOrigin, source = false): void {
    if (source && o.format.name === NATS_FORMAT) return;
    if (!(FORMATS as ReadonlyArray<string>).includes(o.format.name)) {
      this.ctx.report("E2012.source", { name: o.format.name }, o.format.span, { hint: didYouMean(o.format.name, FORMATS) ?? `formats: ${FORMATS.join(", ")}` });
    }
    if (o.batch) this.constInt(o.batch, "`batch`");
    if (o.delimiter && o.format.name !== "csv") this.ctx.report("E2024", {}, o.delimiter.span);
    if (o.delimiter && o.delimiter.value.length !== 1) this.ctx.report("E2022", {}, o.delimiter.span);
  }

  /**
   * A value known before any run (a literal, a param, a const), typed; or
   * undefined after reporting that it is not. A misspelt name is reported as
   * unknown (with a suggestion), not as "not constant".
   */
  private constant(e: A.Expr, what: string): Type | undefined {
    const scope: Scope = { fields: new Map(), locals: new Map(), context: "plain", what: "a constant" };
    if (isConstant(this.ctx, e) || e.kind === "NameRef") return this.exprs.type(scope, e);
    this.ctx.report("E2015.value", { what }, e.span, {
      hint: "use a literal, a `param` or a `const`",
    });
    return undefined;
  }

  /** A compile-time int: a literal, a param or a const. */
  constInt(e: A.Expr, what: string): void {
    const t = this.constant(e, what);
    if (t && t.kind !== "int" && t.kind !== "any") this.ctx.report("E2025", { what, type: typeToString(t) }, e.span);
  }

  duration(e: A.Expr, what: string): void {
    const t = this.constant(e, what);
    if (t && t.kind !== "duration" && t.kind !== "any") {
      this.ctx.report("E2014", { what, type: typeToString(t) }, e.span, {
        hint: t.kind === "int" ? "glue a unit to the number: `ms`, `s`, `m`, `h` or `d`" : undefined,
      });
    }
  }

  private forEach(scope: Scope, f: A.ForEach): void {
    const t = this.exprs.type(scope, f.over);
    const [a, b] = f.vars;
    let types: Type[];
    if (t.kind === "map") types = f.vars.length === 2 ? [T.string, t.value] : [T.string];
    else if (t.kind === "list") types = f.vars.length === 2 ? [T.int, t.element] : [t.element];
    else if (t.kind === "any" || t.kind === "null") types = [T.any, T.any];
    else {
      this.ctx.report("E2008", { type: typeToString(t) }, f.over.span, {
        hint: "`for each K, V in MAP` walks a map (e.g. a drill-down `count() by x`), `for each X in LIST` a list",
      });
      types = [T.any, T.any];
    }
    if (a) scope.locals.set(a.name, types[0] ?? T.any);
    if (b) scope.locals.set(b.name, types[1] ?? T.any);
  }

  private merge(d: A.MergeDecl, inputs: ReadonlyArray<ResolvedInput>): Schema {
    const first = inputs[0];
    if (!first) return [];
    const fields: FieldType[] = first.schema.map((f) => ({ ...f }));
    for (const other of inputs.slice(1)) {
      const differences: string[] = [];
      const theirs = new Map(other.schema.map((f) => [f.name, f]));
      fields.forEach((f, i) => {
        const o = theirs.get(f.name);
        if (!o) differences.push(`\`${f.name}\` only in \`${first.ref.name.name}\``);
        else {
          const u = unify(f.type, o.type);
          if (!u) differences.push(`\`${f.name}\` is ${typeToString(f.type)} in \`${first.ref.name.name}\` but ${typeToString(o.type)} in \`${other.ref.name.name}\``);
          else fields[i] = { name: f.name, type: u, optional: f.optional || o.optional };
        }
      });
      for (const o of other.schema) if (!fields.some((f) => f.name === o.name)) differences.push(`\`${o.name}\` only in \`${other.ref.name.name}\``);
      if (differences.length) {
        this.ctx.report("E2006", { name: d.name.name }, other.ref.span, {
          secondary: [{ span: first.ref.span, message: "compared with this input" }],
          notes: differences,
          hint: "map the inputs to one shape first",
        });
      }
    }
    return fields;
  }

  private sink(d: A.SinkDecl, inputs: ReadonlyArray<ResolvedInput>): void {
    checkSinkPath(this.ctx, d.name.name, d.path);
    const format = d.format.name;
    if (format !== NATS_FORMAT && !(FORMATS as ReadonlyArray<string>).includes(format)) {
      this.ctx.report("E2012.sink", { name: format }, d.format.span, { hint: didYouMean(format, FORMATS) ?? `formats: ${FORMATS.join(", ")}` });
    }
    if (format === "csv" && inputs.length > 1) {
      const names = (s: Schema) => s.map((f) => f.name).join(",");
      const first = inputs[0]!;
      for (const other of inputs.slice(1)) {
        if (names(other.schema) !== names(first.schema)) {
          this.ctx.report("E2011", {}, other.ref.span, {
            notes: [`\`${first.ref.name.name}\`: ${names(first.schema)}`, `\`${other.ref.name.name}\`: ${names(other.schema)}`],
            hint: "use jsonl, or map the inputs to one shape",
          });
        }
      }
    }
  }
}

/** Literals and consts (and arithmetic on them) are known before any run. */
export function isConstant(ctx: CheckContext, e: A.Expr): boolean {
  switch (e.kind) {
    case "IntLit":
    case "DecimalLit":
    case "StringLit":
    case "BoolLit":
    case "NullLit":
    case "DurationLit":
    case "ErrorExpr":
      return true;
    case "NameRef":
      return ctx.consts.has(e.name.name) || ctx.params.has(e.name.name);
    case "Unary":
      return isConstant(ctx, e.operand);
    case "Binary":
      return isConstant(ctx, e.left) && isConstant(ctx, e.right);
    default:
      return false;
  }
}
