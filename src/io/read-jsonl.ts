import readline from "node:readline";
import type { Readable } from "node:stream";
import { describeError, ioError, type ReadItem } from "./item.js";
import { parseJsonText } from "./json-text.js";
import { JsonNumber } from "../values/value.js";

/** What kind of JSON value this is, for messages ("got an array"). */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof JsonNumber) return "a number";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": return "a string";
    case "number": return "a number";
    case "boolean": return "a boolean";
    default: return "an object";
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/**
 * One JSON object per line, streamed line by line. Blank lines are skipped; a line
 * that is not JSON, or not an object, becomes a reject and reading goes on. An I/O
 * error ends the stream with a failure item.
 */
export async function* readJsonl(input: Readable, file: string): AsyncGenerator<ReadItem> {
  let streamError: unknown;
  const onError = (e: unknown): void => {
    streamError = e;
    rl.close();
  };
  input.on("error", onError);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = parseJsonText(text);
      } catch (e) {
        yield { kind: "reject", file, line, reason: `line ${line}: invalid JSON: ${describeError(e)}`, text };
        continue;
      }
      if (isJsonObject(value)) yield { kind: "record", file, line, record: value };
      else yield { kind: "reject", file, line, reason: `line ${line}: expected a JSON object, got ${jsonKind(value)}`, text };
    }
  } catch (e) {
    streamError ??= e;
  } finally {
    input.off("error", onError);
    rl.close();
  }
  if (streamError !== undefined) {
    yield { kind: "error", error: ioError(`cannot read ${file}: ${describeError(streamError)}`, file) };
  }
}
