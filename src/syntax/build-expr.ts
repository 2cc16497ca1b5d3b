// CST -> AST for expressions, literals and names. The base of AstBuilder; where
// recovery left a node incomplete it yields an ErrorExpr so the rest still builds.
import type { CstNode, IToken } from "chevrotain";
import type * as C from "../../grammar/cst.js";
import { streamParser } from "../../grammar/parser.js";
import type { BinaryOp, DurationUnit, Expr, Ident, ListLit, RecordLit, RecordLitField, Span } from "./ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message } from "../diagnostics/codes.js";
import type { Lexed } from "./lex.js";
import { isRealToken, joinSpans, LineIndex, tokenSpan } from "./span.js";
import { childExprs } from "./walk.js";

/**
 * How deep an expression tree may be (docs/language.md, "Limits"). Operator chains such as
 * `a + b + …` parse as loops, but they build a tree as deep as the chain is long, and the checker,
 * the planner, the printer and the compiled closures all walk trees recursively.
 */
export const MAX_EXPR_DEPTH = 256;

/**
 * What chevrotain's generated base visitor (`getBaseCstVisitorConstructor`) does,
 * written out so that importing this module does not build the parser: `visit`
 * calls the method named after the node's rule, and `validateVisitor` checks that
 * every rule of the parser has one.
 */
abstract class BaseVisitor {
  visit(node: CstNode | CstNode[] | undefined, param?: unknown): unknown {
    const n = Array.isArray(node) ? node[0] : node;
    if (n === undefined) return undefined;
    return (this as unknown as Record<string, (children: unknown, param: unknown) => unknown>)[n.name]!(n.children, param);
  }

  validateVisitor(): void {
    const missing = Object.keys(streamParser().getGAstProductions()).filter((rule) => typeof (this as unknown as Record<string, unknown>)[rule] !== "function");
    if (missing.length > 0) throw new Error(`Errors Detected in CST Visitor <${this.constructor.name}>:\n\t${missing.map((r) => `Missing visitor method: <${r}> on ${this.constructor.name} CST Visitor.`).join("\n\t")}`);
  }
}

