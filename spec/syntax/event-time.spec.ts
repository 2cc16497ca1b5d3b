// `event time EXPR [lateness D]` of an aggregate: parsed into the AST, printed
// in the form the language reference writes (each clause on a line of its own),
// and its words still usable as field names.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../src/syntax/parse.js";
import { printStream } from "../../src/syntax/print.js";
import type { AggregateDecl } from "../../src/syntax/ast.js";

const PINNED = `aggregate usage from known by account_id, period = month(at)
  event time at lateness 2d
  flush at end_of_month(period) + 2d, after 90d idle
{
  events = count()
}
`;

test("the pinned form parses and prints as written", () => {
  const r = parse(PINNED, "t.stream");
  assert.equal(r.diagnostics, []);
  const d = r.ast.decls[0] as AggregateDecl;
  assert.is(d.eventTime?.at.kind, "NameRef");
  assert.is(d.eventTime?.lateness?.kind, "DurationLit");
  assert.equal(d.flush.map((f) => f.kind), ["FlushAt", "FlushAfterIdle"]);
  assert.is(printStream(r.ast), PINNED);
});

test("written on one line, it prints in the canonical layout; without lateness too", () => {
  const one = parse("aggregate u from k by a event time at flush after 1h idle { n = count() }\n", "t.stream");
  assert.equal(one.diagnostics, []);
  assert.is(printStream(one.ast), "aggregate u from k by a\n  event time at\n  flush after 1h idle\n{\n  n = count()\n}\n");
});

test("`event`, `time` and `lateness` remain field names", () => {
  const text = "source s { event string  time timestamp  lateness int }\naggregate u from s by event event time time lateness 1h { n = max(lateness) }\n";
  const r = parse(text, "t.stream");
  assert.equal(r.diagnostics, []);
  const d = r.ast.decls[1] as AggregateDecl;
  assert.is(d.keys[0]!.name.name, "event");
  const at = d.eventTime?.at;
  assert.is(at?.kind === "NameRef" ? at.name.name : at?.kind, "time");
  assert.is(d.eventTime?.lateness?.kind, "DurationLit");
});

test("`event` without `time` is a syntax error at the aggregate, not a silent key", () => {
  const r = parse("aggregate u from k by a event at { n = count() }\n", "t.stream");
  assert.ok(r.diagnostics.length > 0);
  assert.ok(r.diagnostics.every((x) => x.severity === "error"));
});

test.run();
