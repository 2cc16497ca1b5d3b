// A process killed in the middle of a commit: rerunning with the same state
// neither loses nor duplicates a record. The kill comes from the commit's test
// hook (PEPPA_COMMIT_CRASH_AFTER, see src/io/commit.ts), in a real child process.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { right } from "fp-ts/lib/Either.js";
import { recoverCommit } from "../../src/io/index.js";
import { NOW, REPO, snapshotWithState, tempDir } from "./helpers.js";

function interpretProcess(args: ReadonlyArray<string>, crashAfter?: string): { status: number | null; signal: string | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["PEPPA_COMMIT_CRASH_AFTER"];
  if (crashAfter) env["PEPPA_COMMIT_CRASH_AFTER"] = crashAfter;
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: REPO, env, encoding: "utf8" });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

const args = (out: string): string[] => ["streams/peppa-files.stream", "--now", NOW, "--out", out, "--state", path.join(out, "files.state")];

/** The outputs and the state of an uninterrupted invocation that reads every file. */
let reference: Record<string, string> | undefined;
async function uninterrupted(): Promise<Record<string, string>> {
  if (!reference) {
    const out = tempDir();
    const r = interpretProcess(args(out));
    assert.is(r.status, 0, r.stderr);
    reference = await snapshotWithState(out);
  }
  return reference;
}

// With --state the outputs are appended in place and the store's transaction is the
// commit point (src/io/commit.ts, commitAppends): "prepare" is the journal written,
// "temp-N" output N appended, "commit" the store committed.
for (const [crash, phase] of [
  ["prepare", "before any output is touched: the rerun finds nothing to undo but the journal"],
  ["temp-2", "before the commit point: the rerun truncates the outputs back and makes the run again"],
  ["commit", "after the commit point: the rerun completes it"],
] as const) {
  test(`killed in run 2 at ${crash} (${phase}): nothing lost, nothing duplicated`, async () => {
    const out = tempDir();
    assert.is(interpretProcess([...args(out), "--runs", "1"]).status, 0);
    const killed = interpretProcess(args(out), crash);
    assert.is(killed.signal, "SIGKILL");
    assert.ok(fs.existsSync(path.join(out, "files.state.journal")), "the kill left the commit journal behind");
    const rerun = interpretProcess(args(out));
    assert.is(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, crash === "commit" ? /an interrupted commit was completed/ : /an interrupted commit was undone/);
    const after = await snapshotWithState(out);
    const expected = await uninterrupted();
    assert.equal(Object.keys(after).sort(), Object.keys(expected).sort(), "no temp file or journal is left");
    for (const f of Object.keys(expected)) assert.is(after[f], expected[f], f);
  });
}

// Without --state, the runs after the first append in place too, and the journal's removal is
// the commit point: a kill before it leaves the journal, and the next invocation truncates back.
for (const crash of ["temp-1", "commit"]) {
  test(`without --state, killed in run 2 at ${crash}: the outputs are run 1's, and the rerun writes every run once`, async () => {
    const out = tempDir();
    const plain = ["streams/peppa-files.stream", "--now", NOW, "--out", out];
    const once = interpretProcess([...plain, "--runs", "1"]);
    assert.is(once.status, 0, once.stderr);
    const afterRun1 = await snapshotWithState(out);
    // `@2`: the second time the process reaches the step, in the commit of run 2.
    const killed = interpretProcess(plain, `${crash}@2`);
    assert.is(killed.signal, "SIGKILL");
    const journal = path.join(out, "out", ".interpret-commit.journal");
    assert.ok(fs.existsSync(journal), "the kill left the commit journal behind");
    assert.is(JSON.parse(fs.readFileSync(journal, "utf8")).phase, "append-journal");
    // What the next start does first: the outputs go back to run 1's, byte for byte.
    const recovered = await recoverCommit(journal, { stream: "peppa_files", targets: Object.keys(afterRun1).map((f) => path.join(out, f)) });
    assert.equal(recovered, right({ recovery: "rolled-back" }));
    assert.equal(await snapshotWithState(out), afterRun1);
    // Killed again at the same place, the rerun itself undoes the commit and writes every run.
    assert.is(interpretProcess(plain, `${crash}@2`).signal, "SIGKILL");
    const rerun = interpretProcess(plain);
    assert.is(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, /an interrupted commit was undone/);
    assert.ok(!fs.existsSync(journal));
    const full = tempDir();
    assert.is(interpretProcess(["streams/peppa-files.stream", "--now", NOW, "--out", full]).status, 0);
    const [got, want] = [await snapshotWithState(out), await snapshotWithState(full)];
    assert.equal(Object.keys(got).sort(), Object.keys(want).sort(), "no temp file or journal is left");
    for (const f of Object.keys(want)) assert.is(got[f], want[f], f);
    assert.not.equal(afterRun1, want, "run 1 alone writes less than every run");
  });
}

test.run();
