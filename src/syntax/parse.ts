// The entry point of the front end: text in, AST and syntax diagnostics out.
// It never throws: a crash becomes an internal diagnostic and an empty file.
import type { CstNode } from "chevrotain";
import { streamParser } from "../../grammar/parser.js";
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message as registryMessage } from "../diagnostics/codes.js";
import type { Decl, StreamFile } from "./ast.js";
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
  streamParser.input = lexed.tokens;
  const cst = streamParser.streamFile();
  const errors = [...streamParser.errors];
  const decls = new AstBuilder(lexed, lines).visit(cst) as Decl[];
  const context = {
    file: filename,
    text,
    lines,
    tokens: lexed.tokens,
    lexicalErrors: lexed.diagnostics.map((d) => d.labels[0]?.span.start ?? 0),
  };
  const declNodes = (cst.children["declaration"] ?? []) as CstNode[];
  const parseDiagnostics = syntaxDiagnostics(context, declNodes, errors, (tokens, rule) => streamParser.parseStatement([...tokens], rule));
  const ast: StreamFile = { kind: "StreamFile", filename, decls, comments: lexed.comments, span: lines.span(0, text.length) };
  rememberSource(ast, text);
  return { ast, diagnostics: sortDiagnostics([...lexed.diagnostics, ...parseDiagnostics]) };
}
