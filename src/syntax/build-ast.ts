// CST -> AST for declarations, blocks and tests. Missing pieces (after error
// recovery) become ErrorExpr / empty names rather than exceptions.
import type { CstNode, IToken } from "chevrotain";
import type * as C from "../../grammar/cst.js";
import type * as A from "./ast.js";
import { ExpressionBuilder } from "./build-expr.js";
import type { Lexed } from "./lex.js";
import { isRealToken, joinSpans, LineIndex, tokenSpan } from "./span.js";

type Decl = A.Decl;

export class AstBuilder extends ExpressionBuilder {
  constructor(lexed: Lexed, lines: LineIndex, filename: string) {
    super(lexed, lines, filename);
    this.validateVisitor();
  }

  private stringLit(t: IToken | undefined): A.StringLit {
    return { kind: "StringLit", value: this.stringValue(t), span: this.span(t) };
  }

  private all<T>(nodes: ReadonlyArray<CstNode> | undefined): T[] {
    return (nodes ?? []).map((n) => this.visit(n) as T);
  }

  streamFile(ctx: C.StreamFileCstChildren): Decl[] {
    return (ctx.declaration ?? []).map((d) => this.visit(d) as Decl);
  }

  declaration(ctx: C.DeclarationCstChildren): Decl {
    const node = Object.values(ctx).flat()[0] as CstNode | undefined;
    this.anchor = this.nodeSpan(node);
    return node === undefined ? { kind: "ErrorDecl", span: this.anchor } : ((this.visit(node) as Decl | undefined) ?? { kind: "ErrorDecl", span: this.anchor });
  }

  strayDecl(_ctx: C.StrayDeclCstChildren): Decl {
    return { kind: "ErrorDecl", span: this.anchor };
  }

  strayToken(): undefined {
    return undefined;
  }

  braced(): undefined {
    return undefined;
  }

  streamDecl(ctx: C.StreamDeclCstChildren): A.StreamDecl {
    return { kind: "Stream", name: this.ident(ctx.Name?.[0]), span: this.anchor };
  }

  paramDecl(ctx: C.ParamDeclCstChildren): A.ParamDecl {
    const base = { kind: "Param" as const, name: this.ident(ctx.Name?.[0]), type: this.typeOf(ctx.typeRef?.[0]), span: this.anchor };
    return ctx.Assign ? { ...base, default: this.expr(ctx.expression?.[0]) } : base;
  }

  constDecl(ctx: C.ConstDeclCstChildren): A.ConstDecl {
    return { kind: "Const", name: this.ident(ctx.Name?.[0]), value: this.expr(ctx.expression?.[0]), span: this.anchor };
  }

  triggerDecl(ctx: C.TriggerDeclCstChildren): A.TriggerDecl {
    return { kind: "Trigger", count: this.expr(ctx.expression?.[0]), span: this.anchor };
  }

  sourceDecl(ctx: C.SourceDeclCstChildren): A.SourceDecl {
    const name = this.ident(ctx.Name?.[0]);
    const schema = this.all<A.SchemaField>(ctx.schemaBlock?.[0]?.children.schemaField);
    if (ctx.simulateOrigin) {
      const origin = this.visit(ctx.simulateOrigin[0]!) as A.SimulateOrigin;
      return { kind: "Source", name, origin, schema: [], fields: this.block(ctx.assignBlock?.[0]), span: this.anchor };
    }
    const origin: A.SourceDecl["origin"] = ctx.fileOrigin ? (this.visit(ctx.fileOrigin[0]!) as A.FileOrigin) : { kind: "HostOrigin", span: name.span };
    return { kind: "Source", name, origin, schema, fields: [], span: this.anchor };
  }

  fileOrigin(ctx: C.FileOriginCstChildren, node?: CstNode): A.FileOrigin {
    const strings = ctx.StringLiteral ?? [];
    let origin: A.FileOrigin = { kind: "FileOrigin", format: this.ident(ctx.Name?.[0]), path: this.stringLit(strings[0]), span: this.anchor };
    if (ctx.KwBatch) origin = { ...origin, batch: this.expr(ctx.expression?.[0]) };
    if (ctx.KwDelimiter) origin = { ...origin, delimiter: this.stringLit(strings[1]) };
    const last = strings.at(-1);
    return { ...origin, span: joinSpans(this.span(ctx.KwFrom?.[0]), isRealToken(last) ? tokenSpan(last) : this.anchor) };
  }

  simulateOrigin(ctx: C.SimulateOriginCstChildren): A.SimulateOrigin {
    const count = this.expr(ctx.expression?.[0]);
    const start = this.span(ctx.KwSimulate?.[0]);
    if (ctx.KwSeed) {
      const seed = this.expr(ctx.expression?.[1]);
      return { kind: "SimulateOrigin", count, seed, span: joinSpans(start, seed.span) };
    }
    return { kind: "SimulateOrigin", count, span: joinSpans(start, this.span(ctx.KwRun?.[0])) };
  }

