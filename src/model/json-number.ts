// A JSON number that a double cannot hold exactly, kept as its own text so the
// decoder can read it exactly (an int past 2^53, a decimal's every digit). It
// lives in the bottom layer because the io readers make it and values read it.

export class JsonNumber {
  constructor(readonly text: string) {}
  /** JSON.stringify cannot write a number's own text: it fails here, and the caller writes with lossless JSON (io/json-text.ts). */
  toJSON(): never {
    throw new TypeError("a JSON number kept as text is written by jsonText");
  }
}
