// Go to definition, find references and rename: every occurrence that shares
// the symbol of the one under the cursor, in the stream and its test file.
import { ResponseError, ErrorCodes, type Location, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import { occurrenceAt, occurrencesOf, uriOf, type Analysis, type FileIndex, type FileKind, type Occurrence } from "./analysis.js";
import { documentOf, rangeOf, writtenName } from "./positions.js";

const docs = (a: Analysis) => ({ stream: documentOf(a.stream.uri, a.stream.text), tests: a.tests ? documentOf(a.tests.uri, a.tests.text) : undefined });

function location(a: Analysis, file: FileKind, span: { start: number; end: number }, d = docs(a)): Location {
  const doc = file === "tests" && d.tests ? d.tests : d.stream;
  return { uri: uriOf(a, file), range: rangeOf(doc, span) };
}

export function definition(a: Analysis, file: FileIndex, offset: number): Location[] {
  const o = occurrenceAt(file, offset);
  if (!o?.symbol) return [];
  const d = docs(a);
  return (a.definitions.get(o.symbol) ?? []).map((p) => location(a, p.file, p.span, d));
}

export function references(a: Analysis, file: FileIndex, offset: number, includeDeclaration: boolean): Location[] {
  const o = occurrenceAt(file, offset);
  if (!o?.symbol) return [];
  const d = docs(a);
  const defs = a.definitions.get(o.symbol) ?? [];
  const isDef = (f: FileKind, x: Occurrence) => defs.some((p) => p.file === f && p.span.start === x.span.start);
  const seen = new Set<string>();
  const out: Location[] = [];
  const push = (f: FileKind, span: { start: number; end: number }) => {
    const key = `${f}:${span.start}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(location(a, f, span, d));
  };
  if (includeDeclaration) for (const p of defs) push(p.file, p.span);
  for (const { file: f, occurrence } of occurrencesOf(a, o.symbol)) {
    if (!includeDeclaration && (occurrence.declaration || isDef(f, occurrence))) continue;
    push(f, occurrence.span);
  }
  return out;
}

/** The name written at a span, without back-quotes. */
const textAt = (a: Analysis, f: FileKind, span: { start: number; end: number }): string | undefined =>
  (f === "tests" ? a.tests?.text : a.stream.text)?.slice(span.start, span.end).replace(/^`(.*)`$/, "$1");

const RENAMEABLE = new Set(["step", "port", "field", "local", "table", "tableField", "param", "const"]);

/** The occurrence a rename would start from, or why there is none. */
function renameTarget(a: Analysis, file: FileIndex, offset: number): Occurrence | string {
  const o = occurrenceAt(file, offset);
  if (!o) return "there is no name here";
  if (!o.symbol || !RENAMEABLE.has(o.role)) return `\`${o.name}\` cannot be renamed here`;
  if (o.name.includes(".")) return "a dotted field names a path in the input; rename it in the data";
  const written = (a.definitions.get(o.symbol) ?? []).some((p) => textAt(a, p.file, p.span) === o.name);
  // `invalid`, `errors`, … are defined at their step's name: nothing in the source spells them.
  if (!written) return `\`${o.name}\` is built in`;
  return o;
}

export function prepareRename(a: Analysis, file: FileIndex, offset: number): { range: Range; placeholder: string } {
  const o = renameTarget(a, file, offset);
  if (typeof o === "string") throw new ResponseError(ErrorCodes.InvalidRequest, o);
  return { range: rangeOf(documentOf(file.uri, file.text), o.span), placeholder: o.name };
}

export function rename(a: Analysis, file: FileIndex, offset: number, newName: string): WorkspaceEdit {
  const o = renameTarget(a, file, offset);
  if (typeof o === "string") throw new ResponseError(ErrorCodes.InvalidRequest, o);
  const name = newName.replace(/^`(.*)`$/, "$1");
  if (name === "" || /[`\n\r]/.test(name)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name`);
  const text = writtenName(name);
  const d = docs(a);
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  const edit = (f: FileKind, span: { start: number; end: number }) => {
    const key = `${f}:${span.start}`;
    if (seen.has(key)) return;
    seen.add(key);
    const { uri, range } = location(a, f, span, d);
    (changes[uri] ??= []).push({ range, newText: text });
  };
  for (const p of a.definitions.get(o.symbol!) ?? []) if (textAt(a, p.file, p.span) === o.name) edit(p.file, p.span);
  for (const { file: f, occurrence } of occurrencesOf(a, o.symbol!)) edit(f, occurrence.span);
  return { changes };
}
