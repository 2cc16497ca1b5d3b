// The language server as an editor drives it: JSON-RPC over the standard
// input and output of `interpret lsp --stdio`, on streams/peppa.stream, its
// test file, and broken streams.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, SemanticTokens, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { parse } from "../../src/syntax/parse.js";
import { printStream } from "../../src/syntax/print.js";
import { applyEdits, positionOf, startClient, uriOf, type Client } from "./client.js";

const PEPPA = readFileSync("streams/peppa.stream", "utf8");
const PEPPA_TESTS = readFileSync("streams/peppa.test.stream", "utf8");
const peppa = uriOf("streams/peppa.stream");
const peppaTests = uriOf("streams/peppa.test.stream");
let client: Client;

test.before(async () => {
  client = await startClient();
});
test.after(async () => {
  await client.stop();
});

const hoverText = async (uri: string, position: { line: number; character: number }): Promise<string> => {
  const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
  return h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
};
const messageOf = (d: Diagnostic): string => (typeof d.message === "string" ? d.message : d.message.value);
const lineOf = (text: string, needle: string): number => positionOf(text, needle).line;

test("peppa.stream and its test file open without diagnostics", async () => {
  assert.equal(await client.open(peppa, PEPPA), []);
  assert.equal(await client.open(peppaTests, PEPPA_TESTS), []);
});

test("a misspelt step name: E1002 on exactly the name, with the hint, and a quick fix that fixes it", async () => {
  const uri = uriOf("spec/lsp/virtual/misspelt.stream");
  const text = 'source orders { id string  qty int }\nvalidate ok from ordres {\n  require qty > 0 else "no quantity"\n}\nsink out from ok to jsonl "out.jsonl"\n';
  const diagnostics = await client.open(uri, text);
  assert.is(diagnostics.length, 1);
  const d = diagnostics[0]!;
  assert.is(d.code, "E1002");
  assert.is(d.severity, 1);
  assert.equal(d.range, { start: { line: 1, character: 17 }, end: { line: 1, character: 23 } });
  assert.match(messageOf(d), "unknown step `ordres`");
  assert.match(messageOf(d), "did you mean `orders`?");
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  assert.is(actions.length, 1);
  assert.is(actions[0]!.title, "Change `ordres` to `orders`");
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.match(fixed, "validate ok from orders {");
  assert.equal(await client.change(uri, fixed), []);
});

test("diagnostics follow typing, and carry related locations", async () => {
  const uri = uriOf("spec/lsp/virtual/twice.stream");
  const ok = 'source a { x int }\nsink out from a to jsonl "o.jsonl"\n';
  assert.equal(await client.open(uri, ok), []);
  const twice = await client.change(uri, `${ok}source a { y int }\n`);
  const d = twice.find((x) => x.code === "E1001")!;
  assert.ok(d, "E1001 reported");
  assert.equal(d.range.start, { line: 2, character: 7 });
  assert.is(d.relatedInformation?.length, 1);
  assert.equal(d.relatedInformation![0]!.location, { uri, range: { start: { line: 0, character: 7 }, end: { line: 0, character: 8 } } });
  assert.is(d.relatedInformation![0]!.message, "first declared here");
});

test("text where a number is wanted: a quick fix wraps it in decimal(…)", async () => {
  const uri = uriOf("spec/lsp/virtual/decimal.stream");
  const text = 'source orders { id string  price string  qty int }\nmap priced from orders { total = price * qty }\nsink out from priced to jsonl "o.jsonl"\n';
  const diagnostics = await client.open(uri, text);
  const d = diagnostics.find((x) => x.code === "E2001")!;
  assert.ok(d, `E2001 in ${JSON.stringify(diagnostics)}`);
  assert.match(messageOf(d), "`decimal(…)`");
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  const wrap = actions.find((a) => a.title === "Wrap `price` in `decimal(…)`");
  assert.ok(wrap, actions.map((a) => a.title).join(", "));
  const fixed = applyEdits(text, wrap!.edit!.changes![uri]!);
  assert.match(fixed, "total = decimal(price) * qty");
  assert.equal(await client.change(uri, fixed), []);
});

test("a decimal ?? a number: W1010 stands at the number and the quick fix wraps it in decimal(…)", async () => {
  const uri = uriOf("spec/lsp/virtual/choice.stream");
  const text = 'source orders { id string  price decimal?  list_price number }\nmap priced from orders { total = price ?? list_price }\nsink out from priced to jsonl "o.jsonl"\n';
  const diagnostics = await client.open(uri, text);
  const d = diagnostics.find((x) => x.code === "W1010")!;
  assert.ok(d, `W1010 in ${JSON.stringify(diagnostics)}`);
  assert.match(messageOf(d), "`??` gives a floating-point number");
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  const wrap = actions.find((a) => a.title === "Wrap `list_price` in `decimal(…)`");
  assert.ok(wrap, actions.map((a) => a.title).join(", "));
  const fixed = applyEdits(text, wrap!.edit!.changes![uri]!);
  assert.match(fixed, "total = price ?? decimal(list_price)");
  assert.equal(await client.change(uri, fixed), []);
});

