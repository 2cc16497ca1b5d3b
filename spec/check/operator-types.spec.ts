// Operator typing, through the checker: the type a `map` field gets from
// `a OP b`, or the diagnostic the user sees, and (property) that what the
// checker admits the compiled kernels compute at that type.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import Big from "big.js";
import type * as A from "../../src/syntax/ast.js";
import { compileStream } from "../../src/plan/compile.js";
import { compileExpr } from "../../src/plan/compile-expr.js";
import { constantEnv, newFrame } from "../../src/plan/env.js";
import { typeToString } from "../../src/values/types.js";
import { Duration, Timestamp, valueKind, type Value } from "../../src/values/value.js";

const FIELDS = { i: "int", n: "number", d: "decimal", s: "string", b: "bool", t: "timestamp", u: "duration", l: "list<int>", ls: "list<string>", m: "map<int>" } as const;
type Field = keyof typeof FIELDS;
const SOURCE = `source src { ${Object.entries(FIELDS).map(([k, v]) => `${k} ${v}`).join("  ")} }\n`;

const streamOf = (expr: string) => `${SOURCE}map m from src { x = ${expr} }\nsink out from m to jsonl "out.jsonl"\n`;

/** The type the checker gives `expr`, or the codes and messages it reports. */
function typeOf(expr: string): string {
  const out = compileStream(streamOf(expr), { filename: "t.stream" });
  const errors = out.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) return errors.map((d) => `${d.code}: ${d.message}`).join("; ");
  const x = out.checked!.steps.find((s) => s.name === "m")!.ports.get("main")!.find((f) => f.name === "x")!;
  return typeToString(x.type);
}

test("arithmetic result types", () => {
  assert.is(typeOf("i + i"), "int");
  assert.is(typeOf("i / i"), "decimal"); // exact division (issue 11): money divided stays money
  assert.is(typeOf("i + d"), "decimal");
  assert.is(typeOf("d * n"), "number");
  assert.is(typeOf("s + s"), "string");
  assert.is(typeOf("t + u"), "timestamp");
  assert.is(typeOf("u + t"), "timestamp");
  assert.is(typeOf("t - t"), "duration");
  assert.is(typeOf("i * u"), "duration");
  assert.is(typeOf("u / i"), "duration");
  assert.is(typeOf("u / u"), "decimal"); // a ratio of durations is exact too
  assert.is(typeOf("i % i"), "int");
  assert.is(typeOf("i + null"), "int");
  assert.is(typeOf("-d"), "decimal");
  assert.is(typeOf("-u"), "duration");
});

test("unknown operands (any) are admitted and stay unknown", () => {
  // `[][0]` is an element of an empty list: its type is not known.
  assert.is(typeOf("[][0] + s"), "any");
  assert.is(typeOf("[][0] < s"), "bool");
});

test("arithmetic type errors", () => {
  assert.is(typeOf('s + i'), "E2001: `+` is not defined for string and int");
  assert.is(typeOf("s - s"), "E2001: `-` is not defined for string and string");
  assert.is(typeOf("t + t"), "E2001: `+` is not defined for timestamp and timestamp");
  assert.is(typeOf("u % u"), "E2001: `%` is not defined for duration and duration");
  assert.is(typeOf("-s"), "E2001: `-` needs a number or a duration, not string");
});

test("comparisons: one type, numbers across kinds; strings, times and numbers are ordered, bools and lists are not", () => {
  assert.is(typeOf("s < s"), "bool");
  assert.is(typeOf("i < d"), "bool");
  assert.is(typeOf("t >= t"), "bool");
  assert.is(typeOf("u > u"), "bool");
  assert.is(typeOf("b == b"), "bool");
  assert.is(typeOf("i == n"), "bool");
  assert.is(typeOf("s == null"), "bool");
  assert.is(typeOf("b < b"), "E2001: cannot order bool against bool");
  assert.is(typeOf("l < l"), "E2001: cannot order list<int> against list<int>");
  assert.is(typeOf("s == i"), "E2001: `==` compares string with int, which are never equal");
  assert.is(typeOf("i between 1 and d"), "bool");
  assert.is(typeOf("b between false and true"), "E2001: cannot compare bool with bool; E2001: cannot compare bool with bool");
  assert.is(typeOf('i between 1 and "9"'), "E2001: cannot compare int with string");
});

test("logic, `??`, `in` and `matches`", () => {
  assert.is(typeOf("b and not b"), "bool");
  assert.is(typeOf("b or i"), "E2001: `or` needs bools, but this is int");
  assert.is(typeOf("not s"), "E2001: `not` needs a bool, not string");
  assert.is(typeOf("i ?? 0"), "int");
  assert.is(typeOf("i ?? d"), "decimal");
  assert.is(typeOf('i ?? "none"'), "E2020: both sides of `??` must have one type: int and string");
  assert.is(typeOf("i in l"), "bool");
  assert.is(typeOf('s in m'), "bool");
  assert.is(typeOf("s in l"), "E2001: a list of int cannot contain string");
  assert.is(typeOf("i in m"), "E2001: map keys are strings, not int");
  assert.is(typeOf("i in s"), "E2001: `in` needs a table, a list or a map, but this is string");
  assert.is(typeOf('s matches "^a"'), "bool");
  assert.is(typeOf('i matches "^a"'), "E2001: `matches` needs a string, not int");
});

