// Declarations as lines of canonical text. Each line remembers where its node
// starts in the source, so print.ts can put comments and blank lines back.
import type * as A from "./ast.js";
import { printExpr, printIdent } from "./print-expr.js";
import { quoteString } from "./strings.js";

export interface Line {
  readonly indent: number;
  readonly text: string;
  /** Source offsets of the node the line stands for. */
  readonly start: number;
  readonly end: number;
  readonly role: "open" | "item" | "close";
  /** A line's cells, for aligning runs of one-line declarations. */
  readonly cells?: ReadonlyArray<Cell>;
}
export interface Cell { readonly text: string; readonly list: boolean }

/** `else` messages of rules start at this column (0-based) when the rule fits. */
export const NOTE_COLUMN = 50;
const WIDTH = 100;

const input = (r: A.InputRef) => (r.port ? `${printIdent(r.name)}.${printIdent(r.port)}` : printIdent(r.name));
const inputs = (rs: ReadonlyArray<A.InputRef>) => rs.map(input).join(", ");
const cell = (text: string, list = false): Cell => ({ text, list });

function typeRef(t: A.TypeRef): string {
  return t.args.length === 0 ? printIdent(t.name) : `${printIdent(t.name)}<${t.args.map(typeRef).join(", ")}>`;
}

function schemaField(f: A.SchemaField): [string, string] {
  const tail = `${typeRef(f.type)}${f.optional ? "?" : ""}${f.default ? ` = ${printExpr(f.default)}` : ""}`;
  return [f.path.map(printIdent).join("."), tail];
}

function origin(o: A.FileOrigin): string {
  let text = `from ${printIdent(o.format)} ${quoteString(o.path.value)}`;
  if (o.batch) text += ` batch ${printExpr(o.batch)}`;
  if (o.delimiter) text += ` delimiter ${quoteString(o.delimiter.value)}`;
  return text;
}

/** A block: the header line ends in `{`, items are indented, `}` closes. */
function block(d: A.Decl, header: string, items: Line[], indent: number): Line[] {
  if (items.length === 0) return [{ indent, text: `${header} {}`, start: d.span.start, end: d.span.end, role: "item" }];
  return [
    { indent, text: `${header} {`, start: d.span.start, end: d.span.end, role: "open" },
    ...items,
    { indent, text: "}", start: d.span.end - 1, end: d.span.end, role: "close" },
  ];
}

/** `NAME = EXPR` lines with `=` aligned in a column. */
function assignments(rows: ReadonlyArray<{ target: string; value: string; span: A.Span }>, indent: number): Line[] {
  const width = Math.max(0, ...rows.map((r) => r.target.length));
  return rows.map((r) => ({ indent, text: `${r.target.padEnd(width)} = ${r.value}`, start: r.span.start, end: r.span.end, role: "item" }));
}

function body(stmts: ReadonlyArray<A.BlockStmt>, indent: number): Line[] {
  return assignments(stmts.map((s) => (s.kind === "Let"
    ? { target: `let ${printIdent(s.name)}`, value: printExpr(s.value), span: s.span }
    : { target: printIdent(s.target), value: printExpr(s.value), span: s.span })), indent);
}

function rules(rs: ReadonlyArray<A.Rule>, indent: number): Line[] {
  const texts = rs.map((r) => `require ${printExpr(r.expr)}`);
  const column = Math.max(NOTE_COLUMN, ...texts.filter((_, i) => rs[i]!.message).map((t) => indent + t.length + 2));
  return rs.map((r, i) => {
    const text = r.message ? `${texts[i]!.padEnd(column - indent)}else ${quoteString(r.message.value)}` : texts[i]!;
    return { indent, text, start: r.span.start, end: r.span.end, role: "item" };
  });
}

function flush(t: A.FlushTrigger): string {
  switch (t.kind) {
    case "FlushEachRun": return "each run";
    case "FlushAfterIdle": return `after ${printExpr(t.idle)} idle`;
    case "FlushAt": return `at ${printExpr(t.at)}`;
    case "FlushWhen": return `when ${printExpr(t.cond)}`;
  }
}

