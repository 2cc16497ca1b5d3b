// Static types of the language, shared by the checker, the function library and
// the planner. Every value may also be null at run time (an absent field is null).

export type ScalarKind = "string" | "int" | "number" | "decimal" | "bool" | "timestamp" | "duration";

export interface FieldType {
  readonly name: string;
  readonly type: Type;
  /** Declared with `?` (may be null or missing). */
  readonly optional?: boolean;
}

export type Type =
  | { readonly kind: ScalarKind }
  | { readonly kind: "list"; readonly element: Type }
  | { readonly kind: "map"; readonly value: Type }
  | { readonly kind: "record"; readonly fields: ReadonlyArray<FieldType> }
  /** The type of the literal `null`. */
  | { readonly kind: "null" }
  /** Unknown (after an error, or a host value): accepted everywhere, so one mistake gives one diagnostic. */
  | { readonly kind: "any" };

export type Schema = ReadonlyArray<FieldType>;

export const T = {
  string: { kind: "string" },
  int: { kind: "int" },
  number: { kind: "number" },
  decimal: { kind: "decimal" },
  bool: { kind: "bool" },
  timestamp: { kind: "timestamp" },
  duration: { kind: "duration" },
  null: { kind: "null" },
  any: { kind: "any" },
  list: (element: Type): Type => ({ kind: "list", element }),
  map: (value: Type): Type => ({ kind: "map", value }),
  record: (fields: ReadonlyArray<FieldType>): Type => ({ kind: "record", fields }),
} as const satisfies Record<string, Type | ((t: never) => Type)>;

export const SCALAR_NAMES: ReadonlyArray<ScalarKind> = ["string", "int", "number", "decimal", "bool", "timestamp", "duration"];

export const isNumeric = (t: Type): boolean => t.kind === "int" || t.kind === "number" || t.kind === "decimal";

/** `list<int>`, `map<string>`, `{a int, b string}`. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case "list":
      return `list<${typeToString(t.element)}>`;
    case "map":
      return `map<${typeToString(t.value)}>`;
    case "record":
      return `{${t.fields.map((f) => `${f.name} ${typeToString(f.type)}${f.optional ? "?" : ""}`).join(", ")}}`;
    default:
      return t.kind;
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "list":
      return sameType(a.element, (b as typeof a).element);
    case "map":
      return sameType(a.value, (b as typeof a).value);
    case "record": {
      const bf = (b as typeof a).fields;
      return a.fields.length === bf.length && a.fields.every((f, i) => f.name === bf[i]!.name && sameType(f.type, bf[i]!.type));
    }
    default:
      return true;
  }
}

/**
 * Whether a value of type `from` may stand where `to` is expected: equal types,
 * `any` and `null` anywhere, `int` where `number` or `decimal` is wanted, and
 * `decimal` where a `number` is wanted (a literal such as `0.03` is a decimal).
 */
export function assignable(from: Type, to: Type): boolean {
  if (from.kind === "any" || to.kind === "any" || from.kind === "null") return true;
  if (from.kind === "int" && (to.kind === "number" || to.kind === "decimal")) return true;
  if (from.kind === "decimal" && to.kind === "number") return true;
  if (from.kind === "list" && to.kind === "list") return assignable(from.element, to.element);
  if (from.kind === "map" && to.kind === "map") return assignable(from.value, to.value);
  return sameType(from, to);
}

/** The common type of two branches (`if`, `??`, list items), or undefined when there is none. */
export function unify(a: Type, b: Type): Type | undefined {
  if (a.kind === "any" || b.kind === "any") return T.any;
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === "number" || b.kind === "number") return T.number;
    return T.decimal;
  }
  if (a.kind === "list" && b.kind === "list") {
    const e = unify(a.element, b.element);
    return e && T.list(e);
  }
  if (a.kind === "map" && b.kind === "map") {
    const v = unify(a.value, b.value);
    return v && T.map(v);
  }
  return undefined;
}
