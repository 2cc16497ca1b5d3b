// The files the server knows: open documents first, then the disk. A stream
// `NAME.stream` and its `NAME.test.stream` are analysed together, so either
// file's requests see both. Analyses are kept until one of the two texts changes.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { fileOf, type Analysis, type FileIndex, type FileKind } from "./analysis.js";
import { buildAnalysis, type SourceFile } from "./build.js";

const TEST_SUFFIX = ".test.stream";

/** The stream and test file URIs of the pair a URI belongs to. */
export function pairOf(uri: string): { stream: string; tests: string } {
  if (uri.endsWith(TEST_SUFFIX)) return { stream: uri.slice(0, -TEST_SUFFIX.length) + ".stream", tests: uri };
  return { stream: uri, tests: uri.replace(/\.stream$/, "") + TEST_SUFFIX };
}

export class Workspace {
  private readonly cache = new Map<string, { stream: string; tests: string | undefined; analysis: Analysis }>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** A file's text: the open document's, else the file on disk, else undefined. */
  private read(uri: string): string | undefined {
    const open = this.documents.get(uri);
    if (open) return open.getText();
    if (!uri.startsWith("file:")) return undefined;
    try {
      return fs.readFileSync(fileURLToPath(uri), "utf8");
    } catch {
      return undefined;
    }
  }

  private source(uri: string, text: string): SourceFile {
    let filename = uri;
    try {
      filename = uri.startsWith("file:") ? path.basename(fileURLToPath(uri)) : uri.replace(/^.*\//, "");
    } catch {
      // keep the URI as the name
    }
    return { uri, filename, text };
  }

  /** The analysis of the pair `uri` belongs to, and which of its files `uri` is. */
  fileFor(uri: string): { analysis: Analysis; kind: FileKind; index: FileIndex } | undefined {
    const pair = pairOf(uri);
    const isTests = uri === pair.tests && uri.endsWith(TEST_SUFFIX);
    const own = this.read(uri);
    if (own === undefined) return undefined;
    let streamText = isTests ? this.read(pair.stream) : own;
    const testsText = isTests ? own : this.read(pair.tests);
    // A test file whose stream cannot be read is analysed on its own: only its syntax is checked.
    const standalone = isTests && streamText === undefined;
    if (standalone) streamText = "";
    const key = pair.stream;
    const cached = this.cache.get(key);
    let analysis: Analysis;
    if (cached && cached.stream === streamText && cached.tests === testsText) analysis = cached.analysis;
    else {
      analysis = buildAnalysis(this.source(pair.stream, streamText!), testsText !== undefined ? this.source(pair.tests, testsText) : undefined);
      if (standalone && analysis.tests) analysis = { ...analysis, tests: { ...analysis.tests, diagnostics: analysis.tests.diagnostics.filter((d) => d.code.startsWith("E0")) } };
      this.cache.set(key, { stream: streamText!, tests: testsText, analysis });
    }
    const file = fileOf(analysis, uri);
    return file ? { analysis, ...file } : undefined;
  }

  /** The other file of the pair, when it is open (its diagnostics change with this one). */
  partnerOpen(uri: string): string | undefined {
    const pair = pairOf(uri);
    const other = uri === pair.stream ? pair.tests : pair.stream;
    return other !== uri && this.documents.get(other) ? other : undefined;
  }

  forget(uri: string): void {
    if (!this.partnerOpen(uri)) this.cache.delete(pairOf(uri).stream);
  }
}
