// Builds the position index of a stream file from its AST and CheckedStream:
// every name with its role, type and what it refers to. It mirrors the
// checker's scopes (see src/check/) but reads resolutions from `checked.refs`,
// so it decides nothing the checker has not. A field's identity is the
// definition that made it (a schema line or an assignment); steps that pass
// records on (validate, dedup, route, …) keep it, a merge joins its inputs'.
import type * as A from "../syntax/ast.js";
import type { CheckedStream, StepInfo } from "../check/checked.js";
import { MAIN } from "../model/ports.js";
import { stepInputs } from "../check/graph.js";
import { childExprs } from "../syntax/walk.js";
import { T, type Type } from "../values/types.js";
import type { FileKind, Occurrence, Place, Role } from "./analysis.js";

/** A field's definitions, joined where a merge joins them. */
export class FieldGroups {
  private readonly parent = new Map<string, string>();
  find(id: string): string {
    let p = this.parent.get(id) ?? id;
    while (p !== (this.parent.get(p) ?? p)) p = this.parent.get(p)!;
    if (p !== id) this.parent.set(id, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/** A port's fields: name -> field definition id. */
export type FieldEnv = ReadonlyMap<string, string>;

interface Scope {
  readonly fields: FieldEnv;
  /** Inside aggregate calls of an aggregate field: the input's fields. */
  readonly aggregateInput?: FieldEnv;
  readonly locals: Map<string, string>;
  readonly step?: string;
}

/** An occurrence before field ids are turned into their group's symbol. */
interface Pending extends Omit<Occurrence, "symbol"> {
  readonly symbol?: string;
  readonly fieldId?: string;
}

export const portId = (step: string, port: string): string => `${step}|${port}`;

export class StreamIndexer {
  readonly groups = new FieldGroups();
  /** Field definition id -> where it is declared. */
  readonly fieldDefs = new Map<string, Place>();
  /** `step|port` -> its fields. */
  readonly ports = new Map<string, FieldEnv>();
  readonly symbolDefs = new Map<string, Place[]>();
  private readonly pending: Record<FileKind, Pending[]> = { stream: [], tests: [] };
  private readonly steps: ReadonlyMap<string, StepInfo>;
  /** The file being indexed. */
  private file: FileKind = "stream";

  constructor(private readonly checked: CheckedStream | undefined) {
    this.steps = new Map((checked?.steps ?? []).map((s) => [s.name, s]));
  }

  // ------------------------------------------------------------ recording

  private add(o: Pending): void {
    if (o.name === "" || !Number.isFinite(o.span.start)) return;
    this.pending[this.file].push(o);
  }

  private declare(symbol: string, span: A.Span): void {
    const list = this.symbolDefs.get(symbol) ?? [];
    list.push({ file: this.file, span });
    this.symbolDefs.set(symbol, list);
  }

  private name(id: A.Ident, role: Role, symbol: string | undefined, declaration: boolean, extra: Partial<Pending> = {}): void {
    if (declaration && symbol) this.declare(symbol, id.span);
    this.add({ span: id.span, role, name: id.name, declaration, ...(symbol ? { symbol } : {}), ...extra });
  }

  private newField(span: A.Span, name: string, step: string | undefined, type: Type | undefined): string {
    const id = `f${span.start}`;
    this.fieldDefs.set(id, { file: this.file, span });
    this.add({ span, role: "field", name, declaration: true, fieldId: id, ...(step ? { step } : {}), ...(type ? { type } : {}) });
    return id;
  }

  /** A field no source text declares (`errors` of an `invalid` port): it is defined at the step's name. */
  private builtinField(step: A.StepDecl, port: string, name: string): string {
    const id = `b${step.name.span.start}.${port}.${name}`;
    this.fieldDefs.set(id, { file: this.file, span: step.name.span });
    return id;
  }

  private fieldRef(span: A.Span, name: string, id: string | undefined, scope: Scope | undefined, type: Type | undefined): void {
    this.add({ span, role: "field", name, declaration: false, ...(id ? { fieldId: id } : {}), ...(scope?.step ? { step: scope.step } : {}), ...(type ? { type } : {}) });
  }

  /** The occurrences, sorted, with field ids turned into group symbols. */
  occurrences(file: FileKind): Occurrence[] {
    const out = this.pending[file].map(({ fieldId, ...o }) => (fieldId ? { ...o, symbol: `field:${this.groups.find(fieldId)}` } : o));
    return out.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  }

  /** Where each symbol is declared, fields by group. */
  definitions(): Map<string, Place[]> {
    const out = new Map(this.symbolDefs);
    for (const [id, place] of this.fieldDefs) {
      const key = `field:${this.groups.find(id)}`;
      out.set(key, [...(out.get(key) ?? []), place]);
    }
    return out;
  }

  // ------------------------------------------------------------ declarations

  indexFile(ast: A.StreamFile): void {
    const byName = new Map<string, A.Decl>();
    for (const d of ast.decls) if ("name" in d && !byName.has(d.name.name)) byName.set(d.name.name, d);
    // Steps in the checker's order, so each input's fields are known before its consumers.
    const ordered = (this.checked?.steps ?? []).map((s) => s.decl);
    const seen = new Set<A.Decl>(ordered);
    for (const d of ast.decls) this.declHeader(d);
    for (const d of ordered) this.step(d, this.steps.get(d.name.name));
    for (const d of ast.decls) {
      if (seen.has(d)) continue;
      if (isStepDecl(d)) this.step(d, undefined);
      else this.other(d);
    }
    this.indexTests(ast.decls.filter((d): d is A.TestDecl => d.kind === "Test"), "stream");
  }

  private declHeader(d: A.Decl): void {
    switch (d.kind) {
      case "Stream":
        this.name(d.name, "stream", undefined, true);
        break;
      case "Param":
        this.name(d.name, "param", `param:${d.name.name}`, true, { type: this.checked?.params.get(d.name.name)?.type ?? T.any });
        break;
      case "Const":
        this.name(d.name, "const", `const:${d.name.name}`, true, { type: this.checked?.consts.get(d.name.name)?.type ?? T.any });
        break;
      case "Table":
        this.name(d.name, "table", `table:${d.name.name}`, true);
        break;
      default:
        if (isStepDecl(d)) this.name(d.name, "step", `step:${d.name.name}`, true);
    }
  }

  private other(d: A.Decl): void {
    const empty = this.scope(new Map());
    switch (d.kind) {
      case "Param":
        this.typeRef(d.type);
        if (d.default) this.expr(d.default, empty);
        break;
      case "Const":
        this.expr(d.value, empty);
        break;
      case "Trigger":
        this.expr(d.count, empty);
        break;
      case "Table": {
        const info = this.checked?.tables.get(d.name.name);
        for (const k of d.keys) this.name(k, "tableField", `tableField:${d.name.name}.${k.name}`, false);
        this.origin(d.origin);
        for (const f of d.schema) {
          const name = f.path.map((p) => p.name).join(".");
          const span = joinPath(f.path);
          if (!span) continue;
          const symbol = `tableField:${d.name.name}.${name}`;
          this.declare(symbol, span);
          const type = info?.schema.find((x) => x.name === name)?.type;
          this.add({ span, role: "tableField", name, declaration: true, symbol, ...(type ? { type } : {}) });
          this.schemaRest(f);
        }
        break;
      }
      case "Test":
        break; // tests are indexed by tests.ts, against the stream's ports
      default:
        break;
    }
  }

  private scope(fields: FieldEnv, step?: string, aggregateInput?: FieldEnv): Scope {
    return { fields, locals: new Map(), ...(step ? { step } : {}), ...(aggregateInput ? { aggregateInput } : {}) };
  }

  private input(ref: A.InputRef, step: string): FieldEnv {
    const target = this.steps.get(ref.name.name);
    const isBuiltin = !target && !this.checked?.tables.has(ref.name.name);
    this.name(ref.name, "step", target || isBuiltin ? `step:${ref.name.name}` : `table:${ref.name.name}`, false, { step });
    const port = ref.port?.name ?? MAIN;
    if (ref.port) this.name(ref.port, "port", `port:${ref.name.name}.${port}`, false, { step });
    return this.ports.get(portId(ref.name.name, port)) ?? new Map();
  }

  private step(d: A.StepDecl, info: StepInfo | undefined): void {
    const step = d.name.name;
    const inputs = stepInputs(d).map((r) => this.input(r, step));
    const input: FieldEnv = inputs[0] ?? new Map();
    const set = (port: string, env: FieldEnv) => {
      this.ports.set(portId(step, port), env);
      if (port !== MAIN) this.declare(`port:${step}.${port}`, d.name.span);
    };
    const withBuiltins = (base: FieldEnv, port: string, names: ReadonlyArray<string>): FieldEnv => {
      const env = new Map(base);
      for (const n of names) env.set(n, this.builtinField(d, port, n));
      return env;
    };
    const typeOf = (port: string, name: string): Type | undefined => info?.ports.get(port)?.find((f) => f.name === name)?.type;
    switch (d.kind) {
      case "Source": {
        const o = d.origin;
        if (o.kind === "FileOrigin") this.origin(o);
        const env = new Map<string, string>();
        if (o.kind === "SimulateOrigin") {
          this.expr(o.count, this.scope(new Map()));
          if (o.seed) this.expr(o.seed, this.scope(new Map()));
          this.block(d.fields, this.scope(new Map(), step), env, typeOf);
        } else {
          for (const f of d.schema) {
            const name = f.path.map((p) => p.name).join(".");
            const span = joinPath(f.path);
            if (span) env.set(name, this.newField(span, name, step, typeOf(MAIN, name)));
            this.schemaRest(f);
          }
        }
        set(MAIN, env);
        set("invalid", withBuiltins(new Map(), "invalid", ["errors", "file", "line", "record"]));
        break;
      }
      case "Validate": {
        const scope = this.scope(input, step);
        for (const r of d.rules) this.expr(r.expr, scope);
        set(MAIN, input);
        set("invalid", withBuiltins(input, "invalid", ["errors"]));
        break;
      }
      case "Map": {
        const scope = this.scope(input, step);
        if (d.forEach) {
          this.expr(d.forEach.over, scope);
          d.forEach.vars.forEach((v, i) => {
            const id = `l${v.span.start}`;
            this.name(v, "local", `local:${id}`, true, { step, ...(this.localType(d, i) ? { type: this.localType(d, i)! } : {}) });
            scope.locals.set(v.name, id);
          });
        }
        const env = new Map<string, string>();
        this.block(d.body, scope, env, typeOf);
        set(MAIN, env);
        break;
      }
      case "Enrich": {
        const env = new Map(input);
        this.block(d.body, this.scope(input, step), env, typeOf);
        set(MAIN, env);
        break;
      }
      case "Audit":
        this.block(d.body, this.scope(input, step), new Map(), () => undefined);
        set(MAIN, input);
        break;
      case "Dedup": {
        const scope = this.scope(input, step);
        for (const k of d.keys) this.expr(k, scope);
        if (d.within) this.expr(d.within, this.scope(new Map()));
        set(MAIN, input);
        set("duplicates", input);
        break;
      }
      case "Merge": {
        const env = new Map(input);
        for (const other of inputs.slice(1)) for (const [n, id] of other) {
          const mine = env.get(n);
          if (mine) this.groups.union(mine, id);
        }
        set(MAIN, env);
        break;
      }
      case "Route": {
        const scope = this.scope(input, step);
        for (const b of d.branches) {
          this.expr(b.when, scope);
          this.name(b.port, "port", `port:${step}.${b.port.name}`, true, { step });
          this.ports.set(portId(step, b.port.name), input);
        }
        if (d.otherwise) {
          this.name(d.otherwise, "port", `port:${step}.${d.otherwise.name}`, true, { step });
          this.ports.set(portId(step, d.otherwise.name), input);
        } else set("unmatched", input);
        break;
      }
      case "Aggregate":
        this.aggregate(d, input, step, (n) => typeOf(MAIN, n));
        break;
      case "Sink": {
        // What a sink receives, for the records of tests' `expect SINK [...]`.
        const env = new Map<string, string>();
        for (const i of inputs) for (const [n, id] of i) if (!env.has(n)) env.set(n, id);
        this.ports.set(portId(step, MAIN), env);
        this.name(d.format, "format", undefined, false);
        break;
      }
    }
  }

  private localType(d: A.MapDecl, i: number): Type | undefined {
    // The checker keeps no type for `for each` variables; the collection's type gives them.
    const over = d.forEach ? this.checked?.types.get(d.forEach.over) : undefined;
    if (!over || !d.forEach) return undefined;
    const two = d.forEach.vars.length === 2;
    if (over.kind === "map") return i === 0 ? T.string : over.value;
    if (over.kind === "list") return two && i === 0 ? T.int : over.element;
    return undefined;
  }

  private aggregate(d: A.AggregateDecl, input: FieldEnv, step: string, typeOf: (name: string) => Type | undefined): void {
    const keys = new Map<string, string>();
    const inputScope = this.scope(input, step);
    for (const k of d.keys) {
      if (k.expr) {
        this.expr(k.expr, inputScope);
        keys.set(k.name.name, this.newField(k.name.span, k.name.name, step, typeOf(k.name.name)));
      } else {
        // A plain key is the input's field, passed on under its name.
        const id = input.get(k.name.name);
        if (id) this.fieldRef(k.name.span, k.name.name, id, inputScope, typeOf(k.name.name));
        keys.set(k.name.name, id ?? this.newField(k.name.span, k.name.name, step, undefined));
      }
    }
    const out = new Map(keys);
    for (const f of d.fields) {
      this.expr(f.value, this.scope(keys, step, input));
      if (f.by) this.expr(f.by, inputScope);
      if (!out.has(f.name.name)) out.set(f.name.name, this.newField(f.name.span, f.name.name, step, typeOf(f.name.name)));
    }
    if (d.eventTime) {
      this.expr(d.eventTime.at, inputScope);
      if (d.eventTime.lateness) this.expr(d.eventTime.lateness, this.scope(new Map()));
      // `late` passes the input's records on as they came.
      this.ports.set(portId(step, "late"), input);
    }
    for (const t of d.flush) {
      if (t.kind === "FlushAfterIdle") this.expr(t.idle, this.scope(new Map()));
      else if (t.kind === "FlushAt") this.expr(t.at, this.scope(keys, step));
      else if (t.kind === "FlushWhen") this.expr(t.cond, this.scope(out, step));
    }
    this.ports.set(portId(step, MAIN), out);
  }

  /** Statements in order; an assignment makes a field of `out` (unless `out` is an audit's event). */
  private block(body: ReadonlyArray<A.BlockStmt>, scope: Scope, out: Map<string, string>, typeOf: (port: string, name: string) => Type | undefined): void {
    for (const s of body) {
      this.expr(s.value, scope);
      const type = this.checked?.types.get(s.value);
      if (s.kind === "Let") {
        const id = `l${s.name.span.start}`;
        this.name(s.name, "local", `local:${id}`, true, { ...(scope.step ? { step: scope.step } : {}), ...(type ? { type } : {}) });
        scope.locals.set(s.name.name, id);
      } else {
        const id = this.newField(s.target.span, s.target.name, scope.step, typeOf(MAIN, s.target.name) ?? type);
        out.set(s.target.name, id);
        scope.locals.set(s.target.name, id);
      }
    }
  }

  private origin(o: A.FileOrigin): void {
    this.name(o.format, "format", undefined, false);
    if (o.batch) this.expr(o.batch, this.scope(new Map()));
  }

  private schemaRest(f: A.SchemaField): void {
    this.typeRef(f.type);
    if (f.default) this.expr(f.default, this.scope(new Map()));
  }

  private typeRef(t: A.TypeRef): void {
    this.name(t.name, "type", undefined, false);
    t.args.forEach((a) => this.typeRef(a));
  }

  // ------------------------------------------------------------ tests

  /** `test` blocks (of the stream file or its test file): the names they give and expect, and their records' fields. */
  indexTests(tests: ReadonlyArray<A.TestDecl>, file: FileKind): void {
    this.file = file;
    for (const t of tests) this.testBody(t.body);
    this.file = "stream";
  }

  /** A test file's `stream NAME`: it names the stream, and declares nothing. */
  indexStreamName(d: A.StreamDecl, file: FileKind): void {
    this.file = file;
    this.name(d.name, "stream", undefined, false);
    this.file = "stream";
  }

  private testBody(body: ReadonlyArray<A.TestStmt>): void {
    const empty = this.scope(new Map());
    for (const s of body) {
      if (s.kind === "TestRun") this.testBody(s.body);
      else if (s.kind === "TestGiven") {
        const name = s.target.name;
        const table = this.checked?.tables.get(name);
        if (this.steps.has(name)) {
          this.name(s.target, "step", `step:${name}`, false);
          this.records(s.records, (f) => ({ id: this.ports.get(portId(name, MAIN))?.get(f), type: this.portType(name, MAIN, f) }));
        } else if (table) {
          this.name(s.target, "table", `table:${name}`, false);
          this.records(s.records, (f) => ({ symbol: `tableField:${name}.${f}`, type: table.schema.find((x) => x.name === f)?.type }));
        } else {
          this.name(s.target, "step", undefined, false);
          this.expr(s.records, empty);
        }
      } else if (s.kind === "TestExpect") {
        const name = s.target.name.name;
        const port = s.target.port?.name ?? MAIN;
        const builtin = !this.steps.has(name) && (name === "rejects" || name === "audit");
        this.name(s.target.name, builtin ? "builtinOutput" : "step", builtin || !this.steps.has(name) ? undefined : `step:${name}`, false);
        if (s.target.port) this.name(s.target.port, "port", this.steps.has(name) ? `port:${name}.${port}` : undefined, false);
        if (s.records) this.records(s.records, (f) => ({ id: this.ports.get(portId(name, port))?.get(f), type: this.portType(name, port, f) }));
        if (s.count) this.expr(s.count, empty);
      }
    }
  }

  private portType(step: string, port: string, field: string): Type | undefined {
    const info = this.steps.get(step);
    if (!info) return undefined;
    const schemas = info.decl.kind === "Sink" ? info.inputs.map((i) => i.schema) : [info.ports.get(port) ?? []];
    for (const s of schemas) {
      const f = s.find((x) => x.name === field);
      if (f) return f.type;
    }
    return undefined;
  }

  /** A list of record literals whose top-level fields are the named step's (or table's) fields. */
  private records(e: A.Expr, resolve: (field: string) => { id?: string | undefined; symbol?: string; type?: Type | undefined }): void {
    const empty = this.scope(new Map());
    if (e.kind !== "ListLit") return this.expr(e, empty);
    for (const item of e.items) {
      if (item.kind !== "RecordLit") {
        this.expr(item, empty);
        continue;
      }
      for (const f of item.fields) {
        const r = resolve(f.name.name);
        this.add({
          span: f.name.span,
          role: r.symbol ? "tableField" : "field",
          name: f.name.name,
          declaration: false,
          ...(r.id ? { fieldId: r.id } : {}),
          ...(r.symbol ? { symbol: r.symbol } : {}),
          ...(r.type ? { type: r.type } : {}),
        });
        this.expr(f.value, empty);
      }
    }
  }

  // ------------------------------------------------------------ expressions

  expr(e: A.Expr, scope: Scope): void {
    const checked = this.checked;
    switch (e.kind) {
      case "NameRef": {
        const res = checked?.refs.get(e);
        const type = checked?.types.get(e);
        const step = scope.step ? { step: scope.step } : {};
        if (res?.kind === "field") this.fieldRef(e.name.span, e.name.name, scope.fields.get(res.name), scope, type);
        else if (res?.kind === "local") {
          const id = scope.locals.get(res.name);
          // An assignment seen later in its block is a field; a `let` or `for each` variable a local.
          if (id?.startsWith("f")) this.fieldRef(e.name.span, e.name.name, id, scope, type);
          else this.name(e.name, "local", id ? `local:${id}` : undefined, false, { ...step, ...(type ? { type } : {}) });
        } else if (res?.kind === "const" || res?.kind === "param") this.name(e.name, res.kind, `${res.kind}:${res.name}`, false, { ...step, ...(type ? { type } : {}) });
        else if (res?.kind === "table" || checked?.tables.has(e.name.name)) this.name(e.name, "table", `table:${e.name.name}`, false, step);
        else this.fieldRef(e.name.span, e.name.name, undefined, scope, undefined);
        return;
      }
      case "Member": {
        const res = checked?.refs.get(e);
        if (res?.kind === "field") {
          this.fieldRef(e.span, res.name, scope.fields.get(res.name), scope, checked?.types.get(e));
          return;
        }
        this.expr(e.object, scope);
        const table = e.object.kind === "Index" && checked?.refs.get(e.object.object)?.kind === "table" && e.object.object.kind === "NameRef" ? e.object.object.name.name : undefined;
        const type = checked?.types.get(e);
        if (table) this.name(e.field, "tableField", `tableField:${table}.${e.field.name}`, false, { ...(scope.step ? { step: scope.step } : {}), ...(type ? { type } : {}) });
        else this.add({ span: e.field.span, role: "field", name: e.field.name, declaration: false, ...(type ? { type } : {}) });
        return;
      }
      case "Call": {
        const def = checked?.functions.get(e.callee.name);
        this.name(e.callee, "function", def ? `function:${e.callee.name}` : undefined, false);
        const inner = def?.context === "aggregate" && scope.aggregateInput ? { ...scope, fields: scope.aggregateInput } : scope;
        for (const a of e.args) this.expr(a, inner);
        return;
      }
      case "RecordLit":
        for (const f of e.fields) {
          this.add({ span: f.name.span, role: "field", name: f.name.name, declaration: false });
          this.expr(f.value, scope);
        }
        return;
      default:
        for (const c of childExprs(e)) this.expr(c, scope);
    }
  }
}

const STEP_KINDS = new Set(["Source", "Validate", "Map", "Enrich", "Dedup", "Merge", "Route", "Aggregate", "Audit", "Sink"]);
export const isStepDecl = (d: A.Decl): d is A.StepDecl => STEP_KINDS.has(d.kind);

/** The span of a (dotted) schema field's name. */
export function joinPath(path: ReadonlyArray<A.Ident>): A.Span | undefined {
  const first = path[0];
  const last = path.at(-1);
  if (!first || !last || first.name === "") return undefined;
  return { ...first.span, end: last.span.end };
}
