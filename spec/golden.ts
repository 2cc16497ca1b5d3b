// Golden diagnostics: each DIR/NAME.stream beside NAME.expected (the rendered
// diagnostics). The first line of a case, `# expect: E0002 4:12 …`, lists
// exactly the diagnostics it must report. `UPDATE=1 node scripts/test.mjs …`
// rewrites the expected files; a reviewer reads the diff.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { countSummary, formatDiagnostics } from "../src/diagnostics/render.js";
import { primarySpan, type Diagnostic } from "../src/diagnostics/diagnostic.js";

export interface GoldenOptions {
  /** What the cases are, for test titles: "syntax", "check". */
  readonly what: string;
  readonly minimum: number;
  readonly diagnose: (text: string, file: string) => ReadonlyArray<Diagnostic>;
  /** Compare the listed codes in the order reported (else as a set). */
  readonly ordered: boolean;
}

export function goldenCases(dir: string, options: GoldenOptions): void {
  const cases = readdirSync(dir).filter((f) => f.endsWith(".stream")).sort();
  test(`there are at least ${options.minimum} ${options.what} cases`, () => {
    assert.ok(cases.length >= options.minimum, `only ${cases.length} cases`);
  });
  for (const name of cases) {
    test(`${options.what} case ${name}`, () => {
      const file = `${dir}/${name}`;
      const text = readFileSync(file, "utf8");
      const header = /^# expect:(.*)$/.exec(text.split("\n")[0] ?? "");
      assert.ok(header, `${file} must start with '# expect: CODE line:col'`);
      const order = (xs: string[]) => (options.ordered ? xs : xs.sort());
      const expected = order(header[1]!.trim().split(/\s+(?=[EW]\d{4})/).filter(Boolean));
      const diagnostics = options.diagnose(text, file);
      const actual = order(diagnostics.map((d) => `${d.code} ${primarySpan(d)!.line}:${primarySpan(d)!.column}`));
      assert.equal(actual, expected);
      assert.ok(diagnostics.every((d) => d.code !== "E1999" && d.code !== "E0099"), "no internal errors");
      const rendered = `${formatDiagnostics(diagnostics, { [file]: text })}\n${countSummary(diagnostics)}\n`;
      const expectedFile = file.replace(/\.stream$/, ".expected");
      if (process.env["UPDATE"] === "1") writeFileSync(expectedFile, rendered);
      assert.ok(existsSync(expectedFile), `missing ${expectedFile}; run with UPDATE=1`);
      assert.fixture(rendered, readFileSync(expectedFile, "utf8"));
    });
  }
}