// Property: for every operator and pair of field types the checker admits,
// the compiled expression gives null or a value of the static type.
const SAMPLES: Record<Field, fc.Arbitrary<Value>> = {
  i: fc.integer({ min: -1000, max: 1000 }),
  n: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  d: fc.integer({ min: -100000, max: 100000 }).map((x) => new Big(x).div(100)),
  s: fc.string({ maxLength: 4 }),
  b: fc.boolean(),
  t: fc.integer({ min: 0, max: 4e12 }).map((ms) => new Timestamp(ms)),
  u: fc.integer({ min: -1e9, max: 1e9 }).map((ms) => new Duration(ms)),
  l: fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }),
  ls: fc.array(fc.string({ maxLength: 2 }), { maxLength: 3 }),
  m: fc.constant(new Map([["a", 1]])),
};
const OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "??", "and", "or"] as const;

test("property: what the checker admits, the kernels compute at the checked type", () => {
  const names = Object.keys(FIELDS) as Field[];
  fc.assert(
    fc.property(fc.constantFrom(...OPS), fc.constantFrom(...names), fc.constantFrom(...names), (op, a, b) => {
      const out = compileStream(streamOf(`${a} ${op} ${b}`), { filename: "t.stream" });
      if (out.diagnostics.some((d) => d.severity === "error")) return;
      const checked = out.checked!;
      const node = [...checked.types.keys()].find((e): e is A.Binary => e.kind === "Binary")!;
      const type = checked.types.get(node)!.kind;
      const fn = compileExpr(node, { checked, locals: new Map() });
      fc.assert(
        fc.property(SAMPLES[a], SAMPLES[b], (x, y) => {
          const v = fn({ [a]: x, [b]: y }, newFrame(constantEnv(), 0));
          const kind = valueKind(v);
          const fits = v === null || type === "any" || kind === type || (type === "number" && kind === "int");
          assert.ok(fits, `${a} ${op} ${b}: checked ${type}, computed ${kind}`);
        }),
        { numRuns: 20 },
      );
    }),
    { numRuns: 150 },
  );
});

test("property: greatest, least, coalesce and if hand back their value at the checked type (a chosen int is a decimal where the type is decimal)", () => {
  const numeric = ["i", "n", "d"] as const;
  const value = (f: (typeof numeric)[number]) => fc.option(SAMPLES[f], { nil: null });
  fc.assert(
    fc.property(
      fc.constantFrom("greatest", "least", "coalesce", "if"),
      fc.array(fc.constantFrom(...numeric), { minLength: 2, maxLength: 3 }),
      fc.boolean(),
      fc.gen(),
      (fn, args, cond, g) => {
        const names = args.map((f, k) => `${f}${k}`);
        const src = `source src { b bool  ${names.map((n, k) => `${n} ${FIELDS[args[k]!]}?`).join("  ")} }\n`;
        const expr = fn === "if" ? `if b then ${names[0]} else ${names[1]}` : `${fn}(${names.join(", ")})`;
        const out = compileStream(`${src}map m from src { x = ${expr} }\nsink out from m to jsonl "out.jsonl"\n`, { filename: "t.stream" });
        assert.equal(out.diagnostics.filter((d) => d.severity === "error"), []);
        const used = args.slice(0, fn === "if" ? 2 : 3);
        const mixes = used.includes("d") && used.includes("n");
        assert.is(out.diagnostics.some((d) => d.code === "W1010"), mixes, `${expr}: W1010 ${mixes ? "expected" : "not expected"}`);
        const checked = out.checked!;
        const node = [...checked.types.keys()].find((e) => e.kind === (fn === "if" ? "If" : "Call"))!;
        const type = checked.types.get(node)!.kind;
        const rec: Record<string, Value> = { b: cond };
        names.forEach((n, k) => (rec[n] = g(() => value(args[k]!))));
        const v = compileExpr(node, { checked, locals: new Map() })(rec, newFrame(constantEnv(), 0));
        const kind = valueKind(v);
        assert.ok(v === null || kind === type || (type === "number" && kind === "int"), `${expr} over ${JSON.stringify(rec)}: checked ${type}, computed ${kind}`);
      },
    ),
    { numRuns: 300 },
  );
});

test("`??` and `if` hand back the value at the type they were given: decimal ?? number is a number", () => {
  const valueOf = (expr: string, rec: Record<string, Value>): Value => {
    const out = compileStream(streamOf(expr), { filename: "t.stream" });
    const checked = out.checked!;
    const node = [...checked.types.keys()].find((e) => e.kind === "Binary" || e.kind === "If")!;
    return compileExpr(node, { checked, locals: new Map() })(rec, newFrame(constantEnv(), 0));
  };
  assert.is(valueOf("d ?? n", { d: new Big("1.25"), n: 2 }), 1.25);
  assert.is(valueOf("n ?? d", { n: null, d: new Big("1.5") }), 1.5);
  assert.ok(valueOf("i ?? d", { i: 3, d: new Big(1) }) instanceof Big);
  assert.is(String(valueOf("i ?? d", { i: 3, d: new Big(1) })), "3");
  assert.is(valueOf("if b then d else n", { b: true, d: new Big("0.5"), n: 1 }), 0.5);
  assert.ok(valueOf("if b then i else d", { b: true, i: 7, d: new Big(1) }) instanceof Big);
});

test.run();
