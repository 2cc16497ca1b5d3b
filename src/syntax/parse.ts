// The entry point of the front end: text in, AST and syntax diagnostics out.
// It never throws: a crash becomes an internal diagnostic and an empty file.
import type { CstNode, IToken } from "chevrotain";
import { MAX_NESTING, streamParser } from "../../grammar/parser.js";
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message as registryMessage } from "../diagnostics/codes.js";
import type { Decl, StreamFile, TypeRef } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import { lex } from "./lex.js";
import { syntaxDiagnostics } from "./parse-errors.js";
import { rememberSource } from "./source-text.js";
import { LineIndex } from "./span.js";

export interface ParseResult {
  readonly ast: StreamFile;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export function parse(text: string, filename: string): ParseResult {
  const lines = new LineIndex(text);
  try {
    return parseOrThrow(text, filename, lines);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const ast: StreamFile = { kind: "StreamFile", filename, decls: [], comments: [], span: lines.span(0, text.length) };
    return { ast, diagnostics: [diagnostic(filename, registryMessage("E0099", { reason: message }), lines.span(0, 0))] };
  }
}

function parseOrThrow(text: string, filename: string, lines: LineIndex): ParseResult {
  const lexed = lex(text, filename, lines);
  streamParser.tooDeep = [];
  streamParser.input = lexed.tokens;
  const cst = streamParser.streamFile();
  const tooDeep = streamParser.tooDeep;
  const builder = new AstBuilder(lexed, lines, filename);
  const decls = builder.visit(cst) as Decl[];
  const context = {
    file: filename,
    text,
    lines,
    tokens: lexed.tokens,
    lexicalErrors: lexed.diagnostics.map((d) => d.labels[0]?.span.start ?? 0),
  };
  const declNodes = (cst.children["declaration"] ?? []) as CstNode[];
  const deep = nestingDiagnostics(filename, lines, declNodes, tooDeep);
  const errors = streamParser.errors.filter((e) => !deep.explains(offsetOf(e.token)));
  const parseDiagnostics = syntaxDiagnostics(context, declNodes, errors, (tokens, rule) => streamParser.parseStatement([...tokens], rule))
    .filter((d) => !deep.explains(d.labels[0]?.span.start ?? 0));
  const ast: StreamFile = { kind: "StreamFile", filename, decls, comments: lexed.comments, span: lines.span(0, text.length) };
  rememberSource(ast, text);
  return { ast, diagnostics: sortDiagnostics([...lexed.diagnostics, ...parseDiagnostics, ...deep.diagnostics, ...builder.diagnostics]) };
}

const offsetOf = (t: IToken): number => (Number.isFinite(t.startOffset) ? t.startOffset : Infinity);

/**
 * One E0015 per declaration where nesting passed the limit. The parser's refusal to go deeper
 * leaves errors from there on, in that declaration and in the stray ones recovery makes of the
 * rest of the expression, up to the next real declaration; they are debris and stay silent.
 */
function nestingDiagnostics(file: string, lines: LineIndex, decls: ReadonlyArray<CstNode>, tooDeep: ReadonlyArray<IToken>) {
  const realStarts = decls.filter((d) => d.children["strayDecl"] === undefined).map((d) => d.location?.startOffset ?? 0);
  const ranges: Array<readonly [number, number]> = [];
  const explains = (at: number): boolean => ranges.some(([from, to]) => at >= from && at < to);
  const diagnostics: Diagnostic[] = [];
  for (const t of [...tooDeep].sort((a, b) => offsetOf(a) - offsetOf(b))) {
    const at = Math.min(offsetOf(t), lines.text.length);
    if (explains(at)) continue;
    ranges.push([at, realStarts.find((s) => s > at) ?? Infinity]);
    const end = Number.isFinite(t.endOffset) ? t.endOffset! + 1 : at;
    diagnostics.push(diagnostic(file, registryMessage("E0015", { limit: MAX_NESTING }), lines.span(at, end), {
      label: `level ${MAX_NESTING + 1}`,
      notes: ["brackets, calls, indexes, `if`, `not`, unary `-`, `<…>` types and `run` blocks each nest one level"],
      hint: "name the inner parts with `let`, consts or earlier steps",
    }));
  }
  return { diagnostics, explains };
}

/**
 * A type written as in the language (`list<map<int>>`), parsed by the grammar's
 * own `typeRef` rule: the one type parser, also for host function types. Undefined
 * when the text is not exactly one type.
 */
export function parseType(text: string): TypeRef | undefined {
  const lines = new LineIndex(text);
  try {
    const lexed = lex(text, "<type>", lines);
    if (lexed.diagnostics.length) return undefined;
    streamParser.tooDeep = [];
    streamParser.input = lexed.tokens;
    const cst = streamParser.typeRef();
    if (streamParser.errors.length || streamParser.tooDeep.length) return undefined;
    const builder = new AstBuilder(lexed, lines, "<type>");
    const ref = builder.visit(cst) as TypeRef;
    return builder.diagnostics.length ? undefined : ref;
  } catch {
    return undefined;
  }
}
