// Turns chevrotain's recognition errors and stray declarations into diagnostics.
// Policy against cascades: the first parser error in a declaration is reported;
// what recovery skipped after it (up to the end of its block or line) is debris
// and stays silent; an error right after a lexical error is explained by it.
import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import { EOF, tokenMatcher } from "../../grammar/chevrotain.js";
import * as T from "../../grammar/tokens.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "./ast.js";
import { isRealToken, LineIndex, tokenSpan } from "./span.js";

const declWords = T.declKeywords.map((t) => String(t.PATTERN));

interface Context {
  readonly file: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly tokens: ReadonlyArray<IToken>;
  /** Offsets where the lexer reported a problem. */
  readonly lexicalErrors: ReadonlyArray<number>;
}

/** Index of the first token starting at or after `offset`. */
function tokenIndexAt(tokens: ReadonlyArray<IToken>, offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const errorOffset = (e: IRecognitionException, text: string): number => (isRealToken(e.token) ? e.token.startOffset : text.length);

function firstOnLine(text: string, t: IToken): boolean {
  const lineStart = text.lastIndexOf("\n", t.startOffset - 1) + 1;
  return text.slice(lineStart, t.startOffset).trim() === "";
}

/** Where the debris of an error ends: the `}` closing the block the error is in, or the end of its line. */
function debrisEnd(ctx: Context, declStart: number, errorAt: number): number {
  const from = tokenIndexAt(ctx.tokens, declStart);
  const at = tokenIndexAt(ctx.tokens, errorAt);
  let depth = 0;
  for (let i = from; i < at; i++) depth += braceDelta(ctx.tokens[i]!);
  if (depth <= 0) {
    const line = ctx.tokens[at]?.startLine;
    let i = at;
    while (i + 1 < ctx.tokens.length && ctx.tokens[i + 1]!.startLine === line) i++;
    return ctx.tokens[i]?.startOffset ?? ctx.text.length;
  }
  for (let i = at; i < ctx.tokens.length; i++) {
    depth += braceDelta(ctx.tokens[i]!);
    if (depth <= 0) return ctx.tokens[i]!.startOffset;
  }
  return ctx.text.length;
}

const braceDelta = (t: IToken): number => (t.tokenType === T.LCurly ? 1 : t.tokenType === T.RCurly ? -1 : 0);

/** The `{` still open at `offset`, scanning from the declaration's start. */
function openBrace(ctx: Context, declStart: number, offset: number): IToken | undefined {
  const stack: IToken[] = [];
  for (let i = tokenIndexAt(ctx.tokens, declStart); i < ctx.tokens.length && ctx.tokens[i]!.startOffset < offset; i++) {
    const t = ctx.tokens[i]!;
    if (t.tokenType === T.LCurly) stack.push(t);
    else if (t.tokenType === T.RCurly) stack.pop();
  }
  return stack.at(-1);
}

/** A zero-width span just after the last real token, for errors at the end of the file. */
function endSpan(ctx: Context): Span {
  const last = ctx.tokens.at(-1);
  const at = last ? (last.endOffset ?? last.startOffset) + 1 : 0;
  return ctx.lines.span(at, at);
}

/** Statements a block may hold, to suggest a fix for a misspelled one. */
const blockKeywords: Readonly<Record<string, ReadonlyArray<string>>> = {
  testBlock: ["now", "given", "expect", "run"],
  validateDecl: ["require"],
  routeDecl: ["when", "else"],
};

/** Where a missing token belongs: right after the previous token when the found one is on a later line. */
function missingTokenSpan(ctx: Context, token: IToken): Span {
  const prev = ctx.tokens[tokenIndexAt(ctx.tokens, token.startOffset) - 1];
  if (prev && prev.endLine !== undefined && token.startLine !== undefined && token.startLine > prev.endLine) {
    const at = (prev.endOffset ?? prev.startOffset) + 1;
    return ctx.lines.span(at, at);
  }
  return tokenSpan(token);
}

function unexpectedInBlock(ctx: Context, e: IRecognitionException): Diagnostic {
  const t = e.token;
  const words = blockKeywords[e.context.ruleStack.at(-1) ?? ""] ?? [];
  const suggestion = tokenMatcher(t, T.Identifier) ? didYouMean(t.image, words) : undefined;
  let hint = suggestion;
  if (T.hardKeywords.includes(t.tokenType)) hint = `\`${t.image}\` is a reserved word; to use it as a name, write it in back-quotes`;
  if ([T.EqEq, T.NotEq, T.Lt, T.LtEq, T.Gt, T.GtEq].includes(t.tokenType)) hint = "comparisons do not chain; join them with `and`";
  return diagnostic(ctx.file, message("E0010.token", { token: t.image }), tokenSpan(t), hint === undefined ? {} : { hint });
}

/** Rules inside which `=` can only be a comparison written with one sign. */
const CONDITION_RULES = new Set(["validateDecl", "rule", "routeBranch", "ifExpression", "expression", "testStatement"]);

/** `require qty = 0`: `=` where `==` was meant, with the comparison to write instead. */
function assignForEquals(ctx: Context, e: IRecognitionException): Diagnostic | undefined {
  if (!isRealToken(e.token) || e.token.tokenType !== T.Assign || !e.context.ruleStack.some((r) => CONDITION_RULES.has(r))) return undefined;
  const i = tokenIndexAt(ctx.tokens, e.token.startOffset);
  const before = ctx.tokens[i - 1];
  const after = ctx.tokens[i + 1];
  const example = before && after && isRealToken(after) ? `: \`${before.image} == ${after.image}\`` : "";
  return diagnostic(ctx.file, message("E0017", {}), tokenSpan(e.token), { label: "`=` assigns a field", hint: `to compare, write \`==\`${example}` });
}

function recognitionDiagnostic(ctx: Context, e: IRecognitionException, declStart: number): Diagnostic {
  const assign = assignForEquals(ctx, e);
  if (assign) return assign;
  const atEnd = !isRealToken(e.token) || e.token.tokenType === EOF;
  if (e.message.startsWith("expected `}`")) {
    const near = (blockKeywords[e.context.ruleStack.at(-1) ?? ""] ?? []).some((w) => didYouMean(e.token.image, [w]) !== undefined);
    if (!atEnd && (!firstOnLine(ctx.text, e.token) || near || T.hardKeywords.includes(e.token.tokenType))) return unexpectedInBlock(ctx, e);
    const open = openBrace(ctx, declStart, atEnd ? ctx.text.length : e.token.startOffset);
    const secondary = open ? [{ span: tokenSpan(open), message: "the block opened here" }] : [];
    const m = atEnd ? message("E0013.atEnd", {}) : message("E0013.before", { found: e.message.slice(e.message.indexOf("found ") + 6) });
    return diagnostic(ctx.file, m, atEnd ? endSpan(ctx) : tokenSpan(e.token), { label: "expected `}` here", secondary });
  }
  if (e.context.ruleStack.at(-1) === "statement" && e.name === "NoViableAltException") {
    const next = ctx.tokens[tokenIndexAt(ctx.tokens, e.token.startOffset) + 1];
    const found = next ? `\`${next.image}\`` : "the end of the file";
    const span = isRealToken(next) ? missingTokenSpan(ctx, next) : endSpan(ctx);
    return diagnostic(ctx.file, message("E0011.assign", { name: e.token.image, found }), span, { label: "expected `=`" });
  }
  if (atEnd) return diagnostic(ctx.file, message("E0014", { parserMessage: e.message }), endSpan(ctx));
  const id = e.name === "MismatchedTokenException" ? "E0011.parser" : "E0010.parser";
  const hint = commonMistake(ctx, e);
  return diagnostic(ctx.file, message(id, { parserMessage: e.message }), missingTokenSpan(ctx, e.token), hint === undefined ? {} : { hint });
}

/** A hint for mistakes of users who know another language's syntax: a path before its format, `name: type`, `if(…, …, …)`. */
function commonMistake(ctx: Context, e: IRecognitionException): string | undefined {
  if (tokenMatcher(e.token, T.StringLiteral) && /^expected the (file|sink) format/.test(e.message)) {
    const sink = e.message.startsWith("expected the sink");
    return `the format comes before the path: \`${sink ? "to" : "from"} jsonl ${e.token.image}\``;
  }
  if (tokenMatcher(e.token, T.Colon) && e.message.startsWith("expected a type")) {
    const name = ctx.tokens[tokenIndexAt(ctx.tokens, e.token.startOffset) - 1]?.image ?? "name";
    return `a field is declared as \`NAME TYPE\`, without \`:\` or commas: \`{ ${name} decimal  other string }\``;
  }
  // Inside `if(` … : the innermost unclosed parenthesis before the error follows an `if`.
  const tokens = ctx.tokens;
  let depth = 0;
  for (let i = tokenIndexAt(tokens, e.token.startOffset) - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.tokenType === T.RParen) depth++;
    else if (t.tokenType === T.LParen && depth-- === 0) {
      return i > 0 && tokens[i - 1]!.tokenType === T.If ? "`if` is not a function: write `if CONDITION then A else B`" : undefined;
    }
  }
  return undefined;
}

