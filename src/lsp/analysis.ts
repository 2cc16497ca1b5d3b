// What the language server knows of one stream and its `NAME.test.stream`: the
// compiler's diagnostics and CheckedStream, and a position index of every name
// in both files (what it is, what it refers to, its type), built by indexer.ts.
import type * as A from "../syntax/ast.js";
import type { CheckedStream } from "../check/checked.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Type } from "../values/types.js";

/** What a name in the source is. */
export type Role =
  | "step"
  | "port"
  | "table"
  | "tableField"
  | "param"
  | "const"
  | "field"
  | "local"
  | "function"
  | "type"
  | "format"
  | "stream"
  | "builtinOutput";

/** One name in a file. */
export interface Occurrence {
  readonly span: A.Span;
  readonly role: Role;
  readonly name: string;
  /**
   * What it refers to: every occurrence with the same symbol names the same
   * thing (fields: one key per group of definitions a record passes through).
   * Undefined for names that resolve to nothing.
   */
  readonly symbol?: string;
  /** This occurrence declares (or assigns) the symbol. */
  readonly declaration: boolean;
  /** The value's type, for fields, locals, params and consts. */
  readonly type?: Type;
  /** The step whose declaration holds the occurrence. */
  readonly step?: string;
}

/** A place in one of the two files. */
export interface Place {
  readonly file: FileKind;
  readonly span: A.Span;
}

export type FileKind = "stream" | "tests";

export interface FileIndex {
  readonly uri: string;
  readonly text: string;
  readonly ast: A.StreamFile;
  /** Sorted by start offset. */
  readonly occurrences: ReadonlyArray<Occurrence>;
  /** This file's diagnostics, in compiler order. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export interface Analysis {
  readonly stream: FileIndex;
  readonly tests?: FileIndex;
  /** Undefined only when the checker crashed (reported as E1999). */
  readonly checked?: CheckedStream;
  /** Where each symbol is declared (more than one place for a field a merge joins). */
  readonly definitions: ReadonlyMap<string, ReadonlyArray<Place>>;
}

export const fileOf = (a: Analysis, uri: string): { kind: FileKind; index: FileIndex } | undefined =>
  a.stream.uri === uri ? { kind: "stream", index: a.stream } : a.tests?.uri === uri ? { kind: "tests", index: a.tests } : undefined;

export const contains = (span: A.Span, offset: number): boolean => span.start <= offset && offset <= span.end;

/** The innermost occurrence at `offset` (a cursor just after a name still counts). */
export function occurrenceAt(index: FileIndex, offset: number): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of index.occurrences) {
    if (o.span.start > offset) break;
    if (contains(o.span, offset) && (!best || o.span.end - o.span.start <= best.span.end - best.span.start)) best = o;
  }
  return best;
}

/** Every occurrence of `symbol` in either file. */
export function occurrencesOf(a: Analysis, symbol: string): Array<{ file: FileKind; occurrence: Occurrence }> {
  const out: Array<{ file: FileKind; occurrence: Occurrence }> = [];
  for (const o of a.stream.occurrences) if (o.symbol === symbol) out.push({ file: "stream", occurrence: o });
  for (const o of a.tests?.occurrences ?? []) if (o.symbol === symbol) out.push({ file: "tests", occurrence: o });
  return out;
}

export const uriOf = (a: Analysis, file: FileKind): string => (file === "stream" ? a.stream.uri : a.tests?.uri ?? a.stream.uri);

/** The declaration whose span holds `offset`. */
export const declAt = (ast: A.StreamFile, offset: number): A.Decl | undefined => ast.decls.find((d) => contains(d.span, offset));
