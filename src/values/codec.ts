// Decoding outside records against a declared schema. `compileDecoder` builds,
// once per schema, a plain-loop decoder; `recordCodec` wraps it as an io-ts
// codec for the boundaries that speak io-ts.
import * as t from "io-ts";
import { convert, parseIsoFast, showRaw } from "./convert.js";
import { typeToString, type Type } from "./types.js";
import { Timestamp, isRecord, type Rec, type Value } from "./value.js";
import { generated, recordMaker } from "./record-maker.js";

export interface DecodeField {
  /** Output name, e.g. "data.account". */
  readonly name: string;
  /** Where the value is read: ["data", "account"]. */
  readonly path: ReadonlyArray<string>;
  readonly type: Type;
  readonly optional: boolean;
  readonly default?: Value;
}

export interface DecoderOptions {
  /**
   * Treat an empty string as absent for every field, strings included (CSV,
   * where an empty cell means no value). Without it an empty string is absent
   * only for non-string fields (it could never convert to them anyway).
   */
  readonly emptyIsAbsent?: boolean;
}

export type Decoded =
  | { readonly ok: true; readonly record: Rec; readonly dropped: number }
  | { readonly ok: false; readonly reasons: ReadonlyArray<string> };

/**
 * Decodes one raw record. `fast`, where the schema allows it, is generated code
 * for the common case (every field present with a value of its type, or absent
 * with a fallback): it returns the record, adding undeclared fields to
 * `counter.dropped`, and undefined when the record needs the full decoder
 * (which then gives the same record, or the reasons it does not fit).
 */
export interface Decoder {
  (raw: unknown): Decoded;
  readonly fast?: FastDecode;
}
export type FastDecode = (raw: unknown, counter: { dropped: number }) => Rec | undefined;

interface CompiledField {
  readonly name: string;
  readonly path: ReadonlyArray<string>;
  /** The whole dotted name, also accepted as one flat key (CSV headers). */
  readonly flatKey: string | undefined;
  readonly optional: boolean;
  readonly fallback: Value;
  readonly isString: boolean;
  readonly type: Type;
  readonly convert: Converter;
}

const hasOwn = Object.prototype.hasOwnProperty;
const INVALID = Symbol("invalid");

const FAIL = Symbol("fail");
type Converter = (raw: unknown) => Value | typeof FAIL;

/**
 * A converter with fast paths for values already of the right type. It
 * allocates nothing but the value; on failure the reason is computed again by
 * `convert`, off the hot path.
 */
function converterFor(type: Type): Converter {
  const slow = (raw: unknown): Value | typeof FAIL => {
    const c = convert(raw, type);
    return c.ok ? c.value : FAIL;
  };
  switch (type.kind) {
    case "string":
      return (raw) => (typeof raw === "string" ? raw : slow(raw));
    case "bool":
      return (raw) => (typeof raw === "boolean" ? raw : slow(raw));
    case "number":
      return (raw) => (typeof raw === "number" && Number.isFinite(raw) ? raw : slow(raw));
    case "int":
      return (raw) => (typeof raw === "number" && Number.isSafeInteger(raw) ? raw : slow(raw));
    case "timestamp":
      return (raw) => {
        const ms = typeof raw === "string" ? parseIsoFast(raw) : undefined;
        return ms === undefined ? slow(raw) : new Timestamp(ms);
      };
    default:
      return slow;
  }
}