function records(e: A.Expr, prefix: string, indent: number, span: A.Span): Line[] {
  const inline = `${prefix} ${printExpr(e)}`;
  if (e.kind !== "ListLit" || indent + inline.length <= WIDTH || e.items.length === 0) return [{ indent, text: inline, start: span.start, end: span.end, role: "item" }];
  return [
    { indent, text: `${prefix} [`, start: span.start, end: span.end, role: "open" },
    ...e.items.map((item, i): Line => ({ indent: indent + 2, text: printExpr(item) + (i < e.items.length - 1 ? "," : ""), start: item.span.start, end: item.span.end, role: "item" })),
    { indent, text: "]", start: span.end - 1, end: span.end, role: "close" },
  ];
}

function testStmts(stmts: ReadonlyArray<A.TestStmt>, indent: number): Line[] {
  return stmts.flatMap((s): Line[] => {
    switch (s.kind) {
      case "TestNow": return [{ indent, text: `now ${quoteString(s.value.value)}`, start: s.span.start, end: s.span.end, role: "item" }];
      case "TestGiven": return records(s.records, `given ${printIdent(s.target)}`, indent, s.span);
      case "TestExpect":
        return s.count
          ? [{ indent, text: `expect ${input(s.target)} count ${printExpr(s.count)}`, start: s.span.start, end: s.span.end, role: "item" }]
          : records(s.records ?? { kind: "ListLit", items: [], span: s.span }, `expect ${input(s.target)}`, indent, s.span);
      case "TestRun": {
        const inner = testStmts(s.body, indent + 2);
        if (inner.length === 0) return [{ indent, text: "run {}", start: s.span.start, end: s.span.end, role: "item" }];
        return [{ indent, text: "run {", start: s.span.start, end: s.span.end, role: "open" }, ...inner, { indent, text: "}", start: s.span.end - 1, end: s.span.end, role: "close" }];
      }
    }
  });
}

