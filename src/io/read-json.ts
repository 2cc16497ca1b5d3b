import { left, right } from "fp-ts/lib/Either.js";
import type { Readable } from "node:stream";
import { describeError, ioError, type Item, type IoResult } from "./item.js";
import { isJsonObject, jsonKind } from "./read-jsonl.js";
import { jsonText, parseJsonText } from "./json-text.js";
import { findInvalidUtf8, invalidUtf8Reason, isUtf8 } from "./utf8.js";
import { MAX_NESTING, nestsDeeperThan, tooDeepReason } from "../values/nesting.js";

/** The 1-based line each element of a (valid) top-level JSON array starts on. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\ufeff") continue;
    if (depth === 1 && expectElement && c !== "]") {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectElement = true;
  }
  return lines;
}

/**
 * A whole `json` file: a top-level array of objects. A file that is not JSON or not
 * an array is an error; an element that is not an object is a reject naming its index.
 */
export function parseJsonArray(text: string, file: string, shown: string = file): IoResult<{ items: Item[] }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = parseJsonText(body);
  } catch (e) {
    return left(ioError(`${shown} is not valid JSON: ${describeError(e)}`, shown));
  }
  if (!Array.isArray(value)) {
    return left(ioError(`${shown} must hold a JSON array of objects, but holds ${jsonKind(value)}`, shown));
  }
  const lines = elementLines(body);
  const deep = body.length > 2 * MAX_NESTING && nestsDeeperThan(value, MAX_NESTING + 1);
  const items: Item[] = value.map((element: unknown, index): Item => {
    const line = lines[index] ?? 1;
    if (deep && nestsDeeperThan(element)) {
      // Too deep to show as text (stringify would overflow the stack); the line says where it is.
      return { kind: "reject", file, line, reason: `line ${line}: element ${index} of the array: ${tooDeepReason()}`, text: "" };
    }
    if (isJsonObject(element)) return { kind: "record", file, line, record: element };
    return {
      kind: "reject", file, line,
      reason: `line ${line}: element ${index} of the array: expected a JSON object, got ${jsonKind(element)}`,
      text: jsonText(element),
    };
  });
  return right({ items });
}

/** Reads a whole stream (standard input) as one `json` document. */
export async function readJsonStream(input: Readable, file: string, shown: string = file): Promise<IoResult<{ items: Item[] }>> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of input) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  } catch (e) {
    return left(ioError(`cannot read ${shown}: ${describeError(e)}`, shown));
  }
  const bytes = Buffer.concat(chunks);
  if (!isUtf8(bytes)) {
    // One document: invalid UTF-8 anywhere makes the whole file unreadable.
    const bad = findInvalidUtf8(bytes)!;
    let line = 1;
    let lineStart = 0;
    for (let i = bytes.indexOf(10); i >= 0 && i < bad.offset; i = bytes.indexOf(10, i + 1)) {
      line++;
      lineStart = i + 1;
    }
    const where = { line, lineOffset: bad.offset - lineStart, fileOffset: bad.offset, bytes: bad.bytes };
    return left(ioError(`${shown} is not valid UTF-8: ${invalidUtf8Reason(where)}`, shown, line));
  }
  return parseJsonArray(bytes.toString("utf8"), file, shown);
}
