// The text each parsed AST came from, so the printer can keep blank lines and
// place comments without the AST having to carry layout.
import type { StreamFile } from "./ast.js";

const sources = new WeakMap<StreamFile, string>();

export function rememberSource(ast: StreamFile, text: string): void {
  sources.set(ast, text);
}

export function sourceOf(ast: StreamFile): string | undefined {
  return sources.get(ast);
}