function strayDiagnostic(ctx: Context, node: CstNode): Diagnostic | undefined {
  const start = node.location?.startOffset ?? NaN;
  const first = ctx.tokens[tokenIndexAt(ctx.tokens, start)];
  if (!first) return undefined;
  if (tokenMatcher(first, T.Identifier) && firstOnLine(ctx.text, first)) {
    const hint = didYouMean(first.image, declWords);
    return diagnostic(ctx.file, message("E0012", { name: first.image }), tokenSpan(first), {
      label: "not a declaration keyword",
      ...(hint === undefined ? { notes: [`a declaration starts with one of: ${declWords.join(", ")}`] } : { hint }),
    });
  }
  return diagnostic(ctx.file, message("E0010.declaration", { token: first.image }), tokenSpan(first));
}

/** Parses the tokens of one statement with the named grammar rule; its errors (an unparsed rest counts as one). */
export type Reparse = (tokens: ReadonlyArray<IToken>, rule: StatementRule) => ReadonlyArray<IRecognitionException>;
export type StatementRule = "statement" | "rule" | "aggregateField" | "routeBranch";

/** The rule that reads one statement of each kind of block. */
const statementRules: Readonly<Record<string, StatementRule>> = {
  mapDecl: "statement",
  enrichDecl: "statement",
  auditDecl: "statement",
  sourceDecl: "statement",
  validateDecl: "rule",
  aggregateDecl: "aggregateField",
  routeDecl: "routeBranch",
};

