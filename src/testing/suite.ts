// The tests of a stream: its own `test` blocks and those of the
// `NAME.test.stream` beside it, compiled and checked together, with every
// diagnostic of both files. What `interpret test` runs.
import type { CheckedStream } from "../check/checked.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { compileStream, type CompileOptions } from "../plan/compile.js";
import type { Plan } from "../plan/plan.js";
import { parse } from "../syntax/parse.js";
import { checkTestFile } from "./check-test-file.js";
import type { TestCase } from "./run-tests.js";

/** A file's text and its name as shown in messages. */
export interface SourceText {
  readonly text: string;
  readonly file: string;
}

export interface TestSuite {
  /** Every diagnostic of the stream and the test file, sorted. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** Present when neither file has errors. */
  readonly plan?: Plan;
  readonly cases: ReadonlyArray<TestCase>;
}

export function collectTests(stream: SourceText, testFile?: SourceText, options: Omit<CompileOptions, "filename"> = {}): TestSuite {
  const compiled = compileStream(stream.text, { ...options, filename: stream.file });
  const diagnostics: Diagnostic[] = [...compiled.diagnostics];
  const checked: CheckedStream | undefined = compiled.checked;
  const cases: TestCase[] = (checked?.tests ?? []).map((decl) => ({ decl, file: stream.file }));
  if (testFile) {
    const parsed = parse(testFile.text, testFile.file);
    diagnostics.push(...parsed.diagnostics);
    if (checked) diagnostics.push(...checkTestFile(parsed.ast, checked));
    for (const d of parsed.ast.decls) if (d.kind === "Test") cases.push({ decl: d, file: testFile.file });
  }
  const sorted = sortDiagnostics(diagnostics);
  return { diagnostics: sorted, cases, ...(compiled.plan && !hasErrors(sorted) ? { plan: compiled.plan } : {}) };
}
