// What a host hands `compile`: the text and the options, read once and checked,
// so that a bad call is a diagnostic and never an exception. Host functions
// are copied into plain definitions, and each call's result is checked to be
// a value of the language (a cyclic object, a function, a Proxy that throws
// is not one): such a result counts as the function failing, like a throw.
import { describeValue, isObject, thrownMessage } from "../values/host-data.js";
import { Big, Duration, Timestamp, intOf, setField, type Value } from "../values/value.js";
import type { HostFunction } from "./host-functions.js";

export interface HostCompileInput {
  readonly text: string;
  readonly filename: string;
  readonly functions: Readonly<Record<string, HostFunction>>;
}

/** The checked input, or the problems (each with whether it concerns a host function). */
export type ReadCompileInput = { readonly input?: HostCompileInput; readonly problems: ReadonlyArray<{ readonly message: string; readonly function: boolean }> };

const read = (obj: object, key: string): { value: unknown } | { error: string } => {
  try {
    return { value: (obj as Record<string, unknown>)[key] };
  } catch (e) {
    return { error: thrownMessage(e) };
  }
};

export function readCompileInput(text: unknown, options: unknown): ReadCompileInput {
  const problems: { message: string; function: boolean }[] = [];
  const bad = (message: string, fn = false) => void problems.push({ message, function: fn });
  if (typeof text !== "string") bad(`compile takes the stream's text as a string, got ${describeValue(text)}`);
  let filename = "stream.stream";
  const functions: Record<string, HostFunction> = Object.create(null) as Record<string, HostFunction>;
  if (options !== undefined && options !== null && !isObject(options)) bad(`the compile options must be an object { filename, functions }, got ${describeValue(options)}`);
  else if (isObject(options)) {
    const f = read(options, "filename");
    if ("error" in f) bad(`the compile options: reading \`filename\` threw ${f.error}`);
    else if (f.value !== undefined && typeof f.value !== "string") bad(`the compile option \`filename\` must be a string, got ${describeValue(f.value)}`);
    else if (typeof f.value === "string") filename = f.value;
    const given = read(options, "functions");
    if ("error" in given) bad(`the compile options: reading \`functions\` threw ${given.error}`, true);
    else if (given.value !== undefined) readFunctions(given.value, functions, (m) => bad(m, true));
  }
  return problems.length ? { problems } : { input: { text: text as string, filename, functions }, problems };
}

function readFunctions(given: unknown, into: Record<string, HostFunction>, bad: (message: string) => void): void {
  if (!isObject(given)) return bad(`the compile option \`functions\` must be an object of host functions by name, got ${describeValue(given)}`);
  let names: string[];
  try {
    names = Object.keys(given);
  } catch (e) {
    return bad(`the compile option \`functions\`: listing its names threw ${thrownMessage(e)}`);
  }
  for (const name of names) {
    const where = `host function \`${name}\``;
    const def = read(given, name);
    if ("error" in def) {
      bad(`${where}: reading it threw ${def.error}`);
      continue;
    }
    if (!isObject(def.value)) {
      bad(`${where} must be { params, returns, impl }, got ${describeValue(def.value)}`);
      continue;
    }
    const params = read(def.value, "params");
    const returns = read(def.value, "returns");
    const impl = read(def.value, "impl");
    let list: unknown[] | undefined;
    try {
      list = "value" in params && Array.isArray(params.value) ? Array.prototype.slice.call(params.value) : undefined;
    } catch {
      list = undefined;
    }
    if (!list || !list.every((p): p is string => typeof p === "string")) bad(`${where}: \`params\` must be a list of type names such as ["string", "int"]`);
    else if (!("value" in returns) || typeof returns.value !== "string") bad(`${where}: \`returns\` must be a type name such as "decimal"`);
    else if (!("value" in impl) || typeof impl.value !== "function") bad(`${where}: \`impl\` must be a function`);
    else into[name] = { params: list, returns: returns.value, impl: checkedImpl(impl.value as (...args: Value[]) => unknown, name) };
  }
}

/** A host result that is not a value of the language. */
export class HostValueError extends Error {
  override readonly name = "HostValueError";
}

/** The host's impl, with each result copied into a plain value; a result that is none throws HostValueError. */
function checkedImpl(impl: (...args: Value[]) => unknown, name: string): (...args: Value[]) => Value {
  return (...args) => {
    const result = impl(...args);
    return result === undefined ? null : hostValue(result, name, new Set());
  };
}

function hostValue(v: unknown, name: string, open: Set<object>): Value {
  if (v === undefined) return null;
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  // An int past 2^53 is a bigint; one past 64 bits has no value (null), as in the language.
  if (typeof v === "bigint") return intOf(v);
  if (v instanceof Big || v instanceof Timestamp || v instanceof Duration) return v;
  if (typeof v !== "object") throw new HostValueError(`host function \`${name}\` returned ${describeValue(v)}, which is not a value of the language`);
  if (open.has(v)) throw new HostValueError(`host function \`${name}\` returned a cyclic value`);
  open.add(v);
  let out: Value;
  if (Array.isArray(v)) out = v.map((x) => hostValue(x, name, open));
  else if (v instanceof Map) {
    const m = new Map<string, Value>();
    for (const [k, x] of v) {
      if (typeof k !== "string") throw new HostValueError(`host function \`${name}\` returned a map with a key that is not text`);
      m.set(k, hostValue(x, name, open));
    }
    out = m;
  } else {
    const rec: Record<string, Value> = {};
    for (const k of Object.keys(v)) {
      const x = hostValue((v as Record<string, unknown>)[k], name, open);
      setField(rec, k, x);
    }
    out = rec;
  }
  open.delete(v);
  return out;
}
