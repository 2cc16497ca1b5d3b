// Declared types and schemas: `list<int>`, `data.account string? = "x"`.
import type * as A from "../syntax/ast.js";
import { SCALAR_NAMES, T, assignable, typeToString, type FieldType, type Type } from "../values/types.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { CheckContext } from "./context.js";
import { literalType } from "./literal.js";
import { convert } from "../values/convert.js";

const TYPE_NAMES = [...SCALAR_NAMES, "list", "map"];

/** Names other languages use, and ours. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  integer: "int", long: "int", bigint: "int", float: "number", double: "number", numeric: "decimal", money: "decimal",
  boolean: "bool", str: "string", text: "string", varchar: "string", datetime: "timestamp", date: "timestamp",
  time: "timestamp", instant: "timestamp", interval: "duration", array: "list", dict: "map", object: "map",
};

export type TypeProblem = "unknown" | "needsElement" | "noArgument";

/**
 * The type a written type names; each part that names none is handed to
 * `onBad` and is `any`. `any` itself is a name only for host function types.
 */
export function typeOfRef(ref: A.TypeRef, onBad: (ref: A.TypeRef, problem: TypeProblem) => void, options: { readonly any?: boolean } = {}): Type {
  const name = ref.name.name;
  if (options.any && name === "any" && ref.args.length === 0) return T.any;
  const arity = name === "list" || name === "map" ? 1 : 0;
  if (!TYPE_NAMES.includes(name)) {
    onBad(ref, "unknown");
    return T.any;
  }
  if (ref.args.length !== arity) {
    onBad(ref, arity ? "needsElement" : "noArgument");
    return T.any;
  }
  if (name === "list") return T.list(typeOfRef(ref.args[0]!, onBad, options));
  if (name === "map") return T.map(typeOfRef(ref.args[0]!, onBad, options));
  return { kind: name as (typeof SCALAR_NAMES)[number] };
}

export function resolveTypeRef(ctx: CheckContext, ref: A.TypeRef): Type {
  return typeOfRef(ref, (bad, problem) => {
    const name = bad.name.name;
    if (problem === "unknown") {
      ctx.report("E2007.unknown", { name }, bad.name.span, {
        hint:
          (Object.hasOwn(TYPE_ALIASES, name.toLowerCase()) ? `did you mean \`${TYPE_ALIASES[name.toLowerCase()]}\`?` : undefined) ??
          didYouMean(name, TYPE_NAMES) ??
          `types are ${TYPE_NAMES.join(", ")}`,
      });
    } else ctx.report(problem === "needsElement" ? "E2007.needsElement" : "E2007.noArgument", { name }, bad.span);
  });
}

export const fieldName = (f: A.SchemaField): string => f.path.map((p) => p.name).join(".");

/** The fields of a declared schema, reporting duplicates and defaults that do not fit. */
export function resolveSchema(ctx: CheckContext, fields: ReadonlyArray<A.SchemaField>): FieldType[] {
  const seen = new Map<string, A.SchemaField>();
  const out: FieldType[] = [];
  for (const f of fields) {
    const name = fieldName(f);
    const first = seen.get(name);
    if (first) {
      ctx.report("E1011.schema", { name }, f.span, { secondary: [{ span: first.span, message: "first declared here" }] });
      continue;
    }
    seen.set(name, f);
    const type = resolveTypeRef(ctx, f.type);
    if (f.default) {
      const dt = literalType(f.default);
      if (dt === undefined) ctx.report("E2019.fieldLiteral", { name }, f.default.span, { hint: defaultHint(type) });
      else if (!defaultFits(f.default, dt, type)) {
        ctx.report("E2019.fieldType", { name, type: typeToString(dt), expected: typeToString(type) }, f.default.span, { hint: defaultHint(type) });
      }
    }
    // A default fills a missing or null value, so the field is never null downstream.
    out.push({ name, type, optional: f.optional });
  }
  return out;
}

/**
 * Whether a default literal of type `literal` may fill a `type` field: as any
 * value may, or as text that converts like input data (`at timestamp = "2026-01-01"`).
 */
export function defaultFits(e: A.Expr, literal: Type, type: Type): boolean {
  if (assignable(literal, type)) return true;
  return e.kind === "StringLit" && convert(e.value, type).ok;
}

/** How to write a literal of `type`, for defaults that do not fit. */
export function defaultHint(type: Type): string | undefined {
  switch (type.kind) {
    case "string":
      return 'write text in quotes, e.g. `"EUR"`';
    case "int":
      return "write a whole number, e.g. `0`";
    case "decimal":
    case "number":
      return "write a number, e.g. `0` or `12.50`";
    case "bool":
      return "write `true` or `false`";
    case "duration":
      return "write a duration, e.g. `30d`";
    case "timestamp":
      return 'write it as text, e.g. `"2026-01-01T00:00:00Z"`';
    case "list":
      return "write a list, e.g. `[]`";
    default:
      return undefined;
  }
}
