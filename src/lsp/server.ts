// `interpret lsp [--stdio]`: the language server, on standard input and output.
// Wiring only: each capability lives in its own file. A handler that throws is
// logged on the client's console and answers null; the server goes on.
import { Writable, type Readable } from "node:stream";
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { complete } from "./completion.js";
import { definition, prepareRename, references, rename } from "./definition.js";
import { toLspDiagnostics, type FixData } from "./diagnostics.js";
import { format } from "./format.js";
import { hover } from "./hover.js";
import { legend, semanticTokens } from "./semantic-tokens.js";
import { documentSymbols } from "./symbols.js";
import { Workspace } from "./workspace.js";

/** How long typing must pause before a document is checked again. */
export const DEBOUNCE_MS = 150;

/** What the server needs of its process; the CLI's CliIO fits (the server sits below cli/ and does not import it). */
export interface LspIO {
  readonly stdin: Readable;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** `interpret lsp [--stdio]`; resolves to the exit code when the client exits. */
export const lspCommand = async (argv: ReadonlyArray<string>, io: LspIO): Promise<number> => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout("usage: interpret lsp [--stdio]\n\nThe language server for .stream files, on standard input and output (JSON-RPC); editors pass --stdio.\ndocs: docs/editors.md\n");
    return 0;
  }
  const unknown = argv.filter((a) => a !== "--stdio" && !a.startsWith("--clientProcessId"));
  if (unknown.length) {
    io.stderr(`interpret lsp: unknown option \`${unknown[0]}\`\nusage: interpret lsp [--stdio]\n`);
    return 2;
  }
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stdout(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      done();
    },
  });
  return new Promise<number>((resolve) => {
    const connection = startServer(io.stdin, output);
    connection.onExit(() => resolve(0));
  });
};

export function startServer(input: Readable, output: Writable): Connection {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents);

  /** Runs a handler; a crash is logged and answered with `fallback`. */
  function safe<P, R>(what: string, handler: (params: P) => R, fallback: R): (params: P) => R {
    return (params: P) => {
      try {
        return handler(params);
      } catch (error) {
        // A ResponseError (a refused rename) is an answer, not a crash.
        if (error instanceof Error && error.constructor.name === "ResponseError") throw error;
        connection.console.error(`peppa-stream: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fallback;
      }
    };
  }

  const at = (uri: string, position: { line: number; character: number }) => {
    const file = workspace.fileFor(uri);
    if (!file) return undefined;
    const doc = documents.get(uri) ?? TextDocument.create(uri, "stream", 0, file.index.text);
    return { ...file, offset: doc.offsetAt(position) };
  };

  const timers = new Map<string, NodeJS.Timeout>();
  const publish = safe("diagnostics", (uri: string) => {
    const file = workspace.fileFor(uri);
    if (!file) return;
    void connection.sendDiagnostics({ uri, diagnostics: toLspDiagnostics(file.index, file.analysis) });
  }, undefined);
  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      publish(uri);
      const partner = workspace.partnerOpen(uri);
      if (partner) publish(partner);
    }, delay));
  };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [".", " ", ","] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      semanticTokensProvider: { legend, full: true },
    },
    serverInfo: { name: "peppa-stream" },
  }));

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => schedule(e.document.uri, DEBOUNCE_MS));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    workspace.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(safe("hover", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? hover(f.analysis, f.index, f.offset) : null;
  }, null));
  connection.onCompletion(safe("completion", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? complete(f.analysis, f.index, f.kind, f.offset) : [];
  }, []));
  connection.onDefinition(safe("definition", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? definition(f.analysis, f.index, f.offset) : [];
  }, []));
  connection.onReferences(safe("references", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? references(f.analysis, f.index, f.offset, p.context.includeDeclaration) : [];
  }, []));
  connection.onPrepareRename(safe("prepare rename", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? prepareRename(f.analysis, f.index, f.offset) : null;
  }, null));
  connection.onRenameRequest(safe("rename", (p) => {
    const f = at(p.textDocument.uri, p.position);
    return f ? rename(f.analysis, f.index, f.offset, p.newName) : null;
  }, null));
  connection.onDocumentSymbol(safe("document symbols", (p) => {
    const f = workspace.fileFor(p.textDocument.uri);
    return f ? documentSymbols(f.index) : [];
  }, []));
  connection.onDocumentFormatting(safe("formatting", (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? format(doc.uri, doc.getText()) : [];
  }, []));
  connection.onCodeAction(safe("code actions", (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const actions: CodeAction[] = [];
    for (const d of p.context.diagnostics) {
      for (const fix of (d.data as FixData | undefined)?.fixes ?? []) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: fix.preferred,
          edit: { changes: { [doc.uri]: fix.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText })) } },
        });
      }
    }
    return actions;
  }, []));
  connection.languages.semanticTokens.on(safe("semantic tokens", (p) => {
    const f = workspace.fileFor(p.textDocument.uri);
    return f ? semanticTokens(f.index) : { data: [] };
  }, { data: [] }));

  documents.listen(connection);
  connection.listen();
  return connection;
}
