// Every example stream under streams/ compiles without errors; the examples
// written for the plan and graph commands also without warnings.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream } from "../../src/plan/compile.js";
import { formatDiagnostics } from "../../src/diagnostics/render.js";
import { REPO, exampleStreams } from "./helpers.js";

const WARNING_FREE = new Set(["streams/peppa.stream", "streams/api-metering.stream", "streams/storage-billing.stream"]);

test("there are example streams to check", () => {
  const files = exampleStreams();
  for (const f of WARNING_FREE) assert.ok(files.includes(f), `${f} is missing`);
});

for (const file of exampleStreams()) {
  test(`${file} checks clean`, () => {
    const text = fs.readFileSync(path.join(REPO, file), "utf8");
    const r = compileStream(text, { filename: file });
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    const warnings = r.diagnostics.filter((d) => d.severity === "warning");
    assert.is(errors.length, 0, formatDiagnostics(errors, { [file]: text }));
    assert.ok(r.plan, "a plan is made");
    if (WARNING_FREE.has(file)) assert.is(warnings.length, 0, formatDiagnostics(warnings, { [file]: text }));
    else if (warnings.length) console.log(`${file}: ${warnings.length} warning(s)\n${formatDiagnostics(warnings, { [file]: text })}`);
  });
}

test.run();
