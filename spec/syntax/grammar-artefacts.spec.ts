// The grammar's artefacts: generated files are up to date, and the TextMate
// grammar compiles and highlights what a user sees in peppa.stream.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderCstTypings, renderDiagrams } from "../../grammar/artefacts.js";

test("grammar/cst.d.ts is up to date (run `npm run grammar`)", () => {
  assert.fixture(readFileSync("grammar/cst.d.ts", "utf8"), renderCstTypings());
});

test("grammar/diagrams.html is up to date (run `npm run grammar`)", () => {
  assert.ok(readFileSync("grammar/diagrams.html", "utf8") === renderDiagrams(), "stale diagrams.html");
});

interface Rule { name?: string; match?: string; begin?: string; end?: string; patterns?: Rule[]; include?: string }
const grammar = JSON.parse(readFileSync("grammar/stream.tmLanguage.json", "utf8")) as { scopeName: string; repository: Record<string, Rule> };

// TextMate uses Oniguruma; these patterns stay within what JavaScript regexes read the same way.
function rules(rule: Rule): Rule[] {
  return [rule, ...(rule.patterns ?? []).flatMap(rules)];
}
const all = Object.values(grammar.repository).flatMap(rules);

/** The scopes of the first match of each named rule on a line, simplified: first rule wins at each position. */
function scopesOn(line: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const r of all) {
    const source = r.match ?? r.begin;
    if (!r.name || !source) continue;
    for (const m of line.matchAll(new RegExp(source, "g"))) if (m[0]) found.set(m[0].trim(), found.get(m[0].trim()) ?? r.name);
  }
  return found;
}

test("the TextMate grammar is JSON with compiling regexes and scope source.stream", () => {
  assert.is(grammar.scopeName, "source.stream");
  for (const r of all) for (const re of [r.match, r.begin, r.end]) if (re) new RegExp(re);
  assert.ok(all.length > 10);
});

test("it highlights keywords, strings, durations and comments on lines of peppa.stream", () => {
  const dedup = scopesOn("dedup core_unique from core_events by event_id within 30d");
  assert.is(dedup.get("dedup"), "keyword.declaration.stream");
  assert.is(dedup.get("30d"), "constant.numeric.duration.stream");
  assert.is(dedup.get("within"), "keyword.other.clause.stream");
  const sink = scopesOn('sink billing   from billable to jsonl "out/billing.jsonl"');
  assert.is(sink.get('"'), "string.quoted.double.stream");
  const trigger = scopesOn("trigger count 3                                   # run the stream three times");
  assert.is(trigger.get("# run the stream three times"), "comment.line.number-sign.stream");
  const rule = scopesOn('  require event_id matches "^evt-[0-9]+-[0-9]+$"  else "malformed event id"');
  assert.is(rule.get("matches"), "keyword.operator.word.stream");
  // `at = …` is a field, not the `at` keyword.
  assert.is(scopesOn("  at       = now() - random_int(0, 1440) * 1m").get("at"), undefined);
  assert.is(scopesOn('"a\\u{41}\\n"').get("\\u{41}"), "constant.character.escape.stream");
});

test.run();
