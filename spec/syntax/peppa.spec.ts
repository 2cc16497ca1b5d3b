// streams/peppa.stream parses cleanly, into the AST a user would expect.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AggregateDecl, Decl, MapDecl, SourceDecl, ValidateDecl } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";

const file = "streams/peppa.stream";
const text = readFileSync(file, "utf8");
const { ast, diagnostics } = parse(text, file);
const named = <K extends Decl["kind"]>(kind: K, name: string) =>
  ast.decls.find((d) => d.kind === kind && "name" in d && d.name.name === name) as Extract<Decl, { kind: K }>;

test("peppa.stream parses with no diagnostics", () => {
  assert.equal(diagnostics, []);
  assert.is(ast.decls.length, 28);
  assert.ok(ast.decls.every((d) => d.kind !== "ErrorDecl"));
});

test("a field called `at` is a plain name, in a simulate source and in rules", () => {
  const core = named("Source", "core") as SourceDecl;
  assert.is(core.origin.kind, "SimulateOrigin");
  const at = core.fields.at(-1)!;
  assert.is(at.kind === "Assign" && at.target.name, "at");
  const rule = (named("Validate", "core_ok") as ValidateDecl).rules[2]!;
  assert.is(rule.expr.kind === "Binary" && rule.expr.left.kind === "NameRef" && rule.expr.left.name.name, "at");
  assert.is(rule.message?.value, "event time lies in the future");
});

test("`count() by funnel` is an aggregate field with a drill-down", () => {
  const usage = named("Aggregate", "usage") as AggregateDecl;
  const byFunnel = usage.fields.find((f) => f.name.name === "by_funnel")!;
  assert.is(byFunnel.value.kind === "Call" && byFunnel.value.callee.name, "count");
  assert.is(byFunnel.by?.kind === "NameRef" && byFunnel.by.name.name, "funnel");
  assert.equal(usage.keys.map((k) => [k.name.name, k.expr?.kind]), [["account_id", undefined], ["period", "Call"]]);
  assert.equal(usage.flush.map((f) => f.kind), ["FlushAt", "FlushAfterIdle"]);
  assert.is(usage.eventTime?.at.kind === "NameRef" && usage.eventTime.at.name.name, "at");
  assert.is(usage.eventTime?.lateness?.kind === "DurationLit" && usage.eventTime.lateness.text, "2d");
});

test("`for each funnel, n in by_funnel` binds two names", () => {
  const m = named("Map", "funnel_analytics") as MapDecl;
  assert.equal(m.forEach?.vars.map((v) => v.name), ["funnel", "n"]);
  assert.is(m.forEach?.over.kind === "NameRef" && m.forEach.over.name.name, "by_funnel");
});

test("spans point at the source text", () => {
  const m = named("Map", "billable") as MapDecl;
  assert.is(text.slice(m.span.start, m.span.start + 12), "map billable");
  assert.is(text.slice(m.body[1]!.span.start, m.body[1]!.span.end), "plan       = crm_accounts[account_id].plan");
  assert.is(ast.comments[0]!.text, "# Peppa CRM: usage-based billing from CRM funnel events.");
});

test("soft keywords are names wherever a name is expected", () => {
  const src = `map m from s { count = count() key = 1 run = run() map = now() by = 2 to = 3 from = 4 }
sink to from map, key.run to jsonl "out.jsonl"`;
  const r = parse(src, "soft.stream");
  assert.equal(r.diagnostics, []);
  const m = r.ast.decls[0] as MapDecl;
  assert.equal(m.body.map((s) => (s.kind === "Assign" ? s.target.name : "")), ["count", "key", "run", "map", "by", "to", "from"]);
  const sink = r.ast.decls[1]!;
  assert.is(sink.kind === "Sink" && sink.inputs[1]!.port?.name, "run");
});

test("literals: escapes, underscores, decimals, durations, back-quoted names", () => {
  const r = parse('const x = ["a\\"b\\u{1F600}\\n", 1_000_000, 12.50, 500ms, 30d, `event-type`, true, null]', "lit.stream");
  assert.equal(r.diagnostics, []);
  const list = (r.ast.decls[0] as Extract<Decl, { kind: "Const" }>).value;
  assert.ok(list.kind === "ListLit");
  const [s, i, d, ms, days, q] = list.items;
  assert.is(s?.kind === "StringLit" && s.value, 'a"b\u{1F600}\n');
  assert.is(i?.kind === "IntLit" && i.value, 1_000_000);
  assert.is(d?.kind === "DecimalLit" && d.text, "12.50");
  assert.is(ms?.kind === "DurationLit" && ms.ms, 500);
  assert.is(days?.kind === "DurationLit" && days.ms, 30 * 86_400_000);
  assert.ok(q?.kind === "NameRef" && q.name.quoted && q.name.name === "event-type");
});

test("precedence: if < ?? < or < and < not < comparison < + < * < unary < postfix", () => {
  const r = parse("const x = not a.b[1] * -2 + 3 > 4 and c or d ?? e", "p.stream");
  const v = (r.ast.decls[0] as Extract<Decl, { kind: "Const" }>).value;
  assert.ok(v.kind === "Binary" && v.op === "??");
  assert.ok(v.left.kind === "Binary" && v.left.op === "or");
  const and = v.left.left;
  assert.ok(and.kind === "Binary" && and.op === "and" && and.left.kind === "Unary" && and.left.op === "not");
  const cmp = and.left.operand;
  assert.ok(cmp.kind === "Binary" && cmp.op === ">" && cmp.left.kind === "Binary" && cmp.left.op === "+");
});

test.run();