/** One declaration as lines; one-line declarations carry cells for alignment. */
export function printDecl(d: A.Decl): Line[] {
  const one = (...cells: Cell[]): Line[] => [{ indent: 0, text: cells.map((c) => c.text).join(" "), start: d.span.start, end: d.span.end, role: "item", cells }];
  switch (d.kind) {
    case "Stream": return one(cell(`stream ${printIdent(d.name)}`));
    case "Param": return one(cell(`param ${printIdent(d.name)}`), cell(typeRef(d.type)), ...(d.default ? [cell(`= ${printExpr(d.default)}`)] : []));
    case "Const": return one(cell(`const ${printIdent(d.name)}`), cell(`= ${printExpr(d.value)}`));
    case "Trigger": return one(cell(`trigger count ${printExpr(d.count)}`));
    case "Source": {
      const name = `source ${printIdent(d.name)}`;
      if (d.origin.kind === "SimulateOrigin") {
        const o = d.origin;
        return block(d, `${name} simulate ${printExpr(o.count)} per run${o.seed ? ` seed ${printExpr(o.seed)}` : ""}`, body(d.fields, 2), 0);
      }
      const header = d.origin.kind === "FileOrigin" ? `${name} ${origin(d.origin)}` : name;
      const fields = d.schema.map(schemaField);
      const width = Math.max(0, ...fields.map(([p]) => p.length));
      const lines = fields.map(([p, t], i): Line => ({ indent: 2, text: `${p.padEnd(width)} ${t}`, start: d.schema[i]!.span.start, end: d.schema[i]!.span.end, role: "item" }));
      return block(d, header, lines, 0);
    }
    case "Table": {
      const schema = d.schema.length === 0 ? "{}" : `{ ${d.schema.map((f) => schemaField(f).join(" ")).join("  ")} }`;
      return one(cell(`table ${printIdent(d.name)}`), cell(origin(d.origin)), cell(`key ${d.keys.map(printIdent).join(", ")}`, d.keys.length > 1), cell(schema));
    }
    case "Validate": return block(d, `validate ${printIdent(d.name)} from ${input(d.input)}`, rules(d.rules, 2), 0);
    case "Map": {
      const each = d.forEach ? ` for each ${d.forEach.vars.map(printIdent).join(", ")} in ${printExpr(d.forEach.over)}` : "";
      return block(d, `map ${printIdent(d.name)} from ${input(d.input)}${each}`, body(d.body, 2), 0);
    }
    case "Enrich": return block(d, `enrich ${printIdent(d.name)} from ${input(d.input)}`, body(d.body, 2), 0);
    case "Audit": return block(d, `audit ${printIdent(d.name)} from ${input(d.input)}`, body(d.body, 2), 0);
    case "Dedup":
      return one(cell(`dedup ${printIdent(d.name)}`), cell(`from ${input(d.input)}`), cell(`by ${d.keys.map(printExpr).join(", ")}`, d.keys.length > 1),
        ...(d.within ? [cell(`within ${printExpr(d.within)}`)] : []));
    case "Merge": return one(cell(`merge ${printIdent(d.name)}`), cell(`from ${inputs(d.inputs)}`, d.inputs.length > 1));
    case "Sink": return one(cell(`sink ${printIdent(d.name)}`), cell(`from ${inputs(d.inputs)}`, d.inputs.length > 1), cell(`to ${printIdent(d.format)} ${quoteString(d.path.value)}`));
    case "Route": {
      const items: Line[] = d.branches.map((b) => ({ indent: 2, text: `when ${printExpr(b.when)} -> ${printIdent(b.port)}`, start: b.span.start, end: b.span.end, role: "item" }));
      if (d.otherwise) items.push({ indent: 2, text: `else -> ${printIdent(d.otherwise)}`, start: d.otherwise.span.start, end: d.otherwise.span.end, role: "item" });
      return block(d, `route ${printIdent(d.name)} from ${input(d.input)}`, items, 0);
    }
    case "Aggregate": {
      const keys = d.keys.map((k) => (k.expr ? `${printIdent(k.name)} = ${printExpr(k.expr)}` : printIdent(k.name))).join(", ");
      const flushes = d.flush.length > 0 ? `flush ${d.flush.map(flush).join(", ")}` : "";
      const fields = assignments(d.fields.map((f) => ({ target: printIdent(f.name), value: printExpr(f.value) + (f.by ? ` by ${printExpr(f.by)}` : ""), span: f.span })), 2);
      const head = `aggregate ${printIdent(d.name)} from ${input(d.input)} by ${keys}`;
      if (!d.eventTime) return block(d, flushes ? `${head} ${flushes}` : head, fields, 0);
      // With `event time`, each clause of the header has a line of its own, as the language reference writes it.
      const e = d.eventTime;
      const clauses: Line[] = [{ indent: 2, text: `event time ${printExpr(e.at)}${e.lateness ? ` lateness ${printExpr(e.lateness)}` : ""}`, start: e.span.start, end: e.span.end, role: "item" }];
      const flushStart = d.flush[0]?.span.start ?? e.span.end;
      if (flushes) clauses.push({ indent: 2, text: flushes, start: flushStart, end: d.flush.at(-1)!.span.end, role: "item" });
      // The block's `{` stands on a line of its own after them, so the clauses do not read as fields.
      const body = block(d, "", fields, 0).map((l, i) => (i === 0 ? { ...l, text: l.text.trimStart(), start: clauses.at(-1)!.end } : l));
      return [{ indent: 0, text: head, start: d.span.start, end: e.span.start, role: "item" }, ...clauses, ...body];
    }
    case "Test": return block(d, `test ${quoteString(d.title.value)}`, testStmts(d.body, 2), 0);
    case "ErrorDecl": return [];
  }
}
