import { isRight, right } from "fp-ts/lib/Either.js";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commitFiles, recoverCommit, truncateOutputs } from "../../src/io/commit.js";
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

test("truncateOutputs empties files atomically", async () => {
  const dir = setUp();
  const r = await truncateOutputs(path.join(dir, ".j.json"), [path.join(dir, "out/a.jsonl"), path.join(dir, "out/sub/b.csv")]);
  assert.equal(r, right({}));
  assert.is(fs.readFileSync(path.join(dir, "out/a.jsonl"), "utf8"), "");
  assert.is(fs.readFileSync(path.join(dir, "out/sub/b.csv"), "utf8"), "");
});

test("a failed commit leaves everything as it was", async () => {
  const dir = setUp();
  fs.mkdirSync(path.join(dir, "out/blocked"));
  const r = await commitFiles({
    journal: path.join(dir, ".peppa-commit.json"),
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

const STEPS = ["prepare", "copy-0", "temp-0", "copy-1", "temp-1", "temp-2", "commit", "rename-0", "rename-1", "rename-2", "renamed", "done"];

test("killed after each step, recovery leaves all-old or all-new files, consistently", async () => {
  for (const [i, step] of STEPS.entries()) {
    const dir = setUp();
    const { signal } = await runChild(dir, { PEPPA_COMMIT_CRASH_AFTER: step });
    assert.is(signal, "SIGKILL", `the child reached ${step}`);
    const recovered = await recoverCommit(path.join(dir, ".peppa-commit.json"));
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

test("killed at random moments while copying a larger output, then recovered", async () => {
  let sawOld = 0;
  let sawNew = 0;
  for (let round = 0; round < 8; round++) {
    const dir = setUp();
    const before = snapshot(dir);
    await runChild(dir, {}, 20000, 150 + Math.floor(Math.random() * 300));
    const recovered = await recoverCommit(path.join(dir, ".peppa-commit.json"));
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

test("a damaged journal (never acted on) is discarded", async () => {
  const dir = setUp();
  fs.writeFileSync(path.join(dir, ".peppa-commit.json"), '{"format":"peppa-stream/commit","vers');
  fs.writeFileSync(path.join(dir, ".peppa-commit.json.tmp"), "{");
  const r = await recoverCommit(path.join(dir, ".peppa-commit.json"));
  assert.equal(r, right({ recovery: "discarded" }));
  assert.equal(snapshot(dir), OLD);
  assert.equal(leftovers(dir), []);
});

test.run();