/** Whether the token at `i` starts a statement of a block read by `rule`: `NAME =`, `let`, `require`, `when`. */
function startsStatement(tokens: ReadonlyArray<IToken>, i: number, rule: StatementRule): boolean {
  const t = tokens[i]!;
  const next = tokens[i + 1];
  switch (rule) {
    case "rule":
      return tokenMatcher(t, T.Require);
    case "routeBranch":
      return tokenMatcher(t, T.When);
    default:
      return (tokenMatcher(t, T.Let) && next !== undefined && tokenMatcher(next, T.Name)) || (tokenMatcher(t, T.Name) && next !== undefined && tokenMatcher(next, T.Assign));
  }
}

/**
 * Recovery skips the rest of a block after its first error. The statements in
 * that skipped part that begin on a line of their own are parsed one by one,
 * so a second mistake in the same block is still reported in this pass.
 */
function rescanBlock(ctx: Context, kind: string, errorAt: number, until: number, reparse: Reparse, declStart: number): Diagnostic[] {
  const rule = statementRules[kind];
  if (!rule) return [];
  const tokens = ctx.tokens;
  const errorLine = tokens[tokenIndexAt(tokens, errorAt)]?.startLine ?? 0;
  const starts: number[] = [];
  const end = tokenIndexAt(tokens, until);
  for (let i = tokenIndexAt(tokens, errorAt); i < end; i++) {
    const t = tokens[i]!;
    if ((t.startLine ?? 0) > errorLine && firstOnLine(ctx.text, t) && startsStatement(tokens, i, rule)) starts.push(i);
  }
  const out: Diagnostic[] = [];
  starts.forEach((from, k) => {
    const to = starts[k + 1] ?? end;
    // A statement never runs past the `}` that closes its block.
    const close = tokens.slice(from, to).findIndex((t) => t.tokenType === T.RCurly);
    const slice = tokens.slice(from, close < 0 ? to : from + close);
    // A separator ending the statement belongs to the block, not to it.
    while (slice.length && (slice.at(-1)!.tokenType === T.Comma || slice.at(-1)!.tokenType === T.Semicolon)) slice.pop();
    const first = reparse(slice, rule)[0];
    if (first && !explainedByLexer(ctx, errorOffset(first, ctx.text))) out.push(recognitionDiagnostic(ctx, first, declStart));
  });
  return out;
}

export function syntaxDiagnostics(ctx: Context, decls: ReadonlyArray<CstNode>, errors: ReadonlyArray<IRecognitionException>, reparse?: Reparse): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sorted = [...errors].sort((a, b) => errorOffset(a, ctx.text) - errorOffset(b, ctx.text));
  const starts = decls.map((d) => d.location?.startOffset ?? 0);
  const declOf = (offset: number) => {
    let i = 0;
    // Strictly before: an error at the first token of a stray declaration is where the previous one stopped.
    while (i + 1 < starts.length && starts[i + 1]! < offset) i++;
    return i;
  };
  const byDecl = new Map<number, IRecognitionException[]>();
  for (const e of sorted) {
    const i = declOf(errorOffset(e, ctx.text));
    byDecl.set(i, [...(byDecl.get(i) ?? []), e]);
  }
  let debrisUntil = -1;
  decls.forEach((node, i) => {
    const start = starts[i]!;
    const stray = (node.children["strayDecl"] as CstNode[] | undefined)?.[0];
    if (stray) {
      if (start > debrisUntil) {
        const d = strayDiagnostic(ctx, stray);
        if (d) out.push(d);
      }
      return;
    }
    const first = byDecl.get(i)?.[0];
    if (first === undefined) return;
    const at = errorOffset(first, ctx.text);
    const until = debrisEnd(ctx, start, at);
    debrisUntil = Math.max(debrisUntil, until);
    if (!explainedByLexer(ctx, at)) out.push(recognitionDiagnostic(ctx, first, start));
    // After a missing `}` the rest belongs to the next declaration, which is checked on its own.
    if (reparse && !first.message.startsWith("expected `}`")) out.push(...rescanBlock(ctx, Object.keys(node.children)[0] ?? "", at, until, reparse, start));
  });
  if (decls.length === 0) for (const e of sorted.slice(0, 1)) out.push(recognitionDiagnostic(ctx, e, 0));
  return out;
}

/** An error whose token directly follows a lexical error is a consequence of it. */
function explainedByLexer(ctx: Context, at: number): boolean {
  const idx = tokenIndexAt(ctx.tokens, at);
  const prev = ctx.tokens[idx - 1];
  const from = prev ? (prev.endOffset ?? prev.startOffset) : -1;
  return ctx.lexicalErrors.some((o) => o > from && o <= at);
}
