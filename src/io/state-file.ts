import { right } from "fp-ts/lib/Either.js";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as t from "io-ts";
import { displayPath } from "./display-path.js";
import { describeError, failure, type IoResult } from "./item.js";
import { isUtf8 } from "./utf8.js";
import { MAX_NESTING, nestsDeeperThan, tooDeepReason } from "../model/nesting.js";

/**
 * The state file carried between invocations (`--state FILE`): an envelope with a
 * format tag, a version, the stream's name and a checksum over the payload, so a
 * foreign, damaged or hand-edited file is refused, never silently reset.
 */
export const STATE_FORMAT = "peppa-stream/state";
/** The version of the envelope (its fields), not of the payload the runtime versions (RUN_STATE_VERSION). */
export const STATE_FILE_VERSION = 1;

const EnvelopeCodec = t.type({
  format: t.string,
  version: t.unknown,
  stream: t.string,
  checksum: t.string,
  payload: t.unknown,
});

export function payloadChecksum(payload: unknown): string {
  return createHash("sha256").update(JSON.stringify(payload)).digest("hex");
}

/** The file's text, for the commit step. The payload must be JSON-ready. */
export function encodeStateFile(stream: string, payload: unknown): string {
  const envelope = { format: STATE_FORMAT, version: STATE_FILE_VERSION, stream, checksum: payloadChecksum(payload), payload };
  return JSON.stringify(envelope, null, 2) + "\n";
}

const MOVE_AWAY = "Move it away to start fresh; it is never reset silently.";

/** What a failed decode found, by place (`payload.sessions.usage[0].fields: missing`), at most three. */
export function describeValidation(errors: t.Errors, root: string): string {
  const seen = new Set<string>();
  for (const e of errors) {
    const keys = e.context.map((c) => c.key).filter((k) => k !== "");
    const place = (root !== "" ? [root, ...keys] : keys)
      .map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i === 0 ? k : `.${k}`))
      .join("");
    const what = e.value === undefined ? "missing" : `expected ${e.context[e.context.length - 1]?.type.name ?? "another value"}, got ${showJson(e.value)}`;
    seen.add(`${place}: ${what}`);
    if (seen.size === 3) break;
  }
  return [...seen].join("; ");
}

function showJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export async function readStateFile<A>(
  file: string,
  stream: string,
  payloadCodec: t.Type<A, unknown, unknown>,
): Promise<IoResult<{ state: A | undefined }>> {
  const shown = displayPath(path.resolve(file));
  let bytes: Buffer;
  try {
    // Non-blocking, so that a FIFO is refused below instead of waiting for a writer forever.
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        const kind = stat.isDirectory() ? "a directory" : stat.isFIFO() ? "a pipe (FIFO)" : stat.isSocket() ? "a socket" : "a device";
        return failure(
          `state file ${shown} is ${kind}, not a regular file. The state is replaced atomically after each run, so --state needs a regular file (or a path that does not exist yet).`,
          shown,
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return right({ state: undefined });
    return failure(`cannot read state file ${shown}: ${describeError(e)}`, shown);
  }
  if (!isUtf8(bytes)) return failure(`state file ${shown} is damaged: it is not valid UTF-8. ${MOVE_AWAY}`, shown);
  return decodeStateFile(bytes.toString("utf8"), shown, stream, payloadCodec);
}

/** A control character JSON text never holds outside strings, or U+FFFD from bytes that were not UTF-8. */
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

/** Decodes a state file's text; `file` names it in messages. */
export function decodeStateFile<A>(
  text: string,
  file: string,
  stream: string,
  payloadCodec: t.Type<A, unknown, unknown>,
): IoResult<{ state: A | undefined }> {
  const damaged = (what: string) => failure(`state file ${file} is damaged: ${what}. ${MOVE_AWAY}`, file);
  if (text.trim() === "") return damaged("it is empty (was a write interrupted?)");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // Binary bytes (a file of another kind, or one overwritten) are described, not quoted into the terminal.
    if (BINARY.test(text)) return damaged("it is neither a state store nor JSON text (it holds binary bytes)");
    return damaged(`it is not valid JSON (${describeError(e)}); it may be truncated`);
  }
  // Values nest at most MAX_NESTING levels; their tagged encoding takes up to three JSON levels per level.
  if (nestsDeeperThan(json, 3 * MAX_NESTING + 16)) return damaged(`it is ${tooDeepReason(3 * MAX_NESTING + 16)}, more than this interpreter writes`);
  const format = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as { format?: unknown }).format : undefined;
  if (format !== STATE_FORMAT) {
    const tag = format === undefined ? "" : ` (its format is ${JSON.stringify(format)})`;
    return failure(`${file} is not a peppa-stream state file${tag}. Give --state a file of its own; this one is left untouched.`, file);
  }
  const envelope = EnvelopeCodec.decode(json);
  if (envelope._tag === "Left") return damaged(`its envelope is incomplete (${describeValidation(envelope.left, "")})`);
  const e = envelope.right;
  if (e.version !== STATE_FILE_VERSION) {
    return failure(
      `state file ${file} has version ${JSON.stringify(e.version)}, but this interpreter reads version ${STATE_FILE_VERSION}. ` +
        `Use the interpreter that wrote it, or move it away to start fresh.`,
      file,
    );
  }
  if (e.stream !== stream) {
    return failure(
      `state file ${file} belongs to stream "${e.stream}", not "${stream}". Give each stream its own state file.`,
      file,
    );
  }
  if (payloadChecksum(e.payload) !== e.checksum) return damaged("checksum mismatch (was it edited by hand?)");
  const payload = payloadCodec.decode(e.payload);
  if (payload._tag === "Left") {
    return damaged(`its content does not fit this stream's state (${describeValidation(payload.left, "payload")})`);
  }
  return right({ state: payload.right });
}
