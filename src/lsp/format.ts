// Formatting: the `interpret fmt` printer. A file with syntax errors is left as it is.
import type { TextEdit } from "vscode-languageserver";
import { parse } from "../syntax/parse.js";
import { printStream } from "../syntax/print.js";
import { documentOf } from "./positions.js";

export function format(uri: string, text: string): TextEdit[] {
  const { ast, diagnostics } = parse(text, uri);
  if (diagnostics.some((d) => d.severity === "error")) return [];
  const formatted = printStream(ast, text);
  if (formatted === text) return [];
  const doc = documentOf(uri, text);
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}
