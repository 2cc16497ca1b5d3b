import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import { displayPath } from "./display-path.js";
import { describeError, failure, type IoResult } from "./item.js";

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

export async function readStateFile<A>(
  file: string,
  stream: string,
  payloadCodec: t.Type<A, unknown, unknown>,
): Promise<IoResult<{ state: A | undefined }>> {
  const shown = displayPath(path.resolve(file));
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, state: undefined };
    return failure(`cannot read state file ${shown}: ${describeError(e)}`, shown);
  }
  return decodeStateFile(text, shown, stream, payloadCodec);
}

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
    return damaged(`it is not valid JSON (${describeError(e)}); it may be truncated`);
  }
  const format = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as { format?: unknown }).format : undefined;
  if (format !== STATE_FORMAT) {
    const tag = format === undefined ? "" : ` (its format is ${JSON.stringify(format)})`;
    return failure(`${file} is not a peppa-stream state file${tag}. Give --state a file of its own; this one is left untouched.`, file);
  }
  const envelope = EnvelopeCodec.decode(json);
  if (envelope._tag === "Left") return damaged(`its envelope is incomplete (${PathReporter.report(envelope).join("; ")})`);
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
    return damaged(`its content does not fit this stream's state (${PathReporter.report(payload).slice(0, 3).join("; ")})`);
  }
  return { ok: true, state: payload.right };
}
