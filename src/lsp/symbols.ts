// The outline: one symbol per declaration, with its fields, ports and rules as children.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type * as A from "../syntax/ast.js";
import { documentOf, rangeOf } from "./positions.js";
import { joinPath } from "./indexer.js";
import type { FileIndex } from "./analysis.js";

export function documentSymbols(file: FileIndex): DocumentSymbol[] {
  const doc = documentOf(file.uri, file.text);
  const symbol = (name: string, detail: string, kind: SymbolKind, span: A.Span, selection: A.Span, children: DocumentSymbol[] = []): DocumentSymbol => ({
    name: name || "(unnamed)",
    detail,
    kind,
    range: rangeOf(doc, span),
    selectionRange: rangeOf(doc, selection.start >= span.start && selection.end <= span.end ? selection : span),
    ...(children.length ? { children } : {}),
  });
  const field = (id: A.Ident, span: A.Span, detail = "") => symbol(id.name, detail, SymbolKind.Field, span, id.span);
  const schema = (fields: ReadonlyArray<A.SchemaField>) =>
    fields.flatMap((f) => {
      const at = joinPath(f.path);
      const type = file.text.slice(f.type.span.start, f.type.span.end) + (f.optional ? "?" : "");
      return at ? [symbol(f.path.map((p) => p.name).join("."), type, SymbolKind.Field, f.span, at)] : [];
    });
  const block = (body: ReadonlyArray<A.BlockStmt>) =>
    body.map((s) => (s.kind === "Let" ? symbol(s.name.name, "let", SymbolKind.Variable, s.span, s.name.span) : field(s.target, s.span)));
  const out: DocumentSymbol[] = [];
  for (const d of file.ast.decls) {
    switch (d.kind) {
      case "Stream":
        out.push(symbol(d.name.name, "stream", SymbolKind.Module, d.span, d.name.span));
        break;
      case "Param":
        out.push(symbol(d.name.name, "param", SymbolKind.Variable, d.span, d.name.span));
        break;
      case "Const":
        out.push(symbol(d.name.name, "const", SymbolKind.Constant, d.span, d.name.span));
        break;
      case "Trigger":
        out.push(symbol("trigger", "trigger count", SymbolKind.Event, d.span, d.span));
        break;
      case "Table":
        out.push(symbol(d.name.name, `table key ${d.keys.map((k) => k.name).join(", ")}`, SymbolKind.Struct, d.span, d.name.span, schema(d.schema)));
        break;
      case "Source":
        out.push(symbol(d.name.name, "source", SymbolKind.Class, d.span, d.name.span, d.origin.kind === "SimulateOrigin" ? block(d.fields) : schema(d.schema)));
        break;
      case "Map":
      case "Enrich":
      case "Audit":
        out.push(symbol(d.name.name, stepDetail(d), SymbolKind.Class, d.span, d.name.span, block(d.body)));
        break;
      case "Route":
        out.push(symbol(d.name.name, stepDetail(d), SymbolKind.Class, d.span, d.name.span, [
          ...d.branches.map((b) => symbol(b.port.name, "port", SymbolKind.EnumMember, b.span, b.port.span)),
          ...(d.otherwise ? [symbol(d.otherwise.name, "port (else)", SymbolKind.EnumMember, d.otherwise.span, d.otherwise.span)] : []),
        ]));
        break;
      case "Aggregate":
        out.push(symbol(d.name.name, stepDetail(d), SymbolKind.Class, d.span, d.name.span, [
          ...d.keys.map((k) => field(k.name, k.span, "key")),
          ...d.fields.map((f) => field(f.name, f.span)),
        ]));
        break;
      case "Validate":
      case "Dedup":
      case "Merge":
      case "Sink":
        out.push(symbol(d.name.name, stepDetail(d), SymbolKind.Class, d.span, d.name.span));
        break;
      case "Test":
        out.push(symbol(d.title.value, "test", SymbolKind.Method, d.span, d.title.span));
        break;
      case "ErrorDecl":
        break;
    }
  }
  return out;
}

function stepDetail(d: A.StepDecl): string {
  const inputs = d.kind === "Source" ? [] : d.kind === "Merge" || d.kind === "Sink" ? d.inputs : [d.input];
  const from = inputs.map((i) => (i.port ? `${i.name.name}.${i.port.name}` : i.name.name)).join(", ");
  return `${d.kind.toLowerCase()}${from ? ` from ${from}` : ""}`;
}
