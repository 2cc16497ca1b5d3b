// The TextMate grammar, tokenized as VS Code does (vscode-textmate on the
// Oniguruma regex engine): it is up to date with its generator, and on every
// `.stream` file in the repository it colours a word as a keyword exactly where
// the parser reads it as one (a field named `at`, `count`, `key`, `source` or
// `table` is a name).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import fg from "fast-glob";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderTextMate } from "../../grammar/textmate.js";
import { declKeywords, softKeywords, streamLexer } from "../../grammar/tokens.js";
import { buildAnalysis } from "../../src/lsp/build.js";
import { parse } from "../../src/syntax/parse.js";

const require = createRequire(import.meta.url);
// Both packages are CommonJS bundles whose exports ES imports do not see by name.
const oniguruma = require("vscode-oniguruma") as typeof import("vscode-oniguruma");
const vsctm = require("vscode-textmate") as typeof import("vscode-textmate");
type IGrammar = import("vscode-textmate").IGrammar;
const GRAMMAR = "grammar/stream.tmLanguage.json";

interface Token { readonly line: number; readonly start: number; readonly end: number; readonly scopes: ReadonlyArray<string> }

async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope: string) => (scope === "source.stream" ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null),
  });
  const g = await registry.loadGrammar("source.stream");
  if (!g) throw new Error("the grammar did not load");
  return g;
}

let grammar: IGrammar;
test.before(async () => {
  grammar = await loadGrammar();
});

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let stack = vsctm.INITIAL;
  text.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ line: i, start: t.startIndex, end: t.endIndex, scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}

/** The scopes of the `nth` whole word `word` on the first line holding `needle`. */
function scopesIn(text: string, needle: string, word: string, nth = 1): ReadonlyArray<string> {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`no line holds \`${needle}\``);
  const escaped = word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const hits = [...lines[line]!.matchAll(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, "g"))];
  const column = hits[nth - 1]?.index;
  if (column === undefined) throw new Error(`\`${word}\` occurs fewer than ${nth} times in \`${lines[line]}\``);
  const t = tokenize(text).find((x) => x.line === line && x.start <= column && column < x.end);
  return t?.scopes ?? [];
}
/** A keyword's colour: a keyword scope (not a symbol operator), or `true`/`false`/`null`. */
const isKeyword = (scopes: ReadonlyArray<string>): boolean =>
  scopes.some((s) => (s.startsWith("keyword.") && !s.startsWith("keyword.operator.stream")) || s.startsWith("constant.language."));

test("grammar/stream.tmLanguage.json and the extension's copy are up to date (run `npm run grammar`)", () => {
  assert.fixture(readFileSync(GRAMMAR, "utf8"), renderTextMate());
  assert.fixture(readFileSync("editors/vscode/syntaxes/stream.tmLanguage.json", "utf8"), renderTextMate());
});

const PEPPA = readFileSync("streams/peppa.stream", "utf8");

test("fields named like keywords are names; keywords are keywords where the grammar reads them", () => {
  const line = (text: string, word: string, nth = 1) => scopesIn(text, text, word, nth);
  assert.ok(line("  at          = occurred", "at").includes("variable.other.property.stream"));
  assert.not.ok(isKeyword(line("  first_at = min(at)", "at")));
  assert.not.ok(isKeyword(line("  require at <= now()                             else \"x\"", "at")));
  const source = line("source core simulate 2000 per run seed 7 {", "source");
  assert.ok(source.includes("keyword.declaration.stream"), source.join(" "));
  for (const w of ["simulate", "per", "run", "seed"]) assert.ok(line("source core simulate 2000 per run seed 7 {", w).includes("keyword.other.clause.stream"), w);
  assert.ok(line("source core simulate 2000 per run seed 7 {", "core").includes("entity.name.function.stream"));
  assert.ok(line("trigger count 3", "count").includes("keyword.other.clause.stream"));
  assert.ok(line("  events = count()", "count").includes("entity.name.function.call.stream"));
  const flush = "aggregate usage from known by account_id, period = month(at) flush at end_of_month(period) + 2d, when events > 100 {";
  assert.not.ok(isKeyword(scopesIn(flush, flush, "at", 1)), "`at` in month(at)");
  assert.ok(scopesIn(flush, flush, "at", 2).includes("keyword.other.clause.stream"), "`flush at`");
  assert.ok(scopesIn(flush, flush, "when").includes("keyword.other.clause.stream"));
  assert.ok(scopesIn(flush, flush, "by").includes("keyword.other.clause.stream"));
  const table = 'table crm_accounts from csv "data/crm_accounts.csv" key account_id { account_id string }';
  assert.ok(scopesIn(table, table, "table").includes("keyword.declaration.stream"));
  assert.ok(scopesIn(table, table, "key").includes("keyword.other.clause.stream"));
  assert.ok(scopesIn(table, table, "string").includes("storage.type.stream"));
  const fields = "map m from x {\n  source = system\n  table  = key\n  key    = count\n  count  = at + 1\n}";
  for (const [needle, w] of [["  source =", "source"], ["  table  =", "table"], ["  key    =", "key"], ["  count  =", "count"], ["  table  = key", "key"], ["  key    = count", "count"], ["  count  = at", "at"]] as const) {
    const scopes = scopesIn(fields, needle, w, 1);
    assert.not.ok(isKeyword(scopes), `${w} in \`${needle}\`: ${scopes.join(" ")}`);
  }
  assert.ok(scopesIn(PEPPA, "dedup core_unique from core_events by event_id within 30d", "within").includes("keyword.other.clause.stream"));
  assert.ok(scopesIn(PEPPA, "map funnel_analytics from usage for each funnel", "each").includes("keyword.other.clause.stream"));
  assert.ok(scopesIn(PEPPA, '  require event_id matches "^evt', "matches").includes("keyword.operator.word.stream"));
  assert.ok(scopesIn(PEPPA, "# Part 1", "Part").includes("comment.line.number-sign.stream"));
  assert.ok(scopesIn(PEPPA, 'sink billing   from billable to jsonl "out/billing.jsonl"', "out").some((s) => s.startsWith("string.quoted.double")));
  assert.ok(scopesIn(PEPPA, 'sink billing   from billable to jsonl "out/billing.jsonl"', "to").includes("keyword.other.clause.stream"));
  const schema = readFileSync("streams/peppa-files.stream", "utf8");
  assert.not.ok(isKeyword(scopesIn(schema, "  source       string", "source")), "a schema field named `source`");
  assert.ok(scopesIn(schema, "  source       string", "string").includes("storage.type.stream"));
});

