// Golden tests of semantic diagnostics (spec/cases/check); see spec/golden.ts.
// Diagnostics come sorted by position: the order is part of what a user sees.
import { test } from "uvu";
import { compileStream } from "../../src/plan/compile.js";
import { goldenCases } from "../golden.js";

goldenCases("spec/cases/check", { what: "check", minimum: 30, ordered: true, diagnose: (text, file) => compileStream(text, { filename: file }).diagnostics });

test.run();