/** Compiles a decoder for one schema. Output records are plain objects with fields in schema order. */
export function compileDecoder(fields: ReadonlyArray<DecodeField>, options: DecoderOptions = {}): Decoder {
  const emptyIsAbsent = options.emptyIsAbsent === true;
  const compiled: CompiledField[] = fields.map((f) => ({
    name: f.name,
    path: f.path.length ? f.path : [f.name],
    flatKey: f.path.length > 1 ? f.name : undefined,
    optional: f.optional,
    fallback: f.default === undefined ? null : f.default,
    isString: f.type.kind === "string",
    type: f.type,
    convert: converterFor(f.type),
  }));
  // Keys declared at the top level, and below each object that a dotted path reads.
  const topLevel = new Set<string>();
  const nestedByPrefix = new Map<string, { path: string[]; children: Set<string> }>();
  for (const f of compiled) {
    topLevel.add(f.path[0]!);
    if (f.flatKey) topLevel.add(f.flatKey);
    for (let i = 1; i < f.path.length; i++) {
      const prefix = f.path.slice(0, i);
      const id = JSON.stringify(prefix);
      let n = nestedByPrefix.get(id);
      if (!n) nestedByPrefix.set(id, (n = { path: prefix, children: new Set() }));
      n.children.add(f.path[i]!);
    }
  }
  const nested = [...nestedByPrefix.values()];
  const n = compiled.length;
  const make = recordMaker(compiled.map((f) => f.name));
  // Scratch for one record's values; `make` copies them into the new record.
  const values: Value[] = new Array(n).fill(null);

  const decode = (raw: unknown): Decoded => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      return { ok: false, reasons: [`expected a record, got ${showRaw(raw)}`] };
    }
    const src = raw as Record<string, unknown>;
    let reasons: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const f = compiled[i]!;
      let v: unknown;
      if (f.flatKey !== undefined && hasOwn.call(src, f.flatKey)) v = src[f.flatKey];
      else {
        v = src;
        const path = f.path;
        for (let j = 0; j < path.length; j++) {
          if (typeof v !== "object" || v === null || Array.isArray(v)) {
            if (v !== undefined && v !== null) {
              (reasons ??= []).push(`${f.name}: expected a record at ${path.slice(0, j).join(".")}, got ${showRaw(v)}`);
              v = INVALID;
            } else v = undefined;
            break;
          }
          const key = path[j]!;
          v = hasOwn.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
        }
        if (v === INVALID) continue;
      }
      let value: Value;
      if (v === undefined || v === null || (v === "" && (emptyIsAbsent || !f.isString))) {
        if (!f.optional && f.fallback === null) {
          (reasons ??= []).push(`${f.name}: missing`);
          continue;
        }
        value = f.fallback;
      } else {
        const c = f.convert(v);
        if (c === FAIL) {
          const again = convert(v, f.type);
          (reasons ??= []).push(`${f.name}: ${again.ok ? "cannot convert" : again.reason}`);
          continue;
        }
        value = c;
      }
      values[i] = value;
    }
    if (reasons) return { ok: false, reasons };
    let dropped = 0;
    for (const k in src) if (hasOwn.call(src, k) && !topLevel.has(k)) dropped++;
    for (let i = 0; i < nested.length; i++) {
      const node = nested[i]!;
      let o: unknown = src;
      for (let j = 0; j < node.path.length && o !== undefined; j++) {
        const key = node.path[j]!;
        o = typeof o === "object" && o !== null && !Array.isArray(o) && hasOwn.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
      }
      if (typeof o !== "object" || o === null || Array.isArray(o)) continue;
      for (const k in o) if (hasOwn.call(o, k) && !node.children.has(k)) dropped++;
    }
    return { ok: true, record: make(values), dropped };
  };
  const fast = fastDecoder(compiled, emptyIsAbsent);
  return fast ? Object.assign(decode, { fast }) : decode;
}

/**
 * The generated fast path of a schema whose paths are one or two names deep
 * (`id`, `data.tenant`): one constant-key read and an inline type test per
 * field, the record built as one literal. Field names enter the code only as
 * JSON string literals. Names that objects inherit (`constructor`,
 * `__proto__`, …), deeper paths, a name that is both a field and the object of
 * a dotted one, a record holding a dotted name as one flat key (CSV headers) and
 * nested objects that are not plain are left to the full decoder.
 */
