// `interpret state show`, the migration of a JSON state file of an earlier version
// into the on-disk store on first use, and the refusals: what an operator sees.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import Database from "better-sqlite3";
import { encodeStateFile } from "../../src/io/state-file.js";
import { NOW, interpret, snapshot, tempDir } from "./helpers.js";

const FILES = "streams/peppa-files.stream";
const NOW_MS = Date.parse(NOW);

interface Report {
  lastRun: number;
  steps: { step: string; kind?: string; out: Record<string, number> }[];
}
const out = (r: Report, step: string, port: string): number => r.steps.find((s) => s.step === step)!.out[port] ?? 0;

test("state show: runs, file positions, each dedup step's keys by run with its window, open sessions; --json says the same", async () => {
  const dir = tempDir();
  const state = path.join(dir, "files.state");
  const reports: Report[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1", "--json"]);
    assert.is(r.code, 0, r.stderr);
    reports.push(JSON.parse(r.stdout) as Report);
  }
  const text = await interpret(["state", "show", state, "--key", "evt-1030-1"]);
  assert.is(text.code, 0, text.stderr);
  const kept = (step: string, i: number): number => out(reports[i]!, step, "main");
  const lines = text.stdout.split("\n");
  assert.is(lines[0], `state file ${state}: stream peppa_files, after run 2`);
  assert.ok(lines.includes("  core  after line 11 of data/peppa-files/core/2026-10-31.jsonl (11 items of that file)"), text.stdout);
  assert.ok(lines.includes(`  core_unique: ${kept("core_unique", 0) + kept("core_unique", 1)} keys in 2 chunks, within 30d`), text.stdout);
  assert.ok(lines.includes(`    run 1: ${kept("core_unique", 0)} keys first seen at 2026-11-20T12:00:00.000Z, remembered until 2026-12-20T12:00:00.000Z`), text.stdout);
  assert.ok(lines.includes(`    run 2: ${kept("core_unique", 1)} keys first seen at 2026-11-20T12:00:00.000Z, remembered until 2026-12-20T12:00:00.000Z`), text.stdout);
  assert.ok(lines.includes("open sessions"));
  assert.ok(lines.includes("  remembered by core_unique since run 1 (2026-11-20T12:00:00.000Z), until 2026-12-20T12:00:00.000Z: a record with it is a duplicate"), text.stdout);

  const json = await interpret(["state", "show", state, "--json", "--key", "no-such-id"]);
  assert.is(json.code, 0, json.stderr);
  const shown = JSON.parse(json.stdout) as {
    format: string; stream: string; runs: number; sources: Record<string, unknown>;
    dedup: { step: string; window: string; windowMs: number; keys: number; chunks: { run: number; keys: number; seenAt: string; expiresAt: string }[] }[];
    sessions: { step: string; open: number }[]; found: unknown[];
  };
  assert.is(shown.format, "store");
  assert.is(shown.stream, "peppa_files");
  assert.is(shown.runs, 2);
  const { seek, ...core } = shown.sources["core"] as { seek?: { offset: number; lines: number; skip: number } };
  assert.equal(core, { kind: "after", file: "data/peppa-files/core/2026-10-31.jsonl", line: 11, item: 11 });
  // Where a resume reads on: just after the 11th line.
  const coreBytes = fs.readFileSync(path.join("streams", "data/peppa-files/core/2026-10-31.jsonl"));
  let after11 = 0;
  for (let i = 0; i < 11; i++) after11 = coreBytes.indexOf(10, after11) + 1;
  assert.equal([seek?.offset, seek?.lines, seek?.skip], [after11, 11, 0]);
  assert.equal(shown.dedup.map((d) => [d.step, d.window, d.windowMs, d.chunks.map((c) => [c.run, c.keys])]), [
    ["core_unique", "30d", 30 * 86_400_000, [[1, kept("core_unique", 0)], [2, kept("core_unique", 1)]]],
    ["cpq_unique", "30d", 30 * 86_400_000, [[1, kept("cpq_unique", 0)], [2, kept("cpq_unique", 1)]]],
  ]);
  assert.equal(shown.sessions.map((s) => s.step).sort(), ["unknown_accounts", "usage"]);
  assert.equal(shown.found, []);
});

test("state show: usage errors, a missing file and a file that is not a state file: exit 2, no stack trace", async () => {
  const help = await interpret(["state", "--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^usage: interpret state show FILE \[--json\] \[--key KEY\]\n/);
  const noVerb = await interpret(["state"]);
  assert.is(noVerb.code, 2);
  assert.match(noVerb.stderr, /^interpret: name what to do: state show FILE\nusage: interpret state show FILE/);
  const bad = await interpret(["state", "drop", "x.state"]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown state command `drop` \(the one there is: show\)/);
  const missing = await interpret(["state", "show", path.join(tempDir(), "none.state")]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^interpret: state file .*none\.state does not exist\n$/);
  const notState = path.join(tempDir(), "notes.txt");
  fs.writeFileSync(notState, "hello\n");
  const refused = await interpret(["state", "show", notState]);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /^interpret: state file .*notes\.txt is damaged: it is not valid JSON/);
  // Bytes of another kind are described, not quoted into the terminal.
  const binary = path.join(tempDir(), "image.state");
  fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]));
  const refusedBinary = await interpret(["state", "show", binary]);
  assert.is(refusedBinary.code, 2);
  assert.match(refusedBinary.stderr, /^interpret: state file .*image\.state is damaged: it is neither a state store nor JSON text \(it holds binary bytes\)\. Move it away to start fresh; it is never reset silently\.\n$/);
  const overview = await interpret(["--help"]);
  assert.match(overview.stdout, /interpret state show FILE \[options\]/);
});

