// In-language tests (docs/language.md section 9, "Tests"): checking a test file against its
// stream, running tests against a plan, and comparing records.
export { checkTestFile } from "./check-test-file.js";
export { collectTests, type SourceText, type TestSuite } from "./suite.js";
export { DEFAULT_TEST_NOW, runTests, testMatches, type TestCase, type TestFailure, type TestOptions, type TestResult, type TestStatus } from "./run-tests.js";
export { compareRecords, compareCount, showJson } from "./compare.js";
export { literalToRaw } from "./literal.js";
