// Builds records of one schema with a constructor made once for that schema,
// so every record of a port has the same shape and is created in one step
// (a loop of dynamic `out[name] = v` stores is much slower once many schemas
// share it). Field names enter the generated code only as JSON string
// literals, so no user text can become code.
import { setField, type Rec, type Value } from "./value.js";

const hasOwn = Object.prototype.hasOwnProperty;

export type RecordMaker = (values: ReadonlyArray<Value>) => Rec;

function byLoop(names: ReadonlyArray<string>): RecordMaker {
  return (values) => {
    const out: Record<string, Value> = {};
    for (let i = 0; i < names.length; i++) setField(out, names[i]!, values[i] ?? null);
    return out;
  };
}

export function recordMaker(names: ReadonlyArray<string>): RecordMaker {
  // A repeated name would make a literal with a duplicate key; the loop keeps the last, like the literal would.
  if (new Set(names).size !== names.length || names.length > 200) return byLoop(names);
  // `__proto__: v` in a literal would set the prototype; the computed form defines an own field.
  const fields = names.map((n, i) => `${n === "__proto__" ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: v[${i}] ?? null`);
  try {
    return new Function("v", `"use strict"; return { ${fields.join(", ")} };`) as RecordMaker;
  } catch {
    // Where code generation is not allowed (a strict content security policy), the loop does the same.
    return byLoop(names);
  }
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
  if (new Set(all).size !== all.length || all.length > 200 || all.includes("__proto__")) return loop;
  const fields = names.map((n) => `${JSON.stringify(n)}: r[${JSON.stringify(n)}] ?? null`);
  try {
    return new Function("r", "x", `"use strict"; return { ${fields.join(", ")}, ${JSON.stringify(extra)}: x };`) as RecordCopier;
  } catch {
    return loop;
  }
}
