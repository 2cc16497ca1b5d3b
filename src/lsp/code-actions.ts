// Quick fixes carried by diagnostics: "did you mean `x`?" replaces the name at
// fault; a text operand where a number is wanted, or a number in decimal
// arithmetic, is wrapped in the conversion the hint names (`decimal(…)`, `int(…)`, `number(…)`). The fixes are computed
// when the diagnostic is published and travel in its `data`.
import type * as A from "../syntax/ast.js";
import { primarySpan, type Diagnostic } from "../diagnostics/diagnostic.js";
import { childExprs, declExprs } from "../syntax/walk.js";
import type { Analysis, FileIndex } from "./analysis.js";
import { writtenName } from "./positions.js";

export interface TextFix {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: ReadonlyArray<TextFix>;
  readonly preferred: boolean;
}

const NAME_AT_FAULT = /^(`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)$/;

export function fixesFor(d: Diagnostic, file: FileIndex, analysis: Analysis): Fix[] {
  const span = primarySpan(d);
  if (!span) return [];
  const fixes: Fix[] = [];
  const atFault = file.text.slice(span.start, span.end);
  for (const note of d.notes) {
    const m = /did you mean `([^`]+)`\?/.exec(note);
    if (m && NAME_AT_FAULT.test(atFault)) {
      const name = m[1]!;
      fixes.push({ title: `Change \`${atFault}\` to \`${name}\``, edits: [{ start: span.start, end: span.end, newText: writtenName(name) }], preferred: true });
    }
    for (const conversion of ["decimal", "int", "number"] as const) {
      if (!note.includes(`\`${conversion}(…)\``)) continue;
      const operand = textOperand(file.ast, span, analysis);
      if (!operand) continue;
      const text = file.text.slice(operand.start, operand.end);
      fixes.push({ title: `Wrap \`${text}\` in \`${conversion}(…)\``, edits: [{ start: operand.start, end: operand.end, newText: `${conversion}(${text})` }], preferred: conversion === "decimal" });
    }
  }
  return fixes;
}

/**
 * The side of the binary operator whose symbol is at `op` that the conversion
 * fixes: the text-typed one, or (decimal arithmetic with a number, W1010) the number.
 */
function textOperand(ast: A.StreamFile, op: A.Span, analysis: Analysis): A.Span | undefined {
  const binary = findBinary(ast, op);
  // A choice's W1010 (`??`, `if`, `coalesce` of a decimal and a number) stands at the number itself.
  if (!binary) return analysis.checked && findNumberAt(ast, op, analysis) ? op : undefined;
  for (const kind of ["string", "number"] as const) {
    const is = (e: A.Expr) => analysis.checked?.types.get(e)?.kind === kind;
    if (is(binary.left) && !is(binary.right)) return binary.left.span;
    if (is(binary.right) && !is(binary.left)) return binary.right.span;
  }
  return undefined;
}

function findNumberAt(ast: A.StreamFile, at: A.Span, analysis: Analysis): boolean {
  let found = false;
  const visit = (e: A.Expr): void => {
    if (found) return;
    if (e.span.start === at.start && e.span.end === at.end && analysis.checked?.types.get(e)?.kind === "number") found = true;
    else childExprs(e).forEach(visit);
  };
  for (const d of ast.decls) declExprs(d).forEach(visit);
  return found;
}

function findBinary(ast: A.StreamFile, op: A.Span): A.Binary | undefined {
  let found: A.Binary | undefined;
  const visit = (e: A.Expr): void => {
    if (found) return;
    if (e.kind === "Binary" && e.opSpan.start === op.start && e.opSpan.end === op.end) found = e;
    else childExprs(e).forEach(visit);
  };
  for (const d of ast.decls) declExprs(d).forEach(visit);
  return found;
}