/** A JSON state file as the previous version wrote it: run 1 saw evt-1030-1, and core is at the start. */
function jsonState(file: string): string {
  const payload = { version: 1, runs: 1, dedup: { core_unique: [[NOW_MS - 86_400_000, ["evt-1030-1"]]] }, sessions: {}, sources: {} };
  const text = encodeStateFile("peppa_files", payload);
  fs.writeFileSync(file, text);
  return text;
}

test("a JSON state file of an earlier version is migrated into the store on first use: same keys, same runs, said so", async () => {
  const dir = tempDir();
  const state = path.join(dir, "files.state");
  jsonState(state);
  const r = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1", "--json"]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^interpret: state file .*files\.state was a JSON state file of an earlier version; it now holds the same state in the on-disk store \(1 dedup keys, 1 runs\)\n$/);
  const report = JSON.parse(r.stdout) as Report;
  assert.is(report.lastRun, 2, "the run number goes on");
  // Without the migrated key, the first file has one duplicate fewer.
  const fresh = await interpret([FILES, "--now", NOW, "--out", tempDir(), "--state", path.join(tempDir(), "f.state"), "--runs", "1", "--json"]);
  assert.is(out(report, "core_unique", "duplicates"), out(JSON.parse(fresh.stdout) as Report, "core_unique", "duplicates") + 1);
  const shown = await interpret(["state", "show", state]);
  assert.match(shown.stdout, /^state file .*: stream peppa_files, after run 2\n/);
  assert.match(shown.stdout, /\n    migrated: 1 keys first seen at 2026-11-19T12:00:00\.000Z, remembered until 2026-12-19T12:00:00\.000Z\n/);
});

test("a store of version 1 (an earlier interpreter's) is upgraded on first use, said so once; its keys still count as seen", async () => {
  const dir = tempDir();
  const state = path.join(dir, "files.state");
  const first = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1", "--json"]);
  assert.is(first.code, 0, first.stderr);
  // What version 1 was: the same tables without the group filters.
  const db = new Database(state);
  db.exec("DROP TABLE groups; UPDATE meta SET value = '1' WHERE name = 'version'");
  db.close();
  const before = await interpret(["state", "show", state, "--json"]);
  assert.is(before.code, 0, before.stderr);
  // The store remembers what it held and what the upgraded runs add, each key once.
  const r = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1", "--json"]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^interpret: state file .*files\.state was a store of version 1; it now has version 2, with a filter per group of runs \(once; the keys it holds are read to build them\)\n$/);
  const again = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1", "--json"]);
  assert.is(again.stderr, "");
  const keys = (text: string): number => (JSON.parse(text) as { dedup: { keys: number }[] }).dedup.reduce((n, d) => n + d.keys, 0);
  const after = await interpret(["state", "show", state, "--json"]);
  const kept = (JSON.parse(r.stdout) as Report).steps.filter((st) => st.kind === "dedup").reduce((n, st) => n + (st.out["main"] ?? 0), 0);
  const kept2 = (JSON.parse(again.stdout) as Report).steps.filter((st) => st.kind === "dedup").reduce((n, st) => n + (st.out["main"] ?? 0), 0);
  assert.is(keys(after.stdout), keys(before.stdout) + kept + kept2);
});

test("state show reads a JSON state file too; a damaged one is refused by run and show alike, the file untouched", async () => {
  const dir = tempDir();
  const state = path.join(dir, "files.state");
  jsonState(state);
  const shown = await interpret(["state", "show", state, "--key", "evt-1030-1"]);
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /after run 1 \(a JSON state file of an earlier version; the next run with --state migrates it\)/);
  assert.match(shown.stdout, /remembered by core_unique since a run before the migration \(2026-11-19T12:00:00\.000Z\)/);

  const damaged = fs.readFileSync(state, "utf8").replace('"runs": 1', '"runs": 7');
  fs.writeFileSync(state, damaged);
  const before = snapshot(dir);
  const r = await interpret([FILES, "--now", NOW, "--out", dir, "--state", state, "--runs", "1"]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: state file .*files\.state is damaged: checksum mismatch \(was it edited by hand\?\)\. Move it away to start fresh; it is never reset silently\.\n$/);
  assert.equal(snapshot(dir), before, "nothing written, the JSON file as it was");
  const show = await interpret(["state", "show", state]);
  assert.is(show.code, 2);
  assert.match(show.stderr, /is damaged: checksum mismatch/);
});

test.run();
