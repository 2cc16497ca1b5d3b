// Builds records of one schema with a constructor made once for that schema,
// so every record of a port has the same shape and is created in one step
// (a loop of dynamic `out[name] = v` stores is much slower once many schemas
// share it). Field names enter the generated code only as JSON string
// literals, so no user text can become code.
import { setField, type Rec, type Value } from "./value.js";

const hasOwn = Object.prototype.hasOwnProperty;

export type RecordMaker = (values: ReadonlyArray<Value>) => Rec;

/**
 * A function generated from `body` with `params`, for code built from a schema's
 * field names (each only as a JSON string literal), or undefined where a
 * literal could not hold the names (a repeated name, or more than 200) or where
 * code generation is not allowed (a strict content security policy); the caller
 * then uses its plain loop, which does the same.
 */
/** How many functions `generated` has made (see there). */
let made = 0;

export function generated<F>(names: ReadonlyArray<string>, params: ReadonlyArray<string>, body: string): F | undefined {
  if (new Set(names).size !== names.length || names.length > 200) return undefined;
  try {
    // The number makes each function's text unique: V8 gives functions compiled from the same
    // text one shared type feedback, so two steps' checks or reads of different record
    // shapes would each see the other's shapes and calls, and be optimized for neither.
    return new Function(...params, `"use strict";\n${body}\n// ${++made}`) as F;
  } catch {
    return undefined;
  }
}

function byLoop(names: ReadonlyArray<string>): RecordMaker {
  return (values) => {
    const out: Record<string, Value> = {};
    for (let i = 0; i < names.length; i++) setField(out, names[i]!, values[i] ?? null);
    return out;
  };
}

export function recordMaker(names: ReadonlyArray<string>): RecordMaker {
  // `__proto__: v` in a literal would set the prototype; the computed form defines an own field.
  const fields = names.map((n, i) => `${n === "__proto__" ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: v[${i}] ?? null`);
  // With a repeated name the loop keeps the last value, as a literal would.
  return generated<RecordMaker>(names, ["v"], `return { ${fields.join(", ")} };`) ?? byLoop(names);
}

/**
 * A record of `names`, copied from a record of the same fields, with `extra`
 * set last: `(rec, x) => ({ a: rec.a, …, [extra]: x })`, generated once per
 * schema like recordMaker (a validate step's `invalid` records). A missing
 * field is null.
 */
export type RecordCopier = (rec: Rec, extra: Value) => Rec;

export function recordCopier(names: ReadonlyArray<string>, extra: string): RecordCopier {
  const all = [...names, extra];
  const make = recordMaker(all);
  const loop: RecordCopier = (rec, x) => {
    const values = names.map((n) => (hasOwn.call(rec, n) ? ((rec as Record<string, Value | undefined>)[n] ?? null) : null));
    values.push(x);
    return make(values);
  };
  // `rec["__proto__"]` would read the prototype of a record without that field.
  if (all.includes("__proto__")) return loop;
  const fields = names.map((n) => `${JSON.stringify(n)}: r[${JSON.stringify(n)}] ?? null`);
  return generated<RecordCopier>(all, ["r", "x"], `return { ${fields.join(", ")}, ${JSON.stringify(extra)}: x };`) ?? loop;
}