  tableDecl(ctx: C.TableDeclCstChildren): A.TableDecl {
    const names = ctx.Name ?? [];
    const origin = ctx.fileOrigin ? (this.visit(ctx.fileOrigin[0]!) as A.FileOrigin) : { kind: "FileOrigin" as const, format: this.ident(undefined), path: this.stringLit(undefined), span: this.anchor };
    return {
      kind: "Table",
      name: this.ident(names[0]),
      origin,
      keys: names.slice(1).map((t) => this.ident(t)),
      schema: this.all<A.SchemaField>(ctx.schemaBlock?.[0]?.children.schemaField),
      span: this.anchor,
    };
  }

  schemaBlock(): undefined {
    return undefined;
  }

  schemaField(ctx: C.SchemaFieldCstChildren, node?: CstNode): A.SchemaField {
    const path = (ctx.Name ?? []).map((t) => this.ident(t));
    const type = this.typeOf(ctx.typeRef?.[0]);
    const base = { kind: "SchemaField" as const, path, type, optional: Boolean(ctx.Question), span: this.nodeSpan(node) };
    return ctx.Assign ? { ...base, default: this.expr(ctx.expression?.[0]) } : base;
  }

  private typeOf(node: C.TypeRefCstNode | undefined): A.TypeRef {
    return node ? (this.visit(node) as A.TypeRef) : { kind: "TypeRef", name: this.ident(undefined), args: [], span: this.anchor };
  }

  typeRef(ctx: C.TypeRefCstChildren, node?: CstNode): A.TypeRef {
    return { kind: "TypeRef", name: this.ident(ctx.Name?.[0]), args: (ctx.typeRef ?? []).map((t) => this.typeOf(t)), span: this.nodeSpan(node) };
  }

  separator(): undefined {
    return undefined;
  }

