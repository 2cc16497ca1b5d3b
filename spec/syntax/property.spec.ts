// parse never throws: random text and random mutations of peppa.stream always
// give an AST and diagnostics whose spans lie inside the text.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../src/syntax/parse.js";

const peppa = readFileSync("streams/peppa.stream", "utf8");
const pieces = ["{", "}", "(", ")", "[", "]", '"', "`", "#", "=", "->", ",", "\n", " ", "from", "map", "else", "30x", "1.5.2", "\\q", "by", "at", "count"];

function wellFormed(text: string): void {
  const { ast, diagnostics } = parse(text, "p.stream");
  assert.is(ast.kind, "StreamFile");
  for (const d of diagnostics) {
    for (const l of d.labels) {
      assert.ok(l.span.start >= 0 && l.span.start <= l.span.end && l.span.end <= text.length, `span ${JSON.stringify(l.span)} outside ${text.length}`);
      assert.ok(l.span.line >= 1 && l.span.column >= 1);
    }
  }
}

test("random strings", () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), wellFormed), { numRuns: 300 });
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((a) => a.join(" ")), wellFormed), { numRuns: 300 });
});

const mutation = fc.record({
  at: fc.nat({ max: peppa.length }),
  length: fc.nat({ max: 12 }),
  insert: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(...pieces)),
});

test("random mutations of peppa.stream", () => {
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = peppa;
      for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.length);
      wellFormed(text);
    }),
    { numRuns: 200 },
  );
});

test.run();
