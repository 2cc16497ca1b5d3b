// Compiles a stream (and its test file) the way the CLI does, and indexes both.
import { compileStream } from "../plan/compile.js";
import { parse } from "../syntax/parse.js";
import { checkTestFile } from "../testing/index.js";
import type { Analysis, FileIndex } from "./analysis.js";
import { StreamIndexer } from "./indexer.js";

export interface SourceFile {
  readonly uri: string;
  /** The file name the compiler is given (diagnostics carry it). */
  readonly filename: string;
  readonly text: string;
}

export function buildAnalysis(stream: SourceFile, tests?: SourceFile): Analysis {
  const compiled = compileStream(stream.text, { filename: stream.filename });
  const { checked } = compiled;
  // The compiler's AST is in `checked`; without it (a checker crash) parse again for the outline.
  const ast = checked?.ast ?? parse(stream.text, stream.filename).ast;
  const indexer = new StreamIndexer(checked);
  indexer.indexFile(ast);
  let testIndex: FileIndex | undefined;
  if (tests) {
    const parsed = parse(tests.text, tests.filename);
    indexer.indexTests(parsed.ast.decls.filter((d) => d.kind === "Test"), "tests");
    for (const d of parsed.ast.decls) if (d.kind === "Stream") indexer.indexStreamName(d, "tests");
    const diagnostics = [...parsed.diagnostics, ...(checked ? checkTestFile(parsed.ast, checked) : [])];
    testIndex = { uri: tests.uri, text: tests.text, ast: parsed.ast, occurrences: indexer.occurrences("tests"), diagnostics };
  }
  const streamIndex: FileIndex = { uri: stream.uri, text: stream.text, ast, occurrences: indexer.occurrences("stream"), diagnostics: compiled.diagnostics };
  return { stream: streamIndex, ...(testIndex ? { tests: testIndex } : {}), ...(checked ? { checked } : {}), definitions: indexer.definitions() };
}
