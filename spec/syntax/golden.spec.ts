// Golden tests of syntax diagnostics: each spec/cases/syntax/NAME.stream beside
// NAME.expected (the rendered diagnostics). The first line of a case,
// `# expect: E0002 4:12 …`, lists exactly the errors it must report.
// `UPDATE=1 node scripts/test.mjs syntax` rewrites the expected files.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { countSummary, formatDiagnostics } from "../../src/diagnostics/render.js";
import { primarySpan } from "../../src/diagnostics/diagnostic.js";
import { parse } from "../../src/syntax/parse.js";

const dir = "spec/cases/syntax";
const cases = readdirSync(dir).filter((f) => f.endsWith(".stream")).sort();

test("there are at least 30 malformed cases", () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`syntax case ${name}`, () => {
    const file = `${dir}/${name}`;
    const text = readFileSync(file, "utf8");
    const header = /^# expect:(.*)$/m.exec(text.split("\n")[0] ?? "");
    assert.ok(header, `${file} must start with '# expect: CODE line:col'`);
    const expected = header[1]!.trim().split(/\s+(?=E\d{4})/).filter(Boolean).sort();
    const { diagnostics } = parse(text, file);
    const actual = diagnostics.map((d) => `${d.code} ${primarySpan(d)!.line}:${primarySpan(d)!.column}`).sort();
    assert.equal(actual, expected);
    const rendered = `${formatDiagnostics(diagnostics, { [file]: text })}\n${countSummary(diagnostics)}\n`;
    const expectedFile = file.replace(/\.stream$/, ".expected");
    if (process.env["UPDATE"] === "1") writeFileSync(expectedFile, rendered);
    assert.ok(existsSync(expectedFile), `missing ${expectedFile}; run with UPDATE=1`);
    assert.fixture(rendered, readFileSync(expectedFile, "utf8"));
  });
}

test.run();
