// Semantic tokens: each name as what the checker made of it (a field named `at`
// is a property), and each keyword that the parser read as a keyword.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from "vscode-languageserver";
import { streamLexer } from "../../grammar/tokens.js";
import type { FileIndex, Role } from "./analysis.js";
import { documentOf } from "./positions.js";

const TYPES = ["class", "enumMember", "struct", "parameter", "variable", "property", "function", "type", "keyword", "namespace", "event"] as const;
const MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export const legend: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const ROLE_TYPE: Readonly<Record<Role, (typeof TYPES)[number]>> = {
  step: "class",
  port: "enumMember",
  table: "struct",
  tableField: "property",
  param: "parameter",
  const: "variable",
  field: "property",
  local: "variable",
  function: "function",
  type: "type",
  format: "enumMember",
  stream: "namespace",
  builtinOutput: "event",
};

interface Token {
  readonly start: number;
  readonly end: number;
  readonly type: number;
  readonly modifiers: number;
}

export function semanticTokens(file: FileIndex): SemanticTokens {
  const tokens: Token[] = [];
  const named = new Set<number>();
  for (const o of file.occurrences) {
    let modifiers = 0;
    if (o.declaration) modifiers |= 1 << MODIFIERS.indexOf("declaration");
    if (o.role === "const") modifiers |= 1 << MODIFIERS.indexOf("readonly");
    if (o.role === "function" || o.role === "type" || o.role === "builtinOutput") modifiers |= 1 << MODIFIERS.indexOf("defaultLibrary");
    tokens.push({ start: o.span.start, end: o.span.end, type: TYPES.indexOf(ROLE_TYPE[o.role]), modifiers });
    named.add(o.span.start);
  }
  // A keyword token that no name occupies is a keyword where the parser read it.
  for (const t of streamLexer.tokenize(file.text).tokens) {
    if (!t.tokenType.name.startsWith("Kw") || named.has(t.startOffset)) continue;
    tokens.push({ start: t.startOffset, end: t.startOffset + t.image.length, type: TYPES.indexOf("keyword"), modifiers: 0 });
  }
  tokens.sort((a, b) => a.start - b.start);
  const doc = documentOf(file.uri, file.text);
  const builder = new SemanticTokensBuilder();
  let last = -1;
  for (const t of tokens) {
    if (t.start < last) continue; // overlapping (a dotted field over its parts): the first wins
    const from = doc.positionAt(t.start);
    const to = doc.positionAt(t.end);
    if (from.line !== to.line) continue;
    builder.push(from.line, from.character, to.character - from.character, t.type, t.modifiers);
    last = t.end;
  }
  return builder.build();
}
