// Golden tests of syntax diagnostics (spec/cases/syntax); see spec/golden.ts.
import { test } from "uvu";
import { parse } from "../../src/syntax/parse.js";
import { goldenCases } from "../golden.js";

goldenCases("spec/cases/syntax", { what: "syntax", minimum: 30, ordered: false, diagnose: (text, file) => parse(text, file).diagnostics });

test.run();
