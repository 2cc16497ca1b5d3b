// Deep nesting and long chains in a stream file end in a diagnostic at the place or in
// success, never in an internal error (E0099, E1999) or a stack overflow: the parser stops at
// MAX_NESTING, the AST builder at MAX_EXPR_DEPTH, the step graph is walked with an explicit
// stack, and a path of steps is at most MAX_CHAIN long.
import { isRight } from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MAX_NESTING } from "../../grammar/parser.js";
import { MAX_CHAIN } from "../../src/check/graph.js";
import { compileStream } from "../../src/plan/compile.js";
import { prepareRunner } from "../../src/runtime/runner.js";
import { MAX_EXPR_DEPTH } from "../../src/syntax/build-expr.js";
import { parse } from "../../src/syntax/parse.js";
import { printStream } from "../../src/syntax/print.js";

const head = "source a { x int  n int? }\n";
const withExpr = (e: string) => `${head}map m from a { y = ${e} }\nsink o from m to jsonl "o.jsonl"\n`;

function compile(text: string) {
  const started = Date.now();
  const result = compileStream(text, { filename: "deep.stream" });
  const codes = result.diagnostics.map((d) => d.code);
  assert.not.ok(codes.includes("E0099") || codes.includes("E1999"), `internal error: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return { ...result, codes, ms: Date.now() - started };
}

/** The one diagnostic of `text`: its code, line and column. */
function only(text: string) {
  const r = compile(text);
  assert.is(r.diagnostics.length, 1, r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  const d = r.diagnostics[0]!;
  const span = d.labels[0]!.span;
  return { code: d.code, message: d.message, line: span.line, column: span.column, text: text.slice(span.start, span.end) };
}

/** Runs a stream that compiled, on one record `{x: 2}`, and gives `m`'s field `y`. */
function runY(text: string): unknown {
  const r = compile(text);
  assert.equal(r.codes, []);
  const prepared = prepareRunner(r.plan!, {});
  assert.ok(isRight(prepared));
  if (!isRight(prepared)) return undefined;
  const out = prepared.right.run({ sources: { a: [{ x: 2 }] }, now: new Date(0) });
  return (out.outputs["o"]![0] as { y: unknown }).y;
}

test("the issue's inputs: 1,000 nested parentheses, `if`s and brackets stop at the level past the limit", () => {
  const cases: Array<[string, string, string]> = [
    ["(".repeat(1000) + "x" + ")".repeat(1000), "(", "parentheses"],
    ["if n > 1 then ".repeat(1000) + "1" + " else 2".repeat(1000), "if", "nested if"],
    ["if n > 1 then 1 else ".repeat(1000) + "2", "if", "else-if chain"],
    ["[".repeat(1000) + "x" + "]".repeat(1000), "[", "lists"],
    ["not ".repeat(10_000) + "true", "not", "not"],
    ["- ".repeat(10_000) + "x", "-", "unary minus"],
    ["coalesce(".repeat(1000) + "x" + ")".repeat(1000), "coalesce", "calls"],
  ];
  for (const [expr, at, label] of cases) {
    const d = only(withExpr(expr));
    assert.is(d.code, "E0015", label);
    assert.is(d.message, `nesting too deep here (limit ${MAX_NESTING} levels)`, label);
    assert.is(d.line, 2, label);
    assert.is(d.text, at, label);
  }
  // The type cut off at the limit is also reported as incomplete (E2007).
  const types = compile(`source a { x ${"list<".repeat(1000)}int${">".repeat(1000)} }\nsink o from a to jsonl "o.jsonl"\n`);
  assert.ok(types.codes.includes("E0015"), types.codes.join());
  const braces = compile(`${head}${"{".repeat(10_000)}${"}".repeat(10_000)}\nsink o from a to jsonl "o.jsonl"\n`);
  assert.ok(braces.codes.includes("E0015"), braces.codes.join());
});

test("the level past the limit is the one reported: 32 parentheses are fine, the 33rd is at its column", () => {
  assert.is(runY(withExpr("(".repeat(MAX_NESTING) + "x" + ")".repeat(MAX_NESTING))), 2);
  const d = only(withExpr("(".repeat(MAX_NESTING + 1) + "x" + ")".repeat(MAX_NESTING + 1)));
  assert.is(d.code, "E0015");
  assert.is(d.column, "map m from a { y = ".length + MAX_NESTING + 1);
  assert.is(runY(withExpr("if x > 1 then 1 else ".repeat(MAX_NESTING - 1) + "0")), 1);
  assert.is(runY(withExpr("not ".repeat(MAX_NESTING) + "true")), true);
});

test("10,000-term `+`, `and` and `??` chains stop at the operator past the depth limit", () => {
  // `x > 1` is one level itself, so the 256th `and` is the first past the limit.
  for (const [first, op, term, past] of [["x", "+", "x", MAX_EXPR_DEPTH + 1], ["x > 1", "and", "x > 1", MAX_EXPR_DEPTH], ["n", "??", "x", MAX_EXPR_DEPTH + 1]] as const) {
    const d = only(withExpr(first + ` ${op} ${term}`.repeat(10_000)));
    assert.is(d.code, "E0016", op);
    assert.is(d.message, `expression too deep here (limit ${MAX_EXPR_DEPTH} levels)`);
    assert.is(d.text, op);
    const column = "map m from a { y = ".length + first.length + ` ${op} ${term}`.length * (past - 1) + 2;
    assert.is(d.column, column, op);
  }
  assert.is(runY(withExpr("x" + " + x".repeat(MAX_EXPR_DEPTH))), 2 * (MAX_EXPR_DEPTH + 1));
  assert.is(runY(withExpr("n" + " ?? n".repeat(MAX_EXPR_DEPTH - 1) + " ?? x")), 2);
});

test("the deepest accepted expression prints and reparses to the same text", () => {
  const text = withExpr("(".repeat(40) + "x" + " + x".repeat(200) + ")".repeat(40));
  const printed = printStream(parse(text, "deep.stream").ast);
  assert.equal(parse(printed, "deep.stream").diagnostics, []);
  assert.is(printStream(parse(printed, "deep.stream").ast), printed);
});

const chain = (n: number, cyclic: boolean) => {
  const lines = [head];
  for (let i = 1; i <= n; i++) lines.push(`map s${i} from ${i === 1 ? (cyclic ? `s${n}` : "a") : `s${i - 1}`} { x = x }\n`);
  lines.push(`sink o from s${n} to jsonl "o.jsonl"\n`);
  return lines.join("");
};

test("a 5,000-step cycle is one E1004 naming its ends", () => {
  const d = only(chain(5000, true));
  assert.is(d.code, "E1004");
  assert.is(d.message, "steps form a cycle: s1 -> s5000 -> s4999 -> s4998 -> s4997 -> s4996 -> … -> s6 -> s5 -> s4 -> s3 -> s2 -> s1 (5000 steps)");
  assert.is(d.line, 2);
});

test("a chain of steps longer than the limit is E1021 at the first step past it; one at the limit runs", () => {
  const d = only(chain(MAX_CHAIN + 500, false));
  assert.is(d.code, "E1021");
  assert.is(d.message, `step \`s${MAX_CHAIN}\` is step ${MAX_CHAIN + 1} of a path from a source (limit ${MAX_CHAIN})`);
  assert.is(d.line, MAX_CHAIN + 1);
  // MAX_CHAIN counts the source and the sink.
  const r = compile(chain(MAX_CHAIN - 2, false));
  assert.equal(r.codes, []);
  const prepared = prepareRunner(r.plan!, {});
  assert.ok(isRight(prepared));
  if (isRight(prepared)) assert.equal(prepared.right.run({ sources: { a: [{ x: 7 }] }, now: new Date(0) }).outputs["o"], [{ x: 7 }]);
});