test("hover: a field's type, a step's ports with their schemas, a function's signature, a table's key and schema", async () => {
  const field = await hoverText(peppa, positionOf(PEPPA, "require at <= now()", 1, "require ".length));
  assert.match(field, "(field) at: timestamp");
  const step = await hoverText(peppa, positionOf(PEPPA, "map core_events from core_ok", 1, "map core_events from ".length + 1));
  assert.match(step, "validate core_ok from core");
  assert.match(step, "core_ok.invalid");
  assert.match(step, /event_id +string/);
  assert.match(step, /errors +list<\{rule string, message string\}>/);
  const fn = await hoverText(peppa, positionOf(PEPPA, "format_time(period", 1, 2));
  assert.match(fn, "format_time(t timestamp, pattern string[, zone string]) -> string");
  const table = await hoverText(peppa, positionOf(PEPPA, "crm_accounts[account_id].plan", 1, 1));
  assert.match(table, 'table crm_accounts from csv "data/crm_accounts.csv" key account_id');
  assert.match(table, /plan +string/);
});

test("completion: steps and ports after `from`, fields in scope with types, a table's fields after `TABLE[..].`", async () => {
  const uri = uriOf("spec/lsp/virtual/complete.stream");
  const text = PEPPA + "\nsink more from ";
  await client.open(uri, text);
  const end = positionOf(text, "sink more from ", 1, "sink more from ".length);
  const steps = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: end });
  const labels = steps.map((i) => i.label);
  for (const s of ["core", "core_ok", "core_ok.invalid", "events", "usage", "billable"]) assert.ok(labels.includes(s), `${s} in ${labels.join(" ")}`);
  assert.not.ok(labels.includes("billing"), "a sink cannot be read");
  assert.not.ok(labels.includes("crm_accounts"), "a table is not a step");

  const inRule = positionOf(PEPPA, "require event in funnel_events", 1, "require ".length);
  const fields = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: peppa }, position: inRule });
  const at = fields.find((i) => i.label === "at");
  assert.is(at?.detail, "timestamp?"); // assigned fields may be null
  assert.ok(fields.some((i) => i.label === "matches"), "expression words");
  assert.ok(fields.some((i) => i.label === "format_time" && i.detail === "format_time(t timestamp, pattern string[, zone string]) -> string"), "functions with signatures");
  assert.not.ok(fields.some((i) => i.label === "sum"), "aggregate functions only in aggregates");

  const afterRow = positionOf(PEPPA, "crm_accounts[account_id].plan", 1, "crm_accounts[account_id].".length);
  const columns = (await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: peppa }, position: afterRow })).map((i) => i.label);
  assert.equal(columns, ["account_id", "name", "plan", "tz"]);
});

test("definition: a step name jumps to its declaration, a field to the assignments that made it", async () => {
  const defs = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "from core_ok", 1, "from ".length) });
  assert.equal(defs.map((d) => [d.uri, d.range.start.line]), [[peppa, lineOf(PEPPA, "validate core_ok")]]);
  // `at` in `known.invalid` comes through a merge of core_events and cpq_events.
  const at = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "min(at)", 1, 4) });
  assert.equal(at.map((d) => d.range.start.line).sort((a, b) => a - b), [lineOf(PEPPA, "  at          = at"), lineOf(PEPPA, "  at          = occurred")]);
  // From the test file into the stream.
  const fromTests = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: peppaTests }, position: positionOf(PEPPA_TESTS, "given core", 1, "given ".length) });
  assert.equal(fromTests.map((d) => [d.uri, d.range.start.line]), [[peppa, lineOf(PEPPA, "source core ")]]);
  const table = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "random_key(core_tenants)", 1, "random_key(".length) });
  assert.equal(table.map((d) => d.range.start.line), [lineOf(PEPPA, "table core_tenants")]);
});

test("references: every use of a step, in the stream and its tests", async () => {
  const refs = await client.request<Location[]>("textDocument/references", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "validate core_ok", 1, "validate ".length), context: { includeDeclaration: true } });
  const inStream = refs.filter((r) => r.uri === peppa).length;
  const inTests = refs.filter((r) => r.uri === peppaTests).length;
  assert.is(inStream, PEPPA.match(/\bcore_ok\b/g)!.length);
  assert.is(inTests, PEPPA_TESTS.match(/\bcore_ok\b(?!")/g)!.length);
});

test("rename a step: every occurrence in the stream and its test file", async () => {
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "validate core_ok", 1, "validate ".length), newName: "core_valid" });
  const stream = applyEdits(PEPPA, edit.changes![peppa]!);
  const tests = applyEdits(PEPPA_TESTS, edit.changes![peppaTests]!);
  assert.not.match(stream, /\bcore_ok\b/);
  assert.is(stream.match(/\bcore_valid\b/g)!.length, PEPPA.match(/\bcore_ok\b/g)!.length);
  assert.match(tests, "expect core_valid.invalid");
  // Test titles and expected `step` values are text, not names.
  assert.match(tests, 'step: "core_ok"');
});