  validateDecl(ctx: C.ValidateDeclCstChildren): A.ValidateDecl {
    return { kind: "Validate", name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), rules: this.all<A.Rule>(ctx.rule), span: this.anchor };
  }

  rule(ctx: C.RuleCstChildren, node?: CstNode): A.Rule {
    const base = { kind: "Rule" as const, expr: this.expr(ctx.expression?.[0]), span: this.nodeSpan(node) };
    return ctx.KwElse ? { ...base, message: this.stringLit(ctx.StringLiteral?.[0]) } : base;
  }

  mapDecl(ctx: C.MapDeclCstChildren): A.MapDecl {
    const base = { kind: "Map" as const, name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), body: this.block(ctx.assignBlock?.[0]), span: this.anchor };
    return ctx.forEach ? { ...base, forEach: this.visit(ctx.forEach[0]!) as A.ForEach } : base;
  }

  forEach(ctx: C.ForEachCstChildren, node?: CstNode): A.ForEach {
    return { kind: "ForEach", vars: (ctx.Name ?? []).map((t) => this.ident(t)), over: this.expr(ctx.expression?.[0]), span: this.nodeSpan(node) };
  }

  enrichDecl(ctx: C.EnrichDeclCstChildren): A.EnrichDecl {
    return { kind: "Enrich", name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), body: this.block(ctx.assignBlock?.[0]), span: this.anchor };
  }

  auditDecl(ctx: C.AuditDeclCstChildren): A.AuditDecl {
    return { kind: "Audit", name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), body: this.block(ctx.assignBlock?.[0]), span: this.anchor };
  }

  private block(node: C.AssignBlockCstNode | undefined): A.BlockStmt[] {
    return this.all<A.BlockStmt>(node?.children.statement);
  }

  assignBlock(): undefined {
    return undefined;
  }

  statement(ctx: C.StatementCstChildren, node?: CstNode): A.BlockStmt {
    const value = this.expr(ctx.expression?.[0]);
    const span = this.nodeSpan(node);
    if (ctx.KwLet) return { kind: "Let", name: this.ident(ctx.Name?.[0]), value, span };
    return { kind: "Assign", target: this.ident(ctx.Name?.[0]), value, span };
  }

  dedupDecl(ctx: C.DedupDeclCstChildren): A.DedupDecl {
    const exprs = (ctx.expression ?? []).map((e) => this.expr(e));
    const keys = ctx.KwWithin ? exprs.slice(0, -1) : exprs;
    const base = { kind: "Dedup" as const, name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), keys, span: this.anchor };
    return ctx.KwWithin ? { ...base, within: exprs.at(-1) ?? this.errorExpr() } : base;
  }

  mergeDecl(ctx: C.MergeDeclCstChildren): A.MergeDecl {
    return { kind: "Merge", name: this.ident(ctx.Name?.[0]), inputs: (ctx.inputRef ?? []).map((n) => this.inputOf(n)), span: this.anchor };
  }

  routeDecl(ctx: C.RouteDeclCstChildren): A.RouteDecl {
    const base = { kind: "Route" as const, name: this.ident(ctx.Name?.[0]), input: this.inputOf(ctx.inputRef?.[0]), branches: this.all<A.RouteBranch>(ctx.routeBranch), span: this.anchor };
    const otherwise = ctx.routeElse?.[0]?.children.Name?.[0];
    return ctx.routeElse ? { ...base, otherwise: this.ident(otherwise) } : base;
  }

  routeBranch(ctx: C.RouteBranchCstChildren, node?: CstNode): A.RouteBranch {
    return { kind: "RouteBranch", when: this.expr(ctx.expression?.[0]), port: this.ident(ctx.Name?.[0]), span: this.nodeSpan(node) };
  }

  routeElse(): undefined {
    return undefined;
  }

  aggregateDecl(ctx: C.AggregateDeclCstChildren): A.AggregateDecl {
    const eventTime = ctx.eventTime?.[0] ? (this.visit(ctx.eventTime[0]) as A.EventTime) : undefined;
    return {
      kind: "Aggregate",
      name: this.ident(ctx.Name?.[0]),
      input: this.inputOf(ctx.inputRef?.[0]),
      keys: this.all<A.AggregateKey>(ctx.aggregateKey),
      ...(eventTime ? { eventTime } : {}),
      flush: this.all<A.FlushTrigger>(ctx.flushTrigger),
      fields: this.all<A.AggregateField>(ctx.aggregateField),
      span: this.anchor,
    };
  }

  eventTime(ctx: C.EventTimeCstChildren, node?: CstNode): A.EventTime {
    const base = { kind: "EventTime" as const, at: this.expr(ctx.expression?.[0]), span: this.nodeSpan(node) };
    return ctx.KwLateness ? { ...base, lateness: this.expr(ctx.expression?.[1]) } : base;
  }

  aggregateKey(ctx: C.AggregateKeyCstChildren, node?: CstNode): A.AggregateKey {
    const base = { kind: "AggregateKey" as const, name: this.ident(ctx.Name?.[0]), span: this.nodeSpan(node) };
    return ctx.Assign ? { ...base, expr: this.expr(ctx.expression?.[0]) } : base;
  }

  flushTrigger(ctx: C.FlushTriggerCstChildren, node?: CstNode): A.FlushTrigger {
    const span = this.nodeSpan(node);
    const e = this.expr(ctx.expression?.[0]);
    if (ctx.KwAfter) return { kind: "FlushAfterIdle", idle: e, span };
    if (ctx.KwAt) return { kind: "FlushAt", at: e, span };
    if (ctx.KwWhen) return { kind: "FlushWhen", cond: e, span };
    return { kind: "FlushEachRun", span };
  }

  aggregateField(ctx: C.AggregateFieldCstChildren, node?: CstNode): A.AggregateField {
    const base = { kind: "AggregateField" as const, name: this.ident(ctx.Name?.[0]), value: this.expr(ctx.expression?.[0]), span: this.nodeSpan(node) };
    return ctx.KwBy ? { ...base, by: this.expr(ctx.expression?.[1]) } : base;
  }

  sinkDecl(ctx: C.SinkDeclCstChildren): A.SinkDecl {
    const names = ctx.Name ?? [];
    return {
      kind: "Sink",
      name: this.ident(names[0]),
      inputs: (ctx.inputRef ?? []).map((n) => this.inputOf(n)),
      format: this.ident(names[1]),
      path: this.stringLit(ctx.StringLiteral?.[0]),
      span: this.anchor,
    };
  }

  private inputOf(node: C.InputRefCstNode | undefined): A.InputRef {
    return node ? (this.visit(node) as A.InputRef) : { kind: "InputRef", name: this.ident(undefined), span: this.anchor };
  }

  inputRef(ctx: C.InputRefCstChildren, node?: CstNode): A.InputRef {
    const base = { kind: "InputRef" as const, name: this.ident(ctx.Name?.[0]), span: this.nodeSpan(node) };
    return ctx.Dot ? { ...base, port: this.ident(ctx.Name?.[1]) } : base;
  }

  testDecl(ctx: C.TestDeclCstChildren): A.TestDecl {
    return { kind: "Test", title: this.stringLit(ctx.StringLiteral?.[0]), body: this.testBody(ctx.testBlock?.[0]), span: this.anchor };
  }

  private testBody(node: C.TestBlockCstNode | undefined): A.TestStmt[] {
    return this.all<A.TestStmt>(node?.children.testStatement);
  }

  testBlock(): undefined {
    return undefined;
  }

  testStatement(ctx: C.TestStatementCstChildren, node?: CstNode): A.TestStmt {
    const span = this.nodeSpan(node);
    const list = (n: C.ListLiteralCstNode | undefined): A.Expr => this.expr(n);
    if (ctx.KwNow) return { kind: "TestNow", value: this.stringLit(ctx.StringLiteral?.[0]), span };
    if (ctx.KwGiven) return { kind: "TestGiven", target: this.ident(ctx.Name?.[0]), records: list(ctx.listLiteral?.[0]), span };
    if (ctx.KwExpect) {
      const base = { kind: "TestExpect" as const, target: this.inputOf(ctx.inputRef?.[0]), span };
      return ctx.KwCount ? { ...base, count: this.expr(ctx.expression?.[0]) } : { ...base, records: list(ctx.listLiteral?.[0]) };
    }
    return { kind: "TestRun", body: this.testBody(ctx.testBlock?.[0]), span };
  }
}
