// Golden diagnostics of test files (spec/cases/test-files/NAME.test.stream),
// each checked against the stream in spec/cases/test-files/tested/; see spec/golden.ts.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import { compileStream } from "../../src/plan/compile.js";
import { parse } from "../../src/syntax/parse.js";
import { checkTestFile } from "../../src/testing/check-test-file.js";
import { goldenCases } from "../golden.js";

const TESTED = "spec/cases/test-files/tested/shop.stream";
const tested = compileStream(readFileSync(TESTED, "utf8"), { filename: TESTED });

goldenCases("spec/cases/test-files", {
  what: "test file",
  minimum: 3,
  ordered: true,
  diagnose: (text, file) => {
    const { ast, diagnostics } = parse(text, file);
    return [...diagnostics, ...checkTestFile(ast, tested.checked!)];
  },
});

test.run();
