// A language client for specs: spawns `interpret lsp --stdio` as an editor
// would, speaks JSON-RPC to it over its standard input and output, and keeps
// what the server publishes (diagnostics) and logs.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const uriOf = (file: string): string => pathToFileURL(path.resolve(REPO, file)).href;

/** Generous: the machine is shared, and starting tsx can take seconds. */
const TIMEOUT_MS = 120_000;

export interface Client {
  readonly connection: ProtocolConnection;
  /** Messages the server logged (window/logMessage). */
  readonly logs: string[];
  open(uri: string, text: string): Promise<Diagnostic[]>;
  change(uri: string, text: string): Promise<Diagnostic[]>;
  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string): Promise<Diagnostic[]>;
  request<R>(method: string, params: unknown): Promise<R>;
  stop(): Promise<void>;
  readonly child: ChildProcess;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

export async function startClient(): Promise<Client> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lsp", "--stdio"], { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => void (stderr += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: string[] = [];
  const waiting = new Map<string, Array<(d: Diagnostic[]) => void>>();
  connection.onNotification("window/logMessage", (p: { message: string }) => void logs.push(p.message));
  connection.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: Diagnostic[] }) => {
    const list = waiting.get(p.uri) ?? [];
    waiting.delete(p.uri);
    for (const w of list) w(p.diagnostics);
  });
  connection.listen();
  const versions = new Map<string, number>();
  const nextDiagnostics = (uri: string) =>
    within(new Promise<Diagnostic[]>((resolve) => waiting.set(uri, [...(waiting.get(uri) ?? []), resolve])), `diagnostics of ${uri}`);
  await within(connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(REPO).href, capabilities: {} }), `the server to start (stderr: ${stderr})`);
  await connection.sendNotification("initialized", {});
  return {
    connection,
    logs,
    child,
    nextDiagnostics,
    async open(uri, text) {
      const next = nextDiagnostics(uri);
      versions.set(uri, 1);
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "stream", version: 1, text } });
      return next;
    },
    async change(uri, text) {
      const next = nextDiagnostics(uri);
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
      return next;
    },
    request: <R>(method: string, params: unknown) => within(connection.sendRequest(method, params) as Promise<R>, method),
    async stop() {
      await within(connection.sendRequest("shutdown"), "shutdown");
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await connection.sendNotification("exit");
      await within(exited, "the server to exit");
      connection.dispose();
    },
  };
}

/** The offset of the `nth` occurrence of `needle` in `text`, as an LSP position (plus `shift` characters). */
export function positionOf(text: string, needle: string, nth = 1, shift = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` occurs fewer than ${nth} times`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** Applies LSP text edits to a text. */
export function applyEdits(text: string, edits: ReadonlyArray<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
