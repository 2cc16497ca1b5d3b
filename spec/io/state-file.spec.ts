import { isRight, right } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import path from "node:path";
import * as t from "io-ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeStateFile, payloadChecksum, readStateFile } from "../../src/io/state-file.js";
import { tempDir } from "./helpers.js";

const Payload = t.type({ runs: t.number, keys: t.array(t.string) });
const payload = { runs: 3, keys: ["evt-1", "evt-2"] };

async function readText(text: string | undefined, stream = "peppa") {
  const file = path.join(tempDir(), "state.json");
  if (text !== undefined) fs.writeFileSync(file, text);
  return readStateFile(file, stream, Payload);
}

async function messageFor(text: string, stream = "peppa"): Promise<string> {
  const r = await readText(text, stream);
  if (isRight(r)) throw new Error("expected an error");
  return r.left.message.replace(/\S*state\.json/, "STATE");
}

test("a missing state file is no state; a written one reads back", async () => {
  const none = await readText(undefined);
  assert.equal(none, right({ state: undefined }));
  const round = await readText(encodeStateFile("peppa", payload));
  assert.equal(round, right({ state: payload }));
  assert.equal(JSON.parse(encodeStateFile("peppa", payload)), {
    format: "peppa-stream/state", version: 1, stream: "peppa", checksum: payloadChecksum(payload), payload,
  });
});

test("each damaged form gets its own message", async () => {
  const good = JSON.parse(encodeStateFile("peppa", payload));
  const move = "Move it away to start fresh; it is never reset silently.";
  assert.is(await messageFor(""), `state file STATE is damaged: it is empty (was a write interrupted?). ${move}`);
  assert.match(await messageFor(encodeStateFile("peppa", payload).slice(0, 40)), /^state file STATE is damaged: it is not valid JSON \(.*\); it may be truncated\. Move it away/);
  assert.is(await messageFor('{"name":"my-app"}'), "STATE is not a peppa-stream state file. Give --state a file of its own; this one is left untouched.");
  assert.is(await messageFor(JSON.stringify({ ...good, format: "other/tool" })), 'STATE is not a peppa-stream state file (its format is "other/tool"). Give --state a file of its own; this one is left untouched.');
  assert.is(await messageFor(JSON.stringify({ ...good, version: 2 })), "state file STATE has version 2, but this interpreter reads version 1. Use the interpreter that wrote it, or move it away to start fresh.");
  assert.is(await messageFor(encodeStateFile("other", payload)), 'state file STATE belongs to stream "other", not "peppa". Give each stream its own state file.');
  assert.is(await messageFor(JSON.stringify({ ...good, payload: { ...payload, runs: 4 } })), `state file STATE is damaged: checksum mismatch (was it edited by hand?). ${move}`);
  assert.match(await messageFor(encodeStateFile("peppa", { runs: "3", keys: [] })), /^state file STATE is damaged: its content does not fit this stream's state \(payload\.runs: expected number, got "3"\)/);
  const { checksum: _, ...noChecksum } = good;
  assert.match(await messageFor(JSON.stringify(noChecksum)), /^state file STATE is damaged: its envelope is incomplete \(checksum: missing\)/);
});

test.run();
