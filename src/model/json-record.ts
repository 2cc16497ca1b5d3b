// What the runtime hands out and the io writers write: records that are
// already JSON-ready (see toJson in src/values/json.ts).

/** A JSON-ready record (plain objects of strings, numbers, booleans, null, arrays, objects), exactly as the CLI writes it. */
export type JsonRecord = { readonly [field: string]: unknown };
