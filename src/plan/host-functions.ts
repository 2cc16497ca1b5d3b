// Functions a host registers, with their types written as in the language
// (`"string"`, `"list<int>"`), so the checker treats them like built-ins.
import { SCALAR_NAMES, T, assignable, typeToString, type Type } from "../values/types.js";
import type { FunctionDef } from "../values/functions/registry.js";
import type { Value } from "../values/value.js";
import { message, type Message } from "../diagnostics/codes.js";

export interface HostFunction {
  readonly params: ReadonlyArray<string>;
  readonly returns: string;
  readonly impl: (...args: Value[]) => Value;
}

/** `list<map<int>>` -> Type, or undefined for a bad name. */
export function parseTypeText(text: string): Type | undefined {
  const s = text.replace(/\s+/g, "");
  const m = /^(list|map)<(.+)>$/.exec(s);
  if (m) {
    const inner = parseTypeText(m[2]!);
    return inner && (m[1] === "list" ? T.list(inner) : T.map(inner));
  }
  if (s === "any") return T.any;
  return (SCALAR_NAMES as ReadonlyArray<string>).includes(s) ? ({ kind: s } as Type) : undefined;
}

export function hostFunctionDefs(functions: Readonly<Record<string, HostFunction>>, builtinNames: ReadonlySet<string>): { defs: FunctionDef[]; errors: Message[] } {
  const defs: FunctionDef[] = [];
  const errors: Message[] = [];
  for (const [name, f] of Object.entries(functions)) {
    if (builtinNames.has(name)) {
      errors.push(message("E1016.builtin", { name }));
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      errors.push(message("E1016.identifier", { name }));
      continue;
    }
    const params = f.params.map(parseTypeText);
    const returns = parseTypeText(f.returns);
    const bad = [...f.params, f.returns].filter((t) => !parseTypeText(t));
    if (bad.length || !returns || params.some((p) => !p)) {
      errors.push(message("E1016.type", { name, types: bad.map((b) => `\`${b}\``).join(", ") }));
      continue;
    }
    const ps = params as Type[];
    defs.push({
      name,
      signature: `${name}(${ps.map(typeToString).join(", ")}) -> ${typeToString(returns)}`,
      minArgs: ps.length,
      maxArgs: ps.length,
      check: (args) => {
        const i = args.findIndex((a, k) => !assignable(a, ps[k]!));
        return i >= 0 ? { ok: false, message: message("E2002.argument", { index: i + 1, name, expected: typeToString(ps[i]!), type: typeToString(args[i]!) }), arg: i } : { ok: true, type: returns };
      },
      impl: f.impl,
    });
  }
  return { defs, errors };
}
