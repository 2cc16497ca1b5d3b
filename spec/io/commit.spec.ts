import { isRight, right } from "fp-ts/lib/Either.js";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commitAppends, commitFiles, recoverCommit, truncateOutputs } from "../../src/io/commit.js";
import { fileURLToPath } from "node:url";
import { tempDir } from "./helpers.js";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "commit-child.ts");

const OLD = { "out/a.jsonl": '{"old":"a"}\n', "out/sub/b.csv": "k,v\nold,b\n", "state.json": '{"state":"old"}\n' };
const NEW = { "out/a.jsonl": '{"old":"a"}\n{"new":"a"}\n', "out/sub/b.csv": "k,v\nold,b\nnew,b\n", "state.json": '{"state":"new"}\n' };

function setUp(): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(OLD)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(OLD).map((name) => [name, fs.readFileSync(path.join(dir, name), "utf8")]));
}

/** Every file other than the outputs and the state: temp files and journals left behind. */
function leftovers(dir: string): string[] {
  const all = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return all.map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name))).filter((p) => !(p in OLD));
}

function runChild(dir: string, env: Record<string, string>, bigLines = 0, killAfterMs?: number): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, String(bigLines)], {
      env: { ...process.env, PEPPA_COMMIT_CHILD: "1", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.on("error", reject);
    if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (_code, signal) => resolve({ signal, stdout }));
  });
}

test("append and replace, creating folders; the journal is gone after", async () => {
  const dir = setUp();
  const r = await commitFiles({
    journal: path.join(dir, ".peppa-commit.json"),
    stream: "s",
    files: [
      { path: path.join(dir, "out/a.jsonl"), append: '{"new":"a"}\n' },
      { path: path.join(dir, "out/sub/b.csv"), append: "new,b\n" },
      { path: path.join(dir, "state.json"), replace: '{"state":"new"}\n' },
      { path: path.join(dir, "fresh/deep/c.jsonl"), append: "c\n" },
    ],
  });
  assert.equal(r, right({}));
  assert.equal(snapshot(dir), NEW);
  assert.is(fs.readFileSync(path.join(dir, "fresh/deep/c.jsonl"), "utf8"), "c\n");
  assert.equal(leftovers(dir), ["fresh/deep/c.jsonl"]);
});

test("a text given as pieces is written as their join, replacing, copying and appending in place", async () => {
  // Pieces that split nothing in two: the bytes of each, one after another, multibyte ones too.
  const pieces = ['{"new":"ä', '"}\n', "", '{"n":"九"}\n'];
  const dir = setUp();
  const r = await commitFiles({
    journal: path.join(dir, ".peppa-commit.json"),
    stream: "s",
    files: [
      { path: path.join(dir, "out/a.jsonl"), append: pieces },
      { path: path.join(dir, "state.json"), replace: ["{", '"state":"new"}', "\n"] },
    ],
  });
  assert.equal(r, right({}));
  assert.is(fs.readFileSync(path.join(dir, "out/a.jsonl"), "utf8"), OLD["out/a.jsonl"] + pieces.join(""));
  assert.is(fs.readFileSync(path.join(dir, "state.json"), "utf8"), '{"state":"new"}\n');
  const appended = await commitAppends({ journal: path.join(dir, ".peppa-commit.json"), stream: "s", run: 2, files: [{ path: path.join(dir, "out/a.jsonl"), append: pieces }, { path: path.join(dir, "out/new.jsonl"), append: ["x", "\n"] }] });
  assert.equal(appended, right({}));
  assert.is(fs.readFileSync(path.join(dir, "out/a.jsonl"), "utf8"), OLD["out/a.jsonl"] + pieces.join("") + pieces.join(""));
  assert.is(fs.readFileSync(path.join(dir, "out/new.jsonl"), "utf8"), "x\n");
  assert.equal(leftovers(dir), ["out/new.jsonl"]);
});

test("truncateOutputs empties files atomically", async () => {
  const dir = setUp();
  const r = await truncateOutputs(path.join(dir, ".j.json"), "s", [path.join(dir, "out/a.jsonl"), path.join(dir, "out/sub/b.csv")]);
  assert.equal(r, right({}));
  assert.is(fs.readFileSync(path.join(dir, "out/a.jsonl"), "utf8"), "");
  assert.is(fs.readFileSync(path.join(dir, "out/sub/b.csv"), "utf8"), "");
});

test("a failed commit leaves everything as it was", async () => {
  const dir = setUp();
  fs.mkdirSync(path.join(dir, "out/blocked"));
  const r = await commitFiles({
    journal: path.join(dir, ".peppa-commit.json"),
    stream: "s",
    files: [
      { path: path.join(dir, "out/a.jsonl"), append: "new\n" },
      { path: path.join(dir, "out/blocked"), append: "cannot copy a folder\n" },
    ],
  });
  if (isRight(r)) throw new Error("expected an error");
  assert.match(r.left.message, /^cannot write .*out\/blocked: .*; the outputs and state are unchanged$/);
  assert.equal(snapshot(dir), OLD);
  assert.equal(leftovers(dir), []);
});