test("rename a field: its schema line or assignment, every read, and test records", async () => {
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: peppa }, position: positionOf(PEPPA, "  tenant   =", 1, 2), newName: "tenant_id" });
  const stream = applyEdits(PEPPA, edit.changes![peppa]!);
  const tests = applyEdits(PEPPA_TESTS, edit.changes![peppaTests]!);
  assert.match(stream, "  tenant_id   = if chance");
  assert.match(stream, "account_ref = tenant_id");
  assert.match(stream, "core_tenants[tenant_id].account_id");
  // The table's own `tenant` column is another name.
  assert.match(stream, "key tenant      { tenant string");
  assert.match(tests, "tenant_id: \"T-100\"");
  assert.not.match(tests, /\btenant: /);
});

test("rename refuses built-in names", async () => {
  const uri = uriOf("spec/lsp/virtual/builtin.stream");
  const text = 'source a { x int }\nvalidate v from a { require x > 0 }\nsink out from v.invalid to jsonl "o.jsonl"\n';
  await client.open(uri, text);
  let error = "";
  try {
    await client.request("textDocument/prepareRename", { textDocument: { uri }, position: positionOf(text, "v.invalid", 1, 3) });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  assert.match(error, "`invalid` is built in");
});

/** The semantic tokens as [line, character, length, type] with type names. */
async function tokensOf(uri: string): Promise<Array<[number, number, number, string]>> {
  const init = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
  const types = ["class", "enumMember", "struct", "parameter", "variable", "property", "function", "type", "keyword", "namespace", "event"];
  const out: Array<[number, number, number, string]> = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < init.data.length; i += 5) {
    const [dl, dc, len, type] = init.data.slice(i, i + 4) as [number, number, number, number];
    line += dl;
    character = dl === 0 ? character + dc : dc;
    out.push([line, character, len, types[type]!]);
  }
  return out;
}

test("semantic tokens: a field named `at` or `count` is a property, the keywords where the parser reads them", async () => {
  const tokens = await tokensOf(peppa);
  const at = (needle: string, nth = 1, shift = 0) => {
    const p = positionOf(PEPPA, needle, nth, shift);
    return tokens.find(([l, c]) => l === p.line && c === p.character)?.[3];
  };
  assert.is(at("  at          = occurred", 1, 2), "property");
  assert.is(at("min(at)", 1, 4), "property");
  assert.is(at("  at       = now()", 1, 2), "property");
  assert.is(at("source core simulate"), "keyword");
  assert.is(at("source core simulate", 1, "source core ".length), "keyword");
  assert.is(at("trigger count 3", 1, "trigger ".length), "keyword");
  assert.is(at("events     = count()", 1, "events     = ".length), "function");
  assert.is(at("source core simulate", 1, "source ".length), "class");
  assert.is(at("random_key(core_tenants)", 1, "random_key(".length), "struct");
  assert.is(at("table crm_accounts  from csv", 1, "table ".length), "struct");
});

test("document symbols: the outline of declarations with their fields", async () => {
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: peppa } });
  const names = symbols.map((s) => s.name);
  assert.equal(names.slice(0, 4), ["peppa", "trigger", "core", "cpq"]);
  assert.ok(names.includes("billing") && names.includes("usage") && names.includes("crm_accounts"));
  const core = symbols.find((s) => s.name === "core")!;
  assert.equal(core.children?.map((c) => c.name), ["event_id", "tenant", "user", "event", "service", "at"]);
  const usage = symbols.find((s) => s.name === "usage")!;
  assert.equal(usage.children?.map((c) => c.name), ["account_id", "period", "events", "by_funnel", "by_service", "first_at", "last_at"]);
  const tests = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: peppaTests } });
  assert.ok(tests.length > 3 && tests.slice(1).every((s) => s.detail === "test"));
});

test("formatting: the `fmt` printer's text; nothing for a file with syntax errors", async () => {
  const uri = uriOf("spec/lsp/virtual/format.stream");
  const text = 'source   a {x int}\nsink out  from a to jsonl "o.jsonl"\n';
  await client.open(uri, text);
  const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  assert.is(applyEdits(text, edits), printStream(parse(text, "format.stream").ast, text));
  assert.is.not(applyEdits(text, edits), text);
  await client.change(uri, "source a { x int \n");
  assert.equal(await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
});

test("a broken file still gets an outline, hover and diagnostics with exact ranges", async () => {
  const uri = uriOf("spec/lsp/virtual/broken.stream");
  const text = 'source a { x int }\nvalidate v from a {\n  require x > \n}\nsink out from v to jsonl "o.jsonl"\n';
  const diagnostics: Diagnostic[] = await client.open(uri, text);
  assert.ok(diagnostics.length >= 1);
  assert.ok(diagnostics.every((d) => typeof d.code === "string" && /^E0/.test(String(d.code))), JSON.stringify(diagnostics));
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
  assert.ok(symbols.some((s) => s.name === "a"));
  assert.match(await hoverText(uri, positionOf(text, "from a", 1, 5)), "source a");
});

test.run();
