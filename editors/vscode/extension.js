// The VS Code side of peppa-stream: starts `interpret lsp --stdio` as the
// language server of `.stream` files, and runs the CLI's run, test, plan and
// graph commands on the current file in a terminal.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.Terminal | undefined} */
let terminal;

/** The interpreter: the setting, else the workspace's node_modules/.bin/interpret, else `interpret` on the PATH. */
function interpreter() {
  const config = vscode.workspace.getConfiguration("peppaStream.interpreter");
  const args = config.get("args", []);
  const configured = config.get("path", "");
  if (configured) return { command: configured, args };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, "node_modules", ".bin", process.platform === "win32" ? "interpret.cmd" : "interpret");
    if (fs.existsSync(local)) return { command: local, args };
  }
  return { command: "interpret", args };
}

function startClient(context) {
  const { command, args } = interpreter();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = { command, args: [...args, "lsp", "--stdio"], transport: TransportKind.stdio, options: cwd ? { cwd } : {} };
  client = new LanguageClient("peppaStream", "peppa-stream", { run, debug: run }, {
    documentSelector: [{ scheme: "file", language: "stream" }, { scheme: "untitled", language: "stream" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.stream") },
  });
  context.subscriptions.push(client);
  return client.start().catch((error) => {
    void vscode.window.showErrorMessage(`peppa-stream: could not start \`${command} lsp\` (${error.message}). Set peppaStream.interpreter.path.`);
  });
}

const quote = (s) => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Runs `interpret SUBCOMMAND FILE` on the active stream in the peppa-stream terminal. */
async function runOnActiveFile(subcommand) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "stream") {
    void vscode.window.showWarningMessage("peppa-stream: open a .stream file first");
    return;
  }
  if (editor.document.isDirty) await editor.document.save();
  const { command, args } = interpreter();
  if (!terminal || terminal.exitStatus !== undefined) terminal = vscode.window.createTerminal({ name: "peppa-stream" });
  terminal.show(true);
  terminal.sendText([command, ...args, subcommand, editor.document.uri.fsPath].map(quote).join(" "));
}

function activate(context) {
  for (const [name, subcommand] of [["run", "run"], ["test", "test"], ["plan", "plan"], ["graph", "graph"]]) {
    context.subscriptions.push(vscode.commands.registerCommand(`peppaStream.${name}`, () => runOnActiveFile(subcommand)));
  }
  context.subscriptions.push(vscode.commands.registerCommand("peppaStream.restart", async () => {
    if (client) await client.stop();
    await startClient(context);
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (!e.affectsConfiguration("peppaStream.interpreter")) return;
    if (client) await client.stop();
    await startClient(context);
  }));
  return startClient(context);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
