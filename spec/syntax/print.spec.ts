// The printer: parse -> print -> parse is the identity (ignoring spans and
// redundant back-quotes), printing is idempotent, and peppa.stream is canonical.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../src/syntax/parse.js";
import { printStream } from "../../src/syntax/print.js";

function streamFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? streamFiles(path) : path.endsWith(".stream") ? [path] : [];
  });
}

/** The AST without layout: spans, operator spans and whether a name was back-quoted. */
const shape = (value: unknown): string =>
  JSON.stringify(value, (key, v) => (key === "span" || key === "opSpan" || key === "quoted" || key === "filename" ? undefined : v));

const clean = [...streamFiles("streams"), ...streamFiles("spec/cases")].filter((f) => parse(readFileSync(f, "utf8"), f).diagnostics.length === 0);

test("there are clean files to print", () => {
  assert.ok(clean.includes("streams/peppa.stream"));
});

for (const file of clean) {
  test(`print round-trips ${file}`, () => {
    const first = parse(readFileSync(file, "utf8"), file);
    const printed = printStream(first.ast);
    const second = parse(printed, file);
    assert.equal(second.diagnostics, []);
    assert.is(shape(second.ast.decls), shape(first.ast.decls));
    assert.is(printStream(second.ast), printed, "printing is idempotent");
  });
}

test("peppa.stream prints to itself byte for byte", () => {
  const text = readFileSync("streams/peppa.stream", "utf8");
  assert.fixture(printStream(parse(text, "streams/peppa.stream").ast), text);
});

test("canonical spacing, minimal parentheses, re-escaped strings, back-quotes only where needed", () => {
  const text = 'map m from s{let t=(a+b)*c;`x`=-(1)+ (2 - 3);`if`="a\\u{9}\\"b"\ny=(a+b)+c ;z=a+(b+c)}';
  assert.fixture(printStream(parse(text, "x.stream").ast), [
    "map m from s {",
    "  let t = (a + b) * c",
    "  x     = -1 + (2 - 3)",
    '  `if`  = "a\\t\\"b"',
    "  y     = a + b + c",
    "  z     = a + (b + c)",
    "}",
    "",
  ].join("\n"));
});

test("comments stay where they were; blank lines are kept, at most one", () => {
  const text = "# head\nstream s\n\n\n\n# about t\ntrigger count 3 # three\nsink a from b to jsonl \"o\"\nsink abc from b to jsonl \"o\"\n";
  assert.fixture(printStream(parse(text, "x.stream").ast), [
    "# head",
    "stream s",
    "",
    "# about t",
    "trigger count 3  # three",
    'sink a   from b to jsonl "o"',
    'sink abc from b to jsonl "o"',
    "",
  ].join("\n"));
});

test.run();
