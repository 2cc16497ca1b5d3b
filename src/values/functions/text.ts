// Text functions. Lengths and positions count Unicode code points, not UTF-16
// units; `substr` is 0-based (like JS and VRL): substr("hello", 1, 3) = "ell".
import { T } from "../types.js";
import { isMap, type Value } from "../value.js";
import { example, scalarParam, sig, type Example, type BuiltinDef } from "./def.js";
import { valueToString } from "./conversion.js";

const SURROGATE = /[\uD800-\uDFFF]/;
const codePoints = (s: string): string[] | undefined => (SURROGATE.test(s) ? Array.from(s) : undefined);

const str = (v: Value): v is string => typeof v === "string";
const int = (v: Value): v is number => typeof v === "number" && Number.isInteger(v);

export function length(v: Value): Value {
  if (typeof v === "string") return codePoints(v)?.length ?? v.length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return v.size;
  return null;
}

export function substr(s: Value, start: Value, len?: Value): Value {
  if (!str(s) || !int(start) || start < 0) return null;
  if (len !== undefined && (!int(len) || len < 0)) return null;
  const cps = codePoints(s);
  if (!cps) return len === undefined ? s.slice(start) : s.slice(start, start + len);
  return (len === undefined ? cps.slice(start) : cps.slice(start, start + len)).join("");
}

/** pad_left refuses widths beyond this (null), rather than build a huge string. */
const MAX_PAD = 1_000_000;

export function padLeft(s: Value, n: Value, ch?: Value): Value {
  if (!str(s) || !int(n) || n > MAX_PAD) return null;
  const pad = ch === undefined ? " " : ch;
  if (!str(pad) || Array.from(pad).length !== 1) return null;
  const len = codePoints(s)?.length ?? s.length;
  return len >= n ? s : pad.repeat(n - len) + s;
}

export function split(s: Value, sep: Value): Value {
  if (!str(s) || !str(sep)) return null;
  return sep === "" ? Array.from(s) : s.split(sep);
}

/** Joins the text of its arguments; null arguments are skipped (like PostgreSQL's concat). */
export function concat(...args: Value[]): Value {
  let out = "";
  for (const a of args) if (a !== null) out += valueToString(a);
  return out;
}

const S = T.string;
const strFn = (name: string, f: (s: string) => string, examples: ReadonlyArray<Example>): BuiltinDef => ({
  name,
  signature: `${name}(s string) -> string`,
  minArgs: 1,
  maxArgs: 1,
  group: "text",
  doc: "`(s string) -> string`",
  examples,
  check: sig(name, [S], S),
  impl: (s) => (str(s) ? f(s) : null),
});
const predicate = (name: string, f: (s: string, x: string) => boolean, examples: ReadonlyArray<Example>): BuiltinDef => ({
  name,
  signature: `${name}(s string, x string) -> bool`,
  minArgs: 2,
  maxArgs: 2,
  group: "text",
  doc: "`(s string, x string) -> bool`",
  examples,
  check: sig(name, [S, S], T.bool),
  impl: (s, x) => (str(s) && str(x) ? f(s, x) : null),
});

export const textFunctions: ReadonlyArray<BuiltinDef> = [
  strFn("lower", (s) => s.toLowerCase(), [example('lower("AbC")', '"abc"')]),
  strFn("upper", (s) => s.toUpperCase(), [example('upper("straße")', '"STRASSE"')]),
  strFn("trim", (s) => s.trim(), [example('trim("  x ")', '"x"'), example("trim(null)", "null")]),
  {
    name: "length",
    signature: "length(x string | list | map) -> int",
    minArgs: 1,
    maxArgs: 1,
    group: "text",
    doc: "`(x string \\| list \\| map) -> int` (code points for text)",
    examples: [example('length("héllo")', "5"), example("length([1, 2, 3])", "3")],
    check: sig(
      "length",
      [{ describe: "a string, list or map", accepts: (t) => ["string", "list", "map", "any", "null"].includes(t.kind) }],
      T.int,
    ),
    impl: length,
  },
  {
    name: "substr",
    signature: "substr(s string, start int[, len int]) -> string",
    minArgs: 2,
    maxArgs: 3,
    group: "text",
    doc: "`(s string, start int[, len int]) -> string`, 0-based",
    examples: [example('substr("hello", 1, 3)', '"ell"'), example('substr("hello", 1)', '"ello"'), example('substr("hello", 10)', '""')],
    check: sig("substr", [S, T.int, T.int], S),
    impl: substr,
  },
  {
    name: "replace",
    signature: "replace(s string, from string, to string) -> string",
    minArgs: 3,
    maxArgs: 3,
    group: "text",
    doc: "`(s string, from string, to string) -> string`, every occurrence",
    examples: [example('replace("a-b-c", "-", "+")', '"a+b+c"')],
    check: sig("replace", [S, S, S], S),
    impl: (s, from, to) => (str(s) && str(from) && str(to) ? (from === "" ? s : s.split(from).join(to)) : null),
  },
  {
    name: "split",
    signature: "split(s string, sep string) -> list<string>",
    minArgs: 2,
    maxArgs: 2,
    group: "text",
    doc: "`(s string, sep string) -> list<string>`",
    examples: [example('split("a,b", ",")', '["a", "b"]'), example('split("ab", "")', '["a", "b"]')],
    check: sig("split", [S, S], T.list(S)),
    impl: split,
  },
  predicate("starts_with", (s, x) => s.startsWith(x), [example('starts_with("peppa", "pe")', "true")]),
  predicate("ends_with", (s, x) => s.endsWith(x), [example('ends_with("peppa", "pe")', "false")]),
  predicate("contains", (s, x) => s.includes(x), [example('contains("peppa", "pp")', "true")]),
  {
    name: "pad_left",
    signature: "pad_left(s string, n int[, ch string]) -> string",
    minArgs: 2,
    maxArgs: 3,
    group: "text",
    doc: '`(s string, n int[, ch string]) -> string` (default `" "`)',
    examples: [example('pad_left("7", 3, "0")', '"007"'), example('pad_left("7", 3)', '"  7"')],
    check: sig("pad_left", [S, T.int, S], S),
    impl: padLeft,
  },
  {
    name: "concat",
    signature: "concat(x, …) -> string",
    minArgs: 0,
    maxArgs: Infinity,
    group: "text",
    doc: "`(x, …) -> string`, the arguments' text joined; nulls are skipped",
    examples: [example('concat("a", 1, null, true)', '"a1true"')],
    check: sig("concat", [scalarParam], S, true),
    impl: concat,
  },
];