/** The keyword tokens of a file, and whether the parser read each as a name (an indexed name covers it). */
function keywordWords(file: string, text: string): Array<{ line: number; column: number; word: string; name: boolean }> {
  const isTests = file.endsWith(".test.stream");
  const streamFile = isTests ? file.replace(/\.test\.stream$/, ".stream") : file;
  let streamText = text;
  try {
    if (isTests) streamText = readFileSync(streamFile, "utf8");
  } catch {
    streamText = "";
  }
  const analysis = buildAnalysis({ uri: streamFile, filename: streamFile, text: streamText }, isTests ? { uri: file, filename: file, text } : undefined);
  const index = isTests ? analysis.tests! : analysis.stream;
  // A keyword-like word inside a dotted name (`data.event`) is part of that name.
  const spans = index.occurrences.map((o) => o.span);
  const isName = (offset: number) => spans.some((s) => s.start <= offset && offset < s.end);
  return streamLexer
    .tokenize(text)
    .tokens.filter((t) => t.tokenType.name.startsWith("Kw"))
    .map((t) => ({ line: (t.startLine ?? 1) - 1, column: (t.startColumn ?? 1) - 1, word: t.image, name: isName(t.startOffset) }));
}

/** Where the colours and the parser disagree on a keyword-like word, and how many such words there are. */
function disagreements(file: string, text: string): { wrong: string[]; checked: number } {
  const tokens = tokenize(text);
  const wrong: string[] = [];
  let checked = 0;
  for (const k of keywordWords(file, text)) {
    const t = tokens.find((x) => x.line === k.line && x.start <= k.column && k.column < x.end);
    if (isKeyword(t?.scopes ?? []) === k.name) wrong.push(`${file}:${k.line + 1}:${k.column + 1} \`${k.word}\` is ${k.name ? "a name" : "a keyword"} but coloured ${t?.scopes.slice(1).join(" ") || "as nothing"}`);
    checked++;
  }
  return { wrong, checked };
}

test("on every .stream file that parses, a word is coloured as a keyword exactly where the parser reads a keyword", () => {
  const files = fg.sync("**/*.stream", { ignore: ["node_modules/**", "dist/**", "editors/**"] }).sort();
  assert.ok(files.length >= 10, files.join(" "));
  let checked = 0;
  const wrong: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (parse(text, file).diagnostics.some((d) => d.severity === "error")) continue;
    const r = disagreements(file, text);
    wrong.push(...r.wrong);
    checked += r.checked;
  }
  assert.ok(checked > 500, `${checked} keywords checked`);
  assert.equal(wrong, []);
});

test("property: a field named after any keyword is coloured as a name wherever it stands", () => {
  const words = [...softKeywords, ...declKeywords].map((t) => t.PATTERN as string);
  let parsed = 0;
  fc.assert(
    fc.property(fc.constantFrom(...words), fc.constantFrom(" ", "  ", "\t"), (f, gap) => {
      const text = [
        `source src {${gap}${f} string${gap}n int }`,
        `validate ok from src { require ${f} != "" else "empty" }`,
        `map out from ok {`,
        `  ${f}${gap}= ${f} + "x"`,
        `  total = n`,
        `}`,
        `aggregate agg from out by ${f} flush at now() { c = count()${gap}m = max(${f}) }`,
        `sink sk from agg to jsonl "o.jsonl"`,
        `test "t" { given src [ { ${f}: "a", n: 1 } ] expect sk [ { ${f}: "ax" } ] }`,
        "",
      ].join("\n");
      // A word the parser cannot take there is reported by the checker, not coloured: nothing to compare.
      fc.pre(!parse(text, "gen.stream").diagnostics.some((d) => d.severity === "error"));
      parsed++;
      const r = disagreements("gen.stream", text);
      assert.equal(r.wrong, [], `${r.wrong.join("\n")}\nin\n${text}`);
    }),
    { numRuns: 80 },
  );
  assert.ok(parsed > 20, `${parsed} generated streams parsed`);
});

test.run();