test("an appending commit whose one write fails puts back the outputs written beside it", async () => {
  const dir = setUp();
  fs.mkdirSync(path.join(dir, "out/blocked"));
  const r = await commitAppends({
    journal: path.join(dir, ".peppa-commit.json"),
    stream: "s",
    run: 2,
    files: [
      { path: path.join(dir, "out/a.jsonl"), append: ['{"new":"a"}\n'] },
      { path: path.join(dir, "out/blocked"), append: "a folder takes no text\n" },
      { path: path.join(dir, "out/sub/b.csv"), append: "new,b\n" },
      { path: path.join(dir, "out/fresh.jsonl"), append: "fresh\n" },
    ],
  });
  if (isRight(r)) throw new Error("expected an error");
  assert.match(r.left.message, /^cannot write .*out\/blocked: .*; the outputs and state are unchanged$/);
  assert.equal(snapshot(dir), OLD);
  assert.equal(leftovers(dir), [], "the file the run would have created is gone, and so is the journal");
});

/** The targets of the child's commit (commit-child.ts), which recovery may touch. */
const guard = (dir: string) => ({ stream: "s", targets: Object.keys(OLD).map((name) => path.join(dir, name)) });

const JOURNAL = ".peppa-commit.json";

const STEPS = ["prepare", "copy-0", "temp-0", "copy-1", "temp-1", "temp-2", "commit", "rename-0", "rename-1", "rename-2", "renamed", "done"];

test("killed after each step, recovery leaves all-old or all-new files, consistently", async () => {
  for (const [i, step] of STEPS.entries()) {
    const dir = setUp();
    const { signal } = await runChild(dir, { PEPPA_COMMIT_CRASH_AFTER: step });
    assert.is(signal, "SIGKILL", `the child reached ${step}`);
    const recovered = await recoverCommit(path.join(dir, ".peppa-commit.json"), guard(dir));
    assert.is(isRight(recovered), true);
    const expected = i < STEPS.indexOf("commit") ? OLD : NEW;
    assert.equal(snapshot(dir), expected, `killed after ${step}`);
    assert.equal(leftovers(dir), [], `nothing left behind after ${step}`);
    if (isRight(recovered)) {
      const kind = step === "done" ? "none" : expected === OLD ? "rolled-back" : "rolled-forward";
      assert.is(recovered.right.recovery, kind, `recovery after ${step}`);
    }
  }
});

// Without a store (the runs after the first of an invocation without --state), outputs are
// appended in place and the journal's removal is the commit point.
const APPEND_STEPS = ["prepare", "temp-0", "temp-1", "temp-2", "commit", "done"];

test("appending without a store: killed after each step, recovery leaves all-old or all-new files", async () => {
  for (const step of APPEND_STEPS) {
    const dir = setUp();
    const { signal } = await runChild(dir, { PEPPA_COMMIT_CRASH_AFTER: step, PEPPA_COMMIT_MODE: "append-journal" });
    assert.is(signal, "SIGKILL", `the child reached ${step}`);
    // No storeRun: an invocation without --state recovers it.
    const recovered = await recoverCommit(path.join(dir, JOURNAL), guard(dir));
    if (!isRight(recovered)) throw new Error(`recovery after ${step} failed: ${recovered.left.message}`);
    assert.equal(snapshot(dir), step === "done" ? NEW : OLD, `killed after ${step}`);
    assert.is(recovered.right.recovery, step === "done" ? "none" : "rolled-back", `recovery after ${step}`);
    assert.equal(leftovers(dir), [], `nothing left behind after ${step}`);
  }
});

test("appending without a store: not killed, the files are appended to in place and the journal is gone", async () => {
  const dir = setUp();
  const inode = fs.statSync(path.join(dir, "out/a.jsonl")).ino;
  const { signal, stdout } = await runChild(dir, { PEPPA_COMMIT_MODE: "append-journal" });
  assert.is(signal, null);
  assert.equal(JSON.parse(stdout), right({}));
  assert.equal(snapshot(dir), NEW);
  assert.is(fs.statSync(path.join(dir, "out/a.jsonl")).ino, inode, "the output is the same file, not a copy renamed over it");
  assert.equal(leftovers(dir), []);
});

