// A place in a source text. Diagnostics point with spans and every AST node
// carries one, so it lives here at the bottom and syntax/ast.ts re-exports it.

export interface Span {
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset one past the last character. */
  readonly end: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
}
