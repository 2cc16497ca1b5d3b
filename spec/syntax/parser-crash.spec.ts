// The parser never throws: a crash inside it (injected here by breaking the
// lexer for one call) is one E0099 diagnostic and an empty file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { streamLexer } from "../../grammar/tokens.js";
import { parse } from "../../src/syntax/parse.js";
import { formatDiagnostics } from "../../src/diagnostics/render.js";

test("a crash in the parser is E0099, not a stack trace", () => {
  const tokenize = streamLexer.tokenize;
  streamLexer.tokenize = () => {
    throw new Error("the lexer broke");
  };
  try {
    const { ast, diagnostics } = parse("source s { id string }\n", "s.stream");
    assert.equal(ast.decls, []);
    assert.is(formatDiagnostics(diagnostics, { "s.stream": "source s { id string }\n" }).split("\n")[0], "error[E0099]: internal error in the parser: the lexer broke");
  } finally {
    streamLexer.tokenize = tokenize;
  }
  assert.is(parse("source s { id string }\n", "s.stream").diagnostics.length, 0);
});

test.run();
