// A check that crashes is one internal diagnostic (E1999) at its declaration,
// and every other check of the file still runs. The crash is injected through
// a function definition whose check throws.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { check } from "../../src/check/check.js";
import { parse } from "../../src/syntax/parse.js";
import { formatDiagnostics } from "../../src/diagnostics/render.js";
import { sortDiagnostics } from "../../src/diagnostics/diagnostic.js";
import { builtins, type FunctionDef } from "../../src/values/functions/registry.js";

const boom: FunctionDef = {
  ...builtins.get("lower")!,
  name: "boom",
  signature: "boom(s string) -> string",
  check: () => {
    throw new Error("boom's check is broken");
  },
};

const text = `source orders { id string  qty int }
map a from orders { id = boom(id) }
map b from orders { id = id  n = qtty }
test "t" { given orders [ { id: "x", qty: 1 } ]  expect outt count 1 }
sink out from a, b to jsonl "out.jsonl"
`;

test("a crashing check is one E1999 at its step; the other steps' diagnostics remain", () => {
  const { ast } = parse(text, "t.stream");
  const { diagnostics, checked } = check(ast, text, new Map([...builtins, ["boom", boom]]));
  assert.equal(
    sortDiagnostics(diagnostics).map((d) => `${d.code} ${d.labels[0]!.span.line}:${d.labels[0]!.span.column}`),
    ["E1999 2:5", "E1005 3:34", "E1018 4:57"],
  );
  assert.match(formatDiagnostics(diagnostics, { "t.stream": text }), "error[E1999]: internal error in the checker: boom's check is broken\n  --> t.stream:2:5");
  // The crashed step is left out; its consumer is still checked against what is known.
  assert.equal(checked.steps.map((s) => s.name), ["orders", "b", "out"]);
});

test("without the crash, the same file gives the same other diagnostics", () => {
  const fine = text.replace("boom(id)", "lower(id)");
  const { ast } = parse(fine, "t.stream");
  const { diagnostics } = check(ast, fine, builtins);
  assert.equal(sortDiagnostics(diagnostics).map((d) => d.code), ["E1005", "E1018"]);
});

test.run();
