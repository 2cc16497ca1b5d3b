// Completion: what may stand at the cursor. Step and port names after `from`
// (and after `given`/`expect` in tests), a table's fields after `TABLE[..].`,
// declaration keywords at the start of a declaration, and in expressions the
// fields in scope with their types, locals, consts, params, tables, functions
// with their signatures and the words of expressions. The text being typed
// rarely parses, so the context is read from the text before the cursor and
// the last declaration that starts before it.
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type * as A from "../syntax/ast.js";
import type { StepInfo } from "../check/checked.js";
import { MAIN, portKey } from "../model/ports.js";
import { streamLexer } from "../../grammar/tokens.js";
import { typeToString, type FieldType, type Type } from "../values/types.js";
import type { Analysis, FileIndex, FileKind } from "./analysis.js";
import { describeFunction, describeStep, describeTable } from "./describe.js";

const DECL_KEYWORDS = ["stream", "param", "const", "trigger", "source", "table", "validate", "map", "enrich", "dedup", "merge", "route", "aggregate", "audit", "sink", "test"];
const EXPR_WORDS = ["if", "then", "else", "and", "or", "not", "in", "matches", "between", "true", "false", "null"];

/** Keywords of each declaration: in its header, and inside its braces. */
const CLAUSES: Readonly<Record<string, { header: string[]; body: string[] }>> = {
  source: { header: ["from", "simulate", "per", "run", "seed", "batch", "delimiter"], body: ["let"] },
  table: { header: ["from", "key"], body: [] },
  validate: { header: ["from"], body: ["require", "else"] },
  map: { header: ["from", "for", "each", "in"], body: ["let"] },
  enrich: { header: ["from"], body: ["let"] },
  audit: { header: ["from"], body: ["let"] },
  dedup: { header: ["from", "by", "within"], body: [] },
  merge: { header: ["from"], body: [] },
  route: { header: ["from"], body: ["when", "else"] },
  aggregate: { header: ["from", "by", "flush", "each", "run", "after", "idle", "at", "when"], body: ["by"] },
  sink: { header: ["from", "to"], body: [] },
  test: { header: [], body: ["now", "given", "expect", "count", "run"] },
  trigger: { header: ["count"], body: [] },
};