function fastDecoder(fields: ReadonlyArray<CompiledField>, emptyIsAbsent: boolean): FastDecode | undefined {
  const inherited = (k: string): boolean => k in Object.prototype || k === "__proto__";
  if (fields.some((f) => f.path.length > 2 || inherited(f.name) || f.path.some(inherited))) return undefined;
  const flatNames = new Set(fields.filter((f) => f.path.length === 1).map((f) => f.path[0]!));
  const prefixes = [...new Set(fields.filter((f) => f.path.length === 2).map((f) => f.path[0]!))];
  if (prefixes.some((p) => flatNames.has(p))) return undefined;
  const body: string[] = [
    'if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;',
    // Only plain objects: the full decoder reads own fields, and a class instance may inherit some.
    "const proto = Object.getPrototypeOf(raw);",
    "if (proto !== objectProto && proto !== null) return undefined;",
    "let present = 0;",
  ];
  for (const f of fields) if (f.flatKey !== undefined) body.push(`if (hasOwn.call(raw, ${JSON.stringify(f.flatKey)})) return undefined;`);
  // Each object a dotted path reads: `o0` (undefined when absent or null), and how many of its own keys the schema names.
  prefixes.forEach((p, j) => {
    const key = JSON.stringify(p);
    body.push(
      `let o${j} = raw[${key}];`,
      `if (o${j} === undefined || o${j} === null) { if (hasOwn.call(raw, ${key})) present++; o${j} = undefined; } else {`,
      "present++;",
      `if (typeof o${j} !== "object" || Array.isArray(o${j})) return undefined;`,
      `const p${j} = Object.getPrototypeOf(o${j});`,
      `if (p${j} !== objectProto && p${j} !== null) return undefined;`,
      "}",
      `let present${j} = 0;`,
    );
  });
  fields.forEach((f, i) => {
    const v = `v${i}`;
    const j = f.path.length === 2 ? prefixes.indexOf(f.path[0]!) : -1;
    const key = JSON.stringify(f.path[f.path.length - 1]!);
    const holder = j < 0 ? "raw" : `o${j}`;
    const count = j < 0 ? "present" : `present${j}`;
    body.push(j < 0 ? `let ${v} = raw[${key}];` : `let ${v} = o${j} === undefined ? undefined : o${j}[${key}];`);
    const absent = f.isString && !emptyIsAbsent ? `${v} === undefined || ${v} === null` : `${v} === undefined || ${v} === null || ${v} === ""`;
    const fallback = f.optional || f.fallback !== null ? `${v} = fallback[${i}];` : "return undefined;";
    const own = j < 0 ? `hasOwn.call(raw, ${key})` : `o${j} !== undefined && hasOwn.call(${holder}, ${key})`;
    body.push(`if (${absent}) { if (${own}) ${count}++; ${fallback} } else {`, `${count}++;`);
    switch (f.type.kind) {
      case "string":
        body.push(`if (typeof ${v} !== "string") return undefined;`);
        break;
      case "bool":
        body.push(`if (typeof ${v} !== "boolean") return undefined;`);
        break;
      case "int":
        body.push(`if (!Number.isSafeInteger(${v})) return undefined;`);
        break;
      case "number":
        body.push(`if (typeof ${v} !== "number" || !Number.isFinite(${v})) return undefined;`);
        break;
      case "timestamp":
        body.push(`if (typeof ${v} !== "string") return undefined;`, `const ms${i} = parseIso(${v});`, `if (ms${i} === undefined) return undefined;`, `${v} = new Timestamp(ms${i});`);
        break;
      default:
        body.push(`${v} = convert[${i}](${v});`, `if (${v} === FAIL) return undefined;`);
    }
    body.push("}");
  });
  body.push("let keys = 0;", "for (const k in raw) if (hasOwn.call(raw, k)) keys++;", "counter.dropped += keys - present;");
  prefixes.forEach((_, j) => {
    body.push(`if (o${j} !== undefined) { let n = 0; for (const k in o${j}) if (hasOwn.call(o${j}, k)) n++; counter.dropped += n - present${j}; }`);
  });
  body.push(`return { ${fields.map((f, i) => `${JSON.stringify(f.name)}: v${i}`).join(", ")} };`);
  const factory = generated<(...args: unknown[]) => FastDecode>(
    fields.map((f) => f.name),
    ["objectProto", "hasOwn", "parseIso", "Timestamp", "fallback", "convert", "FAIL"],
    `return function decodeFast(raw, counter) {\n${body.join("\n")}\n};`,
  );
  // Without generated code, the full decoder does it all.
  return factory?.(
    Object.prototype,
    hasOwn,
    parseIsoFast,
    Timestamp,
    fields.map((f) => f.fallback),
    fields.map((f) => f.convert),
    FAIL,
  );
}

/** An io-ts codec for records of this schema; its `validate` is the compiled decoder. */
export function recordCodec(fields: ReadonlyArray<DecodeField>, options: DecoderOptions = {}): t.Type<Rec, unknown, unknown> {
  const decode = compileDecoder(fields, options);
  const name = `{${fields.map((f) => `${f.name} ${typeToString(f.type)}${f.optional ? "?" : ""}`).join(", ")}}`;
  return new t.Type<Rec, unknown, unknown>(
    name,
    (u): u is Rec => isRecord(u),
    (u, c) => {
      const r = decode(u);
      return r.ok ? t.success(r.record) : t.failures(r.reasons.map((message) => ({ value: u, context: c, message })));
    },
    (r) => r,
  );
}
