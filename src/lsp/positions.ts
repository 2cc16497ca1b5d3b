// Spans (offsets into the text) to LSP ranges and back. Offsets and LSP
// characters are both UTF-16 code units, so TextDocument converts them exactly.
import type { Range } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Span } from "../syntax/ast.js";

export const documentOf = (uri: string, text: string): TextDocument => TextDocument.create(uri, "stream", 0, text);

export const rangeOf = (doc: TextDocument, span: Pick<Span, "start" | "end">): Range => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) });

/** A name as it must be written: back-quoted unless it is a plain identifier and not a reserved word. */
export function writtenName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `\`${name}\``;
}

/** The words of expressions, names only in back-quotes (docs/language.md, section 1). */
export const RESERVED = new Set(["if", "then", "else", "and", "or", "not", "in", "matches", "between", "true", "false", "null"]);