const HEADER = /^\s*(source|table|validate|map|enrich|audit|dedup|merge|route|aggregate|sink|test|param|const|trigger|stream)\b\s*(`[^`]*`|[A-Za-z_]\w*)?(?:[^{]*?\bfrom\s+(`[^`]*`|[A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?)?/;

interface Context {
  /** The declaration keyword the cursor is in, and the name it declares. */
  readonly keyword?: string;
  readonly name?: string;
  readonly input?: { step: string; port: string };
  readonly inBraces: boolean;
  readonly declStart: number;
}

function contextAt(file: FileIndex, offset: number): Context {
  const decl = [...file.ast.decls].reverse().find((d) => d.span.start <= offset);
  const start = decl?.span.start ?? 0;
  const m = decl ? HEADER.exec(file.text.slice(start, offset)) : null;
  // Braces opened and not closed between the declaration's start and the cursor (strings and comments skipped by the lexer).
  let depth = 0;
  for (const t of streamLexer.tokenize(file.text.slice(start, offset)).tokens) {
    if (t.image === "{") depth++;
    else if (t.image === "}") depth = Math.max(0, depth - 1);
  }
  const closed = decl && offset > decl.span.end && depth === 0 && file.text.slice(decl.span.end, offset).trim() !== "";
  if (!m || closed) return { inBraces: depth > 0, declStart: start };
  const unquote = (s: string | undefined) => s?.replace(/^`(.*)`$/, "$1");
  return {
    keyword: m[1]!,
    ...(m[2] ? { name: unquote(m[2])! } : {}),
    ...(m[3] ? { input: { step: unquote(m[3])!, port: m[4] ?? MAIN } } : {}),
    inBraces: depth > 0,
    declStart: start,
  };
}

export function complete(a: Analysis, file: FileIndex, kind: FileKind, offset: number): CompletionItem[] {
  const text = file.text;
  const before = text.slice(text.lastIndexOf("\n", offset - 1) + 1, offset);
  const checked = a.checked;
  const steps = checked?.steps ?? [];

  const afterTable = /(`[^`]*`|[A-Za-z_]\w*)\s*\[[^\]\n]*\]\s*\.\s*\w*$/.exec(before);
  if (afterTable && checked) {
    const table = checked.tables.get(afterTable[1]!.replace(/`/g, ""));
    if (table) return fieldItems(table.schema, "6");
  }

  const ctx = contextAt(file, offset);
  // After `from` (and the commas of a merge's or sink's inputs); a table's or file source's `from` names a format.
  const inputPosition = /\bfrom\s+(?:(?:`[^`]*`|[\w.]+)\s*,\s*)*(`[^`]*`|[A-Za-z_]\w*)?(\.\w*)?$/.exec(before);
  if (inputPosition && !ctx.inBraces && ctx.keyword !== "table" && ctx.keyword !== "source") {
    if (inputPosition[2] !== undefined) return portItems(steps, inputPosition[1]!.replace(/`/g, ""));
    return inputItems(steps.filter((s) => s.decl.kind !== "Sink" && s.name !== ctx.name));
  }
  if (ctx.keyword === "test" && ctx.inBraces) {
    const given = /\bgiven\s+(\w*)$/.exec(before);
    if (given) {
      return [
        ...steps.filter((s) => s.decl.kind === "Source").map((s) => stepItem(s)),
        ...[...(checked?.tables.values() ?? [])].map((t) => ({ label: t.name, kind: CompletionItemKind.Struct, detail: "table", documentation: { kind: "markdown" as const, value: describeTable(checked!, t.name) ?? "" } })),
      ];
    }
    const expect = /\bexpect\s+(\w*)(\.\w*)?$/.exec(before);
    if (expect) {
      if (expect[2] !== undefined) return portItems(steps, expect[1]!);
      return [...inputItems(steps), ...["rejects", "audit"].map((n) => ({ label: n, kind: CompletionItemKind.Event, detail: "built-in output" }))];
    }
    return keywordItems(CLAUSES["test"]!.body);
  }

  // The start of a declaration.
  if (!ctx.inBraces && /^\s*\w*$/.test(before) && (!ctx.keyword || before.trim() === "" || !CLAUSES[ctx.keyword])) {
    return keywordItems(kind === "tests" ? ["stream", "test"] : DECL_KEYWORDS);
  }
  return expressionItems(a, file, ctx, offset);
}

function expressionItems(a: Analysis, file: FileIndex, ctx: Context, offset: number): CompletionItem[] {
  const checked = a.checked;
  const items: CompletionItem[] = [];
  const step = ctx.name ? checked?.steps.find((s) => s.name === ctx.name) : undefined;
  const inputSchema = step?.inputs[0]?.schema ?? (ctx.input ? checked?.steps.find((s) => s.name === ctx.input!.step)?.ports.get(ctx.input.port) : undefined) ?? [];
  const aggregate = ctx.keyword === "aggregate";
  // An aggregate's fields also read its keys (and `flush when` its session).
  const own = aggregate && step ? (step.ports.get(MAIN) ?? []).filter((f) => !inputSchema.some((i) => i.name === f.name)) : [];
  items.push(...fieldItems([...inputSchema, ...own], "1"));
  const decl = file.ast.decls.find((d) => d.span.start === ctx.declStart);
  items.push(...localItems(a, decl, offset));
  for (const c of checked?.consts.values() ?? []) items.push({ label: c.name, kind: CompletionItemKind.Constant, detail: `const ${typeToString(c.type)}`, sortText: `2${c.name}` });
  for (const p of checked?.params.values() ?? []) items.push({ label: p.name, kind: CompletionItemKind.Variable, detail: `param ${typeToString(p.type)}`, sortText: `2${p.name}` });
  for (const t of checked?.tables.values() ?? []) items.push({ label: t.name, kind: CompletionItemKind.Struct, detail: `table key ${t.keys.join(", ")}`, sortText: `3${t.name}`, documentation: { kind: "markdown", value: describeTable(checked!, t.name) ?? "" } });
  const simulate = ctx.keyword === "source" && /\bsimulate\b/.test(file.text.slice(ctx.declStart, offset));
  for (const f of checked?.functions.values() ?? []) {
    if (f.context === "aggregate" && !aggregate) continue;
    if (f.context === "simulate" && !simulate) continue;
    items.push({ label: f.name, kind: CompletionItemKind.Function, detail: f.signature, documentation: { kind: "markdown", value: describeFunction(f) }, sortText: `4${f.name}` });
  }
  const clauses = ctx.keyword ? CLAUSES[ctx.keyword] : undefined;
  items.push(...keywordItems([...EXPR_WORDS, ...(clauses ? (ctx.inBraces ? clauses.body : clauses.header) : [])]));
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && seen.add(i.label));
}

/** `let`s and assignments of the block before the cursor, and `for each` variables. */
function localItems(a: Analysis, decl: A.Decl | undefined, offset: number): CompletionItem[] {
  if (!decl) return [];
  const body = decl.kind === "Map" || decl.kind === "Enrich" || decl.kind === "Audit" ? decl.body : decl.kind === "Source" ? decl.fields : [];
  const out: CompletionItem[] = [];
  const typed = (label: string, type: Type | undefined, what: string): CompletionItem => ({ label, kind: CompletionItemKind.Variable, detail: `${what}${type ? ` ${typeToString(type)}` : ""}`, sortText: `0${label}` });
  if (decl.kind === "Map" && decl.forEach) for (const v of decl.forEach.vars) out.push(typed(v.name, undefined, "for each"));
  for (const s of body) {
    if (s.span.end >= offset) break;
    const type = a.checked?.types.get(s.value);
    out.push(typed(s.kind === "Let" ? s.name.name : s.target.name, type, s.kind === "Let" ? "let" : "field"));
  }
  return out;
}

const fieldItems = (schema: ReadonlyArray<FieldType>, sort: string): CompletionItem[] =>
  schema.map((f) => ({ label: f.name, kind: CompletionItemKind.Field, detail: `${typeToString(f.type)}${f.optional ? "?" : ""}`, sortText: `${sort}${f.name}` }));

const keywordItems = (words: ReadonlyArray<string>): CompletionItem[] => words.map((w) => ({ label: w, kind: CompletionItemKind.Keyword, sortText: `9${w}` }));

const stepItem = (s: StepInfo): CompletionItem => ({
  label: s.name,
  kind: CompletionItemKind.Class,
  detail: s.decl.kind.toLowerCase(),
  documentation: { kind: "markdown", value: describeStep(s) },
});

/** Steps by name (their main port) and `STEP.PORT` for their other ports. */
function inputItems(steps: ReadonlyArray<StepInfo>): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const s of steps) {
    if (s.ports.has(MAIN) || s.decl.kind === "Sink") out.push(stepItem(s));
    for (const port of s.ports.keys()) if (port !== MAIN) out.push({ label: portKey(s.name, port), kind: CompletionItemKind.EnumMember, detail: `port of ${s.decl.kind.toLowerCase()} ${s.name}` });
  }
  return out;
}

function portItems(steps: ReadonlyArray<StepInfo>, name: string): CompletionItem[] {
  const step = steps.find((s) => s.name === name);
  if (!step) return [];
  return [...step.ports].filter(([p]) => p !== MAIN).map(([p, schema]) => ({ label: p, kind: CompletionItemKind.EnumMember, detail: `${schema.length} fields` }));
}
