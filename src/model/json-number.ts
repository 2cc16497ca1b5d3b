// A JSON number as its text: how the io readers hand the decoder a number that
// a double cannot hold, and how a rejected record keeps it for the writers.

/**
 * A JSON number kept as its text, because a double cannot hold it exactly
 * (`0.10000000000000000001`, `12345678901234567890`, `1e999`): what the JSON
 * readers hand the decoder in place of a lossy JS number. It is outside data,
 * never a value of the language; `convert` reads its text for the field's type,
 * and a rejected record keeps it so its text is written back as it came.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  /** JSON.stringify cannot write a number's own text: it fails here, and the caller writes with lossless JSON (src/io/json-text.ts). */
  toJSON(): never {
    throw new TypeError("a JSON number kept as text is written by jsonText");
  }
}