test("killed at random moments while copying a larger output, then recovered", async () => {
  let sawOld = 0;
  let sawNew = 0;
  for (let round = 0; round < 8; round++) {
    const dir = setUp();
    const before = snapshot(dir);
    await runChild(dir, {}, 20000, 150 + Math.floor(Math.random() * 300));
    const recovered = await recoverCommit(path.join(dir, ".peppa-commit.json"), guard(dir));
    assert.is(isRight(recovered), true);
    const after = snapshot(dir);
    if (after["state.json"] === OLD["state.json"]) {
      assert.equal(after, before);
      sawOld++;
    } else {
      assert.is(after["state.json"], NEW["state.json"]);
      assert.ok(after["out/a.jsonl"]!.startsWith(NEW["out/a.jsonl"]) && after["out/a.jsonl"]!.length === NEW["out/a.jsonl"].length + 20000 * 101);
      assert.is(after["out/sub/b.csv"], NEW["out/sub/b.csv"]);
      sawNew++;
    }
    assert.equal(leftovers(dir), []);
  }
  assert.is(sawOld + sawNew, 8);
});

/** A journal as commitFiles writes it, for forging: its checksum computed over the given content. */
function journal(body: { stream: string; phase: string; renames: Array<{ from: string; to: string }> }, checksum?: string): string {
  const full = { format: "peppa-stream/commit", version: 2, ...body };
  const sum = createHash("sha256").update(JSON.stringify([full.format, full.version, full.stream, full.phase, full.renames]), "utf8").digest("hex");
  return JSON.stringify({ ...full, checksum: checksum ?? sum });
}

/** Recovery refuses with a message naming the journal and why, and every file stays as it was, the journal too. */
async function refused(dir: string, text: string, why: RegExp): Promise<void> {
  fs.writeFileSync(path.join(dir, JOURNAL), text);
  const victim = path.join(dir, "victim.txt");
  fs.writeFileSync(victim, "keep me\n");
  const before = snapshot(dir);
  const r = await recoverCommit(path.join(dir, JOURNAL), guard(dir));
  if (isRight(r)) throw new Error(`expected a refusal of ${text}`);
  assert.match(r.left.message, /^the commit journal .*\.peppa-commit\.json cannot be trusted: /);
  assert.match(r.left.message, why);
  assert.match(r.left.message, /Nothing was changed\./);
  assert.equal(snapshot(dir), before);
  assert.is(fs.readFileSync(victim, "utf8"), "keep me\n");
  assert.is(fs.readFileSync(path.join(dir, JOURNAL), "utf8"), text);
}

test("a damaged journal is refused and nothing is touched", async () => {
  const dir = setUp();
  await refused(dir, '{"format":"peppa-stream/commit","vers', /not a version 2 commit journal/);
});

test("a forged journal naming files outside the outputs is refused: nothing deleted or renamed", async () => {
  const dir = setUp();
  const victim = path.join(dir, "victim.txt");
  const state = path.join(dir, "state.json");
  // "prepare" would delete `from`; "commit" would rename `from` over `to`.
  await refused(dir, journal({ stream: "s", phase: "prepare", renames: [{ from: victim, to: state }] }), /victim\.txt, which is not a temp file of .*state\.json/);
  await refused(dir, journal({ stream: "s", phase: "commit", renames: [{ from: path.join(dir, ".state.json.tmp-1-0000abcd"), to: victim }] }), /victim\.txt, which this stream does not write/);
  await refused(dir, journal({ stream: "s", phase: "commit", renames: [{ from: `${dir}/out/../.state.json.tmp-1-0000abcd`, to: `${dir}/out/../state.json` }] }), /which this stream does not write/);
  await refused(dir, journal({ stream: "s", phase: "commit", renames: [{ from: ".state.json.tmp-1-0000abcd", to: "state.json" }] }), /which this stream does not write/);
});

test("a journal with a wrong checksum, of another stream, or of version 1 is refused", async () => {
  const dir = setUp();
  const renames = [{ from: path.join(dir, ".state.json.tmp-1-0000abcd"), to: path.join(dir, "state.json") }];
  await refused(dir, journal({ stream: "s", phase: "prepare", renames }, "0".repeat(64)), /its checksum does not match its content/);
  await refused(dir, journal({ stream: "other", phase: "prepare", renames }), /it belongs to stream `other`, not `s`/);
  await refused(dir, JSON.stringify({ format: "peppa-stream/commit", version: 1, phase: "prepare", renames }), /not a version 2 commit journal/);
});

test("a genuine journal naming the outputs' temps is acted on", async () => {
  const dir = setUp();
  const temp = path.join(dir, ".state.json.tmp-1-0000abcd");
  fs.writeFileSync(temp, '{"state":"new"}\n');
  fs.writeFileSync(path.join(dir, JOURNAL), journal({ stream: "s", phase: "commit", renames: [{ from: temp, to: path.join(dir, "state.json") }] }));
  const r = await recoverCommit(path.join(dir, JOURNAL), guard(dir));
  assert.equal(r, right({ recovery: "rolled-forward" }));
  assert.equal(snapshot(dir), { ...OLD, "state.json": '{"state":"new"}\n' });
  assert.equal(leftovers(dir), []);
});
test.run();
