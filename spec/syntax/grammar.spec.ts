// The grammar passes chevrotain's own checks (ambiguities, left recursion, token
// patterns): the parser and lexer a process uses skip them, so it is here that an
// edit of the grammar that breaks them fails. And nothing builds either at import.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { StreamParser } from "../../grammar/parser.js";
import { parserMessages } from "../../grammar/messages.js";
import { newStreamLexer, streamLexer } from "../../grammar/tokens.js";
import { parse } from "../../src/syntax/parse.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const peppa = fs.readFileSync(path.join(root, "streams", "peppa.stream"), "utf8");

/** A CST as rule names and token images, without positions. */
const shape = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(shape);
  if (typeof node !== "object" || node === null) return node;
  const n = node as { name?: string; children?: Record<string, unknown[]>; image?: string };
  if (n.image !== undefined) return n.image;
  return { name: n.name, children: Object.fromEntries(Object.entries(n.children ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, shape(v)])) };
};

test("the parser and the lexer pass chevrotain's grammar checks", () => {
  // Either constructor throws on a definition error ("Parser Definition Errors detected", "Errors detected in definition of Lexer").
  const parser = new StreamParser(parserMessages, true);
  const lexer = newStreamLexer(true);
  const lexed = lexer.tokenize(peppa);
  assert.equal(lexed.errors, []);
  assert.equal(lexed.tokens.map((t) => t.image), streamLexer.tokenize(peppa).tokens.map((t) => t.image));
  parser.input = lexed.tokens;
  const cst = parser.streamFile();
  assert.equal(parser.errors, []);
  assert.ok((cst.children["declaration"] ?? []).length > 20);
  // The process's parser (without the checks) reads the file the same way.
  const unchecked = new StreamParser(parserMessages, false);
  unchecked.input = lexed.tokens;
  assert.equal(shape(unchecked.streamFile()), shape(cst));
  assert.equal(parse(peppa, "peppa.stream").diagnostics, []);
});

test("importing the API, the CLI or the parser module builds neither parser nor lexer", () => {
  const script = [
    'const grammar = await import("./grammar/parser.ts");',
    'await import("./src/index.ts");',
    'await import("./src/cli/run-cli.ts");',
    'const before = grammar.parserBuilt();',
    'const { compile } = await import("./src/index.ts");',
    'compile("stream s\\nsource a { x string }\\nsink out from a to jsonl \\"o.jsonl\\"\\n", { filename: "s.stream" });',
    'console.log(JSON.stringify([before, grammar.parserBuilt()]));',
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  assert.equal(JSON.parse(out.trim().split("\n").pop()!), [false, true]);
});

test.run();
