// A request the server cannot answer (a bogus URI, a missing position) is
// logged on the client's console and answered empty; the server goes on.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { DocumentSymbol, Hover } from "vscode-languageserver-protocol";
import { interpret } from "../cli/helpers.js";
import { positionOf, startClient, uriOf, type Client } from "./client.js";

let client: Client;
test.before(async () => {
  client = await startClient();
});
test.after(async () => {
  await client.stop();
});

test("a handler that throws is a logged error, and the next request is answered", async () => {
  const peppa = uriOf("streams/peppa.stream");
  const text = readFileSync("streams/peppa.stream", "utf8");
  await client.open(peppa, text);
  // No position at all: the handler throws inside.
  const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: peppa } });
  assert.is(hover, null);
  assert.ok(client.logs.some((l) => l.includes("hover failed")), client.logs.join("\n"));
  // A URI that names no file, and a position far outside the text.
  assert.equal(await client.request("textDocument/definition", { textDocument: { uri: "bogus:/nowhere" }, position: { line: 9999, character: 9999 } }), []);
  assert.equal(await client.request("textDocument/references", { textDocument: { uri: "file:///no/such/file.stream" }, position: { line: -1, character: -5 }, context: { includeDeclaration: true } }), []);
  await client.request("textDocument/completion", { textDocument: { uri: peppa }, position: { line: 9999, character: 0 } });
  // Still alive, and still right.
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: peppa } });
  assert.is(symbols[0]?.name, "peppa");
  const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: peppa }, position: positionOf(text, "require at <= now()", 1, "require ".length) });
  assert.ok(h && typeof h.contents === "object" && "value" in h.contents && h.contents.value.includes("timestamp"));
  assert.is(client.child.exitCode, null);
});

test("`interpret lsp` refuses options it does not know, with its usage", async () => {
  const r = await interpret(["lsp", "--tcp"]);
  assert.is(r.code, 2);
  assert.match(r.stderr, "interpret: unknown option `--tcp`");
  assert.match(r.stderr, "usage: interpret lsp [--stdio]");
});

test.run();
