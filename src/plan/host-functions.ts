// Functions a host registers, with their types written as in the language
// (`"string"`, `"list<int>"`), so the checker treats them like built-ins.
import { assignable, typeToString, type Type } from "../values/types.js";
import { parseType } from "../syntax/parse.js";
import { typeOfRef } from "../check/schema.js";
import type { FunctionDef } from "../values/functions/registry.js";
import type { Value } from "../values/value.js";
import { message, type Message } from "../diagnostics/codes.js";

export interface HostFunction {
  readonly params: ReadonlyArray<string>;
  readonly returns: string;
  readonly impl: (...args: Value[]) => Value;
}

/**
 * A type as the host writes it (`"list<map<int>>"`, `"any"`), read by the
 * language's own type grammar (`parseType`) and resolved as a schema's type is;
 * undefined for text that names no type.
 */
export function hostType(text: string): Type | undefined {
  const ref = parseType(text);
  if (!ref) return undefined;
  let ok = true;
  const type = typeOfRef(ref, () => (ok = false), { any: true });
  return ok ? type : undefined;
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
    const params = f.params.map(hostType);
    const returns = hostType(f.returns);
    const bad = [...f.params, f.returns].filter((t) => !hostType(t));
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
