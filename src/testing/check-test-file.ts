// A `NAME.test.stream` file beside `NAME.stream` holds only `stream` and `test`
// declarations. Its tests are checked against the stream's checked result, and
// its diagnostics point into the test file.
import type * as A from "../syntax/ast.js";
import type { CheckedStream } from "../check/checked.js";
import { CheckContext } from "../check/context.js";
import { defaultStreamName } from "../check/check.js";
import { checkTests } from "../check/tests.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** The diagnostics of a test file's declarations, checked against the stream it tests. */
export function checkTestFile(file: A.StreamFile, checked: CheckedStream): Diagnostic[] {
  const ctx = new CheckContext(file.filename, checked.functions);
  for (const [name, info] of checked.tables) ctx.tables.set(name, info);
  const tests: A.TestDecl[] = [];
  let stream: A.StreamDecl | undefined;
  for (const d of file.decls) {
    if (d.kind === "Test") tests.push(d);
    else if (d.kind === "Stream") {
      if (stream) {
        ctx.report("E1012", { kind: "stream" }, d.span, { secondary: [{ span: stream.span, message: "first one here" }] });
        continue;
      }
      stream = d;
      if (d.name.name !== checked.name) {
        ctx.report("E1019.declared", { named: d.name.name, file: checked.ast.filename, actual: checked.name }, d.name.span, {
          hint: `write \`stream ${checked.name}\`, or put the tests beside the stream they test`,
        });
      }
    } else if (d.kind !== "ErrorDecl") {
      const what = "name" in d ? `\`${d.kind.toLowerCase()} ${d.name.name}\`` : `\`${d.kind.toLowerCase()}\``;
      ctx.report("E1020", { what, file: checked.ast.filename }, "name" in d ? d.name.span : d.span);
    }
  }
  if (!stream && defaultStreamName(file.filename) !== checked.name) {
    // Named by its file (`peppa.test.stream` tests `peppa`); only a mismatch needs saying.
    ctx.report("E1019.byFileName", { named: defaultStreamName(file.filename), file: checked.ast.filename, actual: checked.name }, file.span, {
      hint: `declare \`stream ${checked.name}\` at the top of the test file`,
    });
  }
  const steps = new Map(checked.steps.map((s) => [s.name, s]));
  checkTests(ctx, tests, steps);
  // Titles name tests across both files; the stream's own come first.
  for (const t of tests) {
    const first = checked.tests.find((s) => s.title.value === t.title.value);
    if (first) {
      ctx.report("E1001.test", { title: t.title.value }, t.title.span, { notes: [`the first is in ${checked.ast.filename}:${first.title.span.line}:${first.title.span.column}`] });
    }
  }
  return ctx.diagnostics;
}
