// Golden tests of semantic diagnostics: each spec/cases/check/NAME.stream beside
// NAME.expected (the rendered diagnostics). The first line of a case,
// `# expect: E1005 4:12 …`, lists exactly the diagnostics (errors and warnings)
// it must report. `UPDATE=1 node scripts/test.mjs check` rewrites the expected files.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { countSummary, formatDiagnostics } from "../../src/diagnostics/render.js";
import { primarySpan } from "../../src/diagnostics/diagnostic.js";
import { compileStream } from "../../src/plan/compile.js";

const dir = "spec/cases/check";
const cases = readdirSync(dir).filter((f) => f.endsWith(".stream")).sort();

test("there are at least 30 semantic cases", () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`check case ${name}`, () => {
    const file = `${dir}/${name}`;
    const text = readFileSync(file, "utf8");
    const header = /^# expect:(.*)$/.exec(text.split("\n")[0] ?? "");
    assert.ok(header, `${file} must start with '# expect: CODE line:col'`);
    const expected = header[1]!.trim().split(/\s+(?=[EW]\d{4})/).filter(Boolean);
    const { diagnostics } = compileStream(text, { filename: file });
    // Diagnostics come sorted by position: the order is part of what a user sees.
    const actual = diagnostics.map((d) => `${d.code} ${primarySpan(d)!.line}:${primarySpan(d)!.column}`);
    assert.equal(actual, expected);
    assert.ok(diagnostics.every((d) => d.code !== "E1999"), "no internal errors");
    const rendered = `${formatDiagnostics(diagnostics, { [file]: text })}\n${countSummary(diagnostics)}\n`;
    const expectedFile = file.replace(/\.stream$/, ".expected");
    if (process.env["UPDATE"] === "1") writeFileSync(expectedFile, rendered);
    assert.ok(existsSync(expectedFile), `missing ${expectedFile}; run with UPDATE=1`);
    assert.fixture(rendered, readFileSync(expectedFile, "utf8"));
  });
}

test.run();
