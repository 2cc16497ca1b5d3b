// The VS Code extension's manifest agrees with what it ships and runs: the
// language's file extensions, the generated grammar, the commands it registers,
// and the server it starts.
import { existsSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderTextMate } from "../../grammar/textmate.js";

interface Manifest {
  main: string;
  engines: { vscode: string };
  contributes: {
    languages: Array<{ id: string; extensions: string[]; configuration: string }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
    commands: Array<{ command: string; title: string }>;
    configuration: { properties: Record<string, unknown> };
  };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const DIR = "editors/vscode";
const manifest = JSON.parse(readFileSync(`${DIR}/package.json`, "utf8")) as Manifest;
const extension = readFileSync(`${DIR}/${manifest.main}`, "utf8");

test("the language covers .stream and .test.stream, with the generated grammar", () => {
  const [language] = manifest.contributes.languages;
  assert.is(language?.id, "stream");
  assert.equal(language?.extensions, [".stream", ".test.stream"]);
  assert.ok(existsSync(`${DIR}/${language!.configuration}`));
  const [grammar] = manifest.contributes.grammars;
  assert.is(grammar?.scopeName, "source.stream");
  assert.is(readFileSync(`${DIR}/${grammar!.path}`, "utf8"), renderTextMate());
});

test("every contributed command is registered by the extension, and run, test, plan and graph run the CLI", () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.equal(contributed, ["peppaStream.graph", "peppaStream.plan", "peppaStream.restart", "peppaStream.run", "peppaStream.test"]);
  for (const name of ["run", "test", "plan", "graph"]) assert.match(extension, `["${name}", "${name}"]`);
  assert.match(extension, 'registerCommand("peppaStream.restart"');
  assert.match(extension, "registerCommand(`peppaStream.${name}`");
});

test("the language client starts `interpret lsp --stdio`, with a setting for the interpreter", () => {
  assert.match(extension, '"lsp", "--stdio"');
  assert.match(extension, 'require("vscode-languageclient/node")');
  assert.ok("peppaStream.interpreter.path" in manifest.contributes.configuration.properties);
  assert.ok(manifest.dependencies["vscode-languageclient"]);
  assert.ok(manifest.devDependencies["@vscode/vsce"]);
  assert.match(manifest.scripts["package"]!, "vsce package");
  assert.match(readFileSync(`${DIR}/.gitignore`, "utf8"), "node_modules/");
});

test.run();