const unitMs: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export abstract class ExpressionBuilder extends BaseVisitor {
  /** Where nodes without real tokens (recovery) are placed: the current declaration's start. */
  protected anchor: Span;

  /** E0016 diagnostics for trees past MAX_EXPR_DEPTH. */
  readonly diagnostics: Diagnostic[] = [];
  /** Each built node's depth (a leaf is 0), so a new node's depth is one look at its children. */
  private readonly depths = new WeakMap<Expr, number>();
  /** Error nodes standing for a tree cut off at the limit: their parents are cut off silently. */
  private readonly cutOff = new WeakSet<Expr>();

  constructor(protected readonly lexed: Lexed, protected readonly lines: LineIndex, private readonly filename: string) {
    super();
    this.anchor = lines.span(0, 0);
  }

  /**
   * `node` if its tree is within MAX_EXPR_DEPTH, otherwise an error node in its place, reported
   * once at `at` (where the limit was passed, e.g. the operator), so later passes never see a
   * tree deeper than the limit.
   */
  protected bounded(node: Expr, at: Span): Expr {
    let depth = 0;
    for (const child of childExprs(node)) {
      if (this.cutOff.has(child)) return this.cut(node.span);
      depth = Math.max(depth, this.depths.get(child) ?? 0);
    }
    depth += 1;
    if (depth <= MAX_EXPR_DEPTH) {
      this.depths.set(node, depth);
      return node;
    }
    this.diagnostics.push(diagnostic(this.filename, message("E0016", { limit: MAX_EXPR_DEPTH }), at, {
      label: `level ${depth}`,
      notes: ["each operator, call, index, field access, list and `if` is one level of the expression's tree; a chain `a + b + …` is as deep as it is long"],
      hint: "split it with `let` or earlier steps, or sum with an aggregate",
    }));
    return this.cut(node.span);
  }

  /** `bounded` for list and record literals, which keep their kind (tests' `given` needs a list): cut off, they are empty. */
  private boundedLiteral<T extends ListLit | RecordLit>(node: T, at: Span, empty: Partial<T>): T {
    if (this.bounded(node, at) === node) return node;
    const cut = { ...node, ...empty };
    this.cutOff.add(cut);
    return cut;
  }

  private cut(span: Span): Expr {
    const e = this.errorExpr(span);
    this.cutOff.add(e);
    return e;
  }

  /** Every rule method receives its own node as the parameter, for its span. */
  override visit(node: CstNode | CstNode[]): unknown {
    const n = Array.isArray(node) ? node[0] : node;
    return n === undefined ? undefined : super.visit(n, n);
  }

  protected span(t: IToken | undefined): Span {
    return isRealToken(t) ? tokenSpan(t) : this.anchor;
  }

  protected nodeSpan(node: CstNode | undefined): Span {
    const loc = node?.location;
    if (loc === undefined || !Number.isFinite(loc.startOffset)) return this.anchor;
    const end = Number.isFinite(loc.endOffset) ? loc.endOffset! + 1 : loc.startOffset + 1;
    return this.lines.span(loc.startOffset, end);
  }

  protected ident(t: IToken | undefined): Ident {
    const image = isRealToken(t) ? t.image : "";
    if (image.startsWith("`")) {
      const closed = image.length >= 2 && image.endsWith("`");
      return { kind: "Ident", name: image.slice(1, closed ? -1 : undefined), quoted: true, span: this.span(t) };
    }
    return { kind: "Ident", name: image, quoted: false, span: this.span(t) };
  }

  protected errorExpr(span: Span = this.anchor): Expr {
    return { kind: "ErrorExpr", span };
  }

  protected expr(node: CstNode | undefined): Expr {
    return node === undefined ? this.errorExpr() : (this.visit(node) as Expr | undefined) ?? this.errorExpr(this.nodeSpan(node));
  }

  protected stringValue(t: IToken | undefined): string {
    return t === undefined ? "" : this.lexed.strings.get(t.startOffset) ?? "";
  }

  /** Folds `a op b op c` to the left; operators come from several token arrays, so order by offset. */
  private leftFold(operands: ReadonlyArray<CstNode> | undefined, ops: ReadonlyArray<IToken>): Expr {
    if (operands === undefined || operands.length === 0) return this.errorExpr();
    const sorted = [...ops].sort((a, b) => a.startOffset - b.startOffset);
    let left = this.expr(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const op = sorted[i - 1];
      const right = this.expr(operands[i]);
      const image = (op?.image ?? "+") as BinaryOp;
      const opSpan = this.span(op);
      left = this.bounded({ kind: "Binary", op: image, left, right, opSpan, span: joinSpans(left.span, right.span) }, opSpan);
    }
    return left;
  }

  expression(ctx: C.ExpressionCstChildren): Expr {
    return this.expr(ctx.ifExpression?.[0] ?? ctx.coalesceExpression?.[0]);
  }

  ifExpression(ctx: C.IfExpressionCstChildren): Expr {
    const [c, t, o] = [ctx.expression?.[0], ctx.expression?.[1], ctx.expression?.[2]];
    const start = this.span(ctx.KwIf?.[0]);
    const otherwise = this.expr(o);
    return this.bounded({ kind: "If", cond: this.expr(c), then: this.expr(t), otherwise, span: joinSpans(start, otherwise.span) }, start);
  }

  coalesceExpression(ctx: C.CoalesceExpressionCstChildren): Expr {
    return this.leftFold(ctx.orExpression, ctx.Coalesce ?? []);
  }

  orExpression(ctx: C.OrExpressionCstChildren): Expr {
    return this.leftFold(ctx.andExpression, ctx.KwOr ?? []);
  }

  andExpression(ctx: C.AndExpressionCstChildren): Expr {
    return this.leftFold(ctx.notExpression, ctx.KwAnd ?? []);
  }

  notExpression(ctx: C.NotExpressionCstChildren): Expr {
    if (ctx.KwNot) {
      const operand = this.expr(ctx.notExpression?.[0]);
      const at = this.span(ctx.KwNot[0]);
      return this.bounded({ kind: "Unary", op: "not", operand, span: joinSpans(at, operand.span) }, at);
    }
    return this.expr(ctx.comparison?.[0]);
  }

  comparison(ctx: C.ComparisonCstChildren): Expr {
    const left = this.expr(ctx.additive?.[0]);
    if (!ctx.additive || ctx.additive.length < 2) {
      if (ctx.comparisonOperator || ctx.KwIn || ctx.KwMatches || ctx.KwBetween) return this.errorExpr(left.span);
      return left;
    }
    const right = this.expr(ctx.additive[1]);
    const span = joinSpans(left.span, right.span);
    if (ctx.KwMatches) return this.bounded({ kind: "Matches", subject: left, pattern: right, span }, this.span(ctx.KwMatches[0]));
    if (ctx.KwBetween) {
      const high = this.expr(ctx.additive[2]);
      return this.bounded({ kind: "Between", value: left, low: right, high, span: joinSpans(left.span, high.span) }, this.span(ctx.KwBetween[0]));
    }
    const opToken = ctx.KwIn?.[0] ?? this.operatorToken(ctx.comparisonOperator?.[0]);
    const op = (ctx.KwIn ? "in" : opToken?.image ?? "==") as BinaryOp;
    const opSpan = this.span(opToken);
    return this.bounded({ kind: "Binary", op, left, right, opSpan, span }, opSpan);
  }

  private operatorToken(node: C.ComparisonOperatorCstNode | undefined): IToken | undefined {
    const c = node?.children;
    return c && (c.EqEq ?? c.NotEq ?? c.LtEq ?? c.GtEq ?? c.Lt ?? c.Gt)?.[0];
  }

  comparisonOperator(): undefined {
    return undefined;
  }

  additive(ctx: C.AdditiveCstChildren): Expr {
    return this.leftFold(ctx.multiplicative, [...(ctx.Plus ?? []), ...(ctx.Minus ?? [])]);
  }

  multiplicative(ctx: C.MultiplicativeCstChildren): Expr {
    return this.leftFold(ctx.unary, [...(ctx.Star ?? []), ...(ctx.Slash ?? []), ...(ctx.Percent ?? [])]);
  }

  unary(ctx: C.UnaryCstChildren): Expr {
    if (ctx.Minus) {
      const operand = this.expr(ctx.unary?.[0]);
      const at = this.span(ctx.Minus[0]);
      return this.bounded({ kind: "Unary", op: "-", operand, span: joinSpans(at, operand.span) }, at);
    }
    return this.expr(ctx.postfix?.[0]);
  }

  postfix(ctx: C.PostfixCstChildren): Expr {
    let object = this.expr(ctx.primary?.[0]);
    const suffixes: CstNode[] = [...(ctx.memberSuffix ?? []), ...(ctx.indexSuffix ?? [])];
    suffixes.sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
    for (const suffix of suffixes) {
      const at = this.nodeSpan(suffix);
      const span = joinSpans(object.span, at);
      if (suffix.name === "memberSuffix") {
        const c = (suffix as C.MemberSuffixCstNode).children;
        object = this.bounded({ kind: "Member", object, field: this.ident(c.Name?.[0]), span }, at);
      } else {
        const c = (suffix as C.IndexSuffixCstNode).children;
        object = this.bounded({ kind: "Index", object, keys: (c.expression ?? []).map((e) => this.expr(e)), span }, at);
      }
    }
    return object;
  }

  memberSuffix(): undefined {
    return undefined;
  }

  indexSuffix(): undefined {
    return undefined;
  }

  primary(ctx: C.PrimaryCstChildren): Expr {
    const sub = ctx.call?.[0] ?? ctx.parenthesized?.[0] ?? ctx.listLiteral?.[0] ?? ctx.recordLiteral?.[0];
    if (sub) return this.expr(sub);
    const t = (ctx.StringLiteral ?? ctx.IntegerLiteral ?? ctx.DecimalLiteral ?? ctx.DurationLiteral ?? ctx.KwTrue ?? ctx.KwFalse ?? ctx.KwNull ?? ctx.Name)?.[0];
    if (!isRealToken(t)) return this.errorExpr();
    const span = tokenSpan(t);
    if (this.lexed.malformed.has(t.startOffset)) return this.errorExpr(span);
    if (ctx.StringLiteral) return { kind: "StringLit", value: this.stringValue(t), span };
    if (ctx.IntegerLiteral) return { kind: "IntLit", value: intLiteralValue(t.image), text: t.image, span };
    if (ctx.DecimalLiteral) return { kind: "DecimalLit", text: t.image, span };
    if (ctx.DurationLiteral) {
      const [, digits, unit] = /^([0-9_]+)(ms|s|m|h|d)$/.exec(t.image)!;
      const amount = Number(digits!.replace(/_/g, ""));
      return { kind: "DurationLit", amount, unit: unit as DurationUnit, ms: amount * unitMs[unit as DurationUnit], text: t.image, span };
    }
    if (ctx.KwTrue || ctx.KwFalse) return { kind: "BoolLit", value: Boolean(ctx.KwTrue), span };
    if (ctx.KwNull) return { kind: "NullLit", span };
    return { kind: "NameRef", name: this.ident(t), span };
  }

  call(ctx: C.CallCstChildren): Expr {
    const callee = this.ident(ctx.Name?.[0]);
    const args = (ctx.expression ?? []).map((e) => this.expr(e));
    const close = ctx.RParen?.[0];
    return this.bounded({ kind: "Call", callee, args, span: isRealToken(close) ? joinSpans(callee.span, tokenSpan(close)) : callee.span }, callee.span);
  }

  parenthesized(ctx: C.ParenthesizedCstChildren): Expr {
    return this.expr(ctx.expression?.[0]);
  }

  listLiteral(ctx: C.ListLiteralCstChildren): ListLit {
    const open = this.span(ctx.LBracket?.[0]);
    const close = ctx.RBracket?.[0];
    const items = (ctx.expression ?? []).map((e) => this.expr(e));
    const last = isRealToken(close) ? tokenSpan(close) : items.at(-1)?.span ?? open;
    return this.boundedLiteral<ListLit>({ kind: "ListLit", items, span: joinSpans(open, last) }, open, { items: [] });
  }

  recordLiteral(ctx: C.RecordLiteralCstChildren): RecordLit {
    const open = this.span(ctx.LCurly?.[0]);
    const close = ctx.RCurly?.[0];
    const fields = (ctx.recordField ?? []).map((f) => this.visit(f) as RecordLitField);
    const last = isRealToken(close) ? tokenSpan(close) : fields.at(-1)?.span ?? open;
    return this.boundedLiteral<RecordLit>({ kind: "RecordLit", fields, span: joinSpans(open, last) }, open, { fields: [] });
  }

  recordField(ctx: C.RecordFieldCstChildren): RecordLitField {
    const name = this.ident(ctx.Name?.[0]);
    const value = this.expr(ctx.expression?.[0]);
    return { kind: "RecordLitField", name, value, span: joinSpans(name.span, value.span) };
  }
}

/** An integer literal's exact value: a number while it is a safe integer, else a bigint. */
function intLiteralValue(image: string): number | bigint {
  const digits = image.replace(/_/g, "");
  if (digits.length < 16) return Number(digits);
  const n = BigInt(digits);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