// Random expressions built from every construct that nests, to random depths around the limits.
type Gen = { text: string; nesting: number; depth: number };
const leaf: fc.Arbitrary<Gen> = fc.constantFrom("x", "n", "1", "2.5", '"s"').map((text) => ({ text, nesting: 0, depth: 0 }));
// Each wrapping is a primary expression, so a `+` chain after it stays outside it.
const wrap = (g: Gen, kind: number): Gen => {
  switch (kind) {
    case 0: return { text: `(${g.text})`, nesting: g.nesting + 1, depth: g.depth };
    case 1: return { text: `(if n > 1 then ${g.text} else 0)`, nesting: g.nesting + 2, depth: Math.max(g.depth, 1) + 1 };
    case 2: return { text: `(not (${g.text}))`, nesting: g.nesting + 3, depth: g.depth + 1 };
    case 3: return { text: `[${g.text}]`, nesting: g.nesting + 1, depth: g.depth + 1 };
    case 4: return { text: `coalesce(${g.text})`, nesting: g.nesting + 1, depth: g.depth + 1 };
    default: return { text: `-(${g.text})`, nesting: g.nesting + 2, depth: g.depth + 1 };
  }
};
const nested: fc.Arbitrary<Gen> = fc
  .tuple(leaf, fc.array(fc.tuple(fc.nat(5), fc.nat(40)), { maxLength: 90 }))
  .map(([start, steps]) => steps.reduce((g, [kind, chainLength]) => {
    const w = wrap(g, kind);
    // A chain `w + x + …`: each term is one level more of the tree, none of nesting.
    return { text: w.text + " + x".repeat(chainLength), nesting: w.nesting, depth: w.depth + chainLength };
  }, start));

test("property: nested and long expressions never throw and never give an internal error", () => {
  fc.assert(
    fc.property(nested, (g) => {
      const r = compile(withExpr(g.text));
      const limited = r.codes.filter((c) => c === "E0015" || c === "E0016");
      // The limits, and nothing else, decide: within both, no limit diagnostic.
      if (g.nesting <= MAX_NESTING && g.depth <= MAX_EXPR_DEPTH) assert.equal(limited, [], `${g.nesting}/${g.depth}`);
      if (g.nesting > MAX_NESTING) assert.ok(limited.includes("E0015"), `${g.nesting}: ${r.codes.join()}`);
      else if (g.depth > MAX_EXPR_DEPTH) assert.equal(limited, ["E0016"], `${g.depth}: ${r.codes.join()}`);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    }),
    { numRuns: 60 },
  );
});

test.run();
