// JSON text in and out without losing a number's digits. JS's own JSON turns
// every number into a double (`0.10000000000000000001` becomes 0.1,
// `9007199254740993` becomes …992) and cannot write a bigint at all. Both
// directions keep JSON's native speed for the usual text and values, and go
// through lossless-json only where a number needs it.
import { isSafeNumber, parse as parseLossless, stringify as stringifyLossless, type NumberStringifier } from "lossless-json";
import { JsonNumber } from "../model/json-number.js";

/**
 * A number literal that may not fit a double: one written with an exponent, or
 * with 16 or more digits and dots (every literal with at most 15 significant
 * digits and no exponent is held exactly). It must follow `:`, `,` or `[`, as a
 * number in JSON does; text in a string that looks so only costs the slower parse.
 */
const MAYBE_INEXACT = /[:,[]\s*-?(?:\d[\d.]{15}|\d[\d.]*[eE])/;

/**
 * Whether some number in `text` may not fit a double (MAYBE_INEXACT). False for
 * a text holding many JSON values means `JSON.parse` alone reads each of them
 * as parseJsonText would: a reader asks once per piece rather than once per line.
 */
export const mayBeInexact = (text: string): boolean => MAYBE_INEXACT.test(text);

/** A double where it holds the literal exactly, else the literal's text. */
const readNumber = (text: string): unknown => (isSafeNumber(text) ? Number(text) : new JsonNumber(text));

/**
 * Parses JSON text like `JSON.parse` (same values, same errors, the last of
 * duplicate keys wins, `__proto__` an own key), except that a number a double
 * cannot hold exactly arrives as a `JsonNumber` with its text, for the decoder
 * to read exactly (`convert` in src/values/convert.ts).
 */
export function parseJsonText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!MAYBE_INEXACT.test(text)) return value;
  try {
    return parseLossless(text, null, { parseNumber: readNumber, onDuplicateKey: ({ newValue }) => newValue });
  } catch (e) {
    // JSON.parse took the text, so only the depth of a recursive parse can fail here.
    if (e instanceof RangeError) throw new SyntaxError("nested too deeply to read its numbers exactly");
    throw e;
  }
}

const exactNumbers: NumberStringifier[] = [{ test: (v) => v instanceof JsonNumber, stringify: (v) => (v as JsonNumber).text }];

/**
 * JSON text of a JSON-ready value (what `toJson` gives), like `JSON.stringify`,
 * with ints beyond 2^53 (bigints) and kept JSON numbers written as their exact
 * digits. The usual value takes JSON.stringify alone: it throws on a bigint or a
 * `JsonNumber`, and only then is the value written again by lossless-json.
 */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? "null";
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  return stringifyLossless(value, null, indent, exactNumbers) ?? "null";
}
