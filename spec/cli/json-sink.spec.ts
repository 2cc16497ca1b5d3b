// A `json` sink keeps no records in memory: each commit adds the run's records
// before the file's closing bracket (the commit's `keep` + `append`), and after
// every commit the file is exactly what writing all its records at once gives,
// one valid JSON array, also when the process is killed in the middle.
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { addToJsonArray, commitFiles, jsonArrayEnd, writeJson, type JsonArrayEnd, type JsonRecord } from "../../src/io/index.js";
import { interpret, NOW, REPO, tempDir } from "./helpers.js";

const record: fc.Arbitrary<JsonRecord> = fc.record({ id: fc.string({ unit: "grapheme" }), n: fc.oneof(fc.integer(), fc.constant(null)), tags: fc.array(fc.string(), { maxLength: 2 }), nested: fc.record({ ok: fc.boolean() }) });

test("property: commit after commit, the file is writeJson of every record so far", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(record, { maxLength: 4 }), { minLength: 1, maxLength: 5 }), async (runs) => {
      const dir = tempDir();
      const file = path.join(dir, "out.json");
      let end: JsonArrayEnd = undefined;
      const all: JsonRecord[] = [];
      for (const records of runs) {
        const added = addToJsonArray(end, records);
        end = added.end;
        all.push(...records);
        if (added.file) {
          const done = await commitFiles({ stream: "s", journal: path.join(dir, "j"), files: [{ path: file, ...added.file }] });
          if (isLeft(done)) return false;
        }
        const text = fs.readFileSync(file, "utf8");
        if (text !== writeJson(all)) return false;
        // What is remembered between commits is the offset of the end of the last record, nothing more.
        if (end !== undefined && end !== Buffer.byteLength(text) - "\n]\n".length) return false;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      return true;
    }),
    { numRuns: 40 },
  );
});

test("an existing array laid out by hand is appended to and stays one valid array", async () => {
  for (const [existing, before] of [
    ["[1,2]", [1, 2]],
    ['[ {"a": "é]"} ]  \n\n', [{ a: "é]" }]],
    ["[\n]\n", []],
    ["[]", []],
  ] as const) {
    const dir = tempDir();
    const file = path.join(dir, "out.json");
    fs.writeFileSync(file, existing);
    const parsed = JSON.parse(existing) as unknown[];
    const added = addToJsonArray(jsonArrayEnd(existing, parsed.length === 0), [{ id: "x" }]);
    const done = await commitFiles({ stream: "s", journal: path.join(dir, "j"), files: [{ path: file, ...added.file! }] });
    assert.ok(isRight(done));
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")), [...before, { id: "x" }], existing);
  }
});

test("a json file shorter than what was written is refused, and left as it is", async () => {
  const dir = tempDir();
  const file = path.join(dir, "out.json");
  fs.writeFileSync(file, "[]");
  const done = await commitFiles({ stream: "s", journal: path.join(dir, "j"), files: [{ path: file, keep: 10, append: ",\n  1\n]\n" }] });
  assert.is(isRight(done), false);
  assert.match(isLeft(done) ? done.left.message : "", /out\.json: it has 2 bytes, fewer than the 10 this invocation wrote/);
  assert.is(fs.readFileSync(file, "utf8"), "[]");
});

const STREAM = `stream orders
source orders from jsonl "in/*.jsonl" batch 2 { id string  qty int }
sink kept from orders to json "out/kept.json"
`;

function ordersFolder(): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "in"));
  fs.writeFileSync(path.join(dir, "orders.stream"), STREAM);
  fs.writeFileSync(path.join(dir, "in/a.jsonl"), [1, 2, 3, 4, 5].map((i) => JSON.stringify({ id: `o${i}`, qty: i })).join("\n") + "\n");
  return dir;
}
const expected = [1, 2, 3, 4, 5].map((i) => ({ id: `o${i}`, qty: i }));

test("interpret: a json sink over several runs and invocations is one array of every record", async () => {
  const dir = ordersFolder();
  const r = await interpret(["orders.stream", "--now", NOW], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const text = fs.readFileSync(path.join(dir, "out/kept.json"), "utf8");
  assert.is(text, writeJson(expected), "three runs of two, two and one record");
  // A later invocation with a state appends to the array it finds.
  const state = ["--state", path.join(dir, "orders.state")];
  assert.is((await interpret(["orders.stream", "--now", NOW, ...state], { cwd: dir })).code, 0);
  fs.writeFileSync(path.join(dir, "in/b.jsonl"), JSON.stringify({ id: "o6", qty: 6 }) + "\n");
  assert.is((await interpret(["orders.stream", "--now", NOW, ...state], { cwd: dir })).code, 0);
  assert.is(fs.readFileSync(path.join(dir, "out/kept.json"), "utf8"), writeJson([...expected, ...expected, { id: "o6", qty: 6 }]));
});

function interpretProcess(args: ReadonlyArray<string>, crashAfter?: string): { status: number | null; signal: string | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["PEPPA_COMMIT_CRASH_AFTER"];
  if (crashAfter) env["PEPPA_COMMIT_CRASH_AFTER"] = crashAfter;
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: REPO, env, encoding: "utf8" });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

// With --state a commit appends in place and the store's transaction is its commit point (src/io/commit.ts).
for (const crash of ["prepare", "temp-0", "commit"]) {
  test(`killed in run 2 at ${crash}: the rerun leaves one array with every record once`, () => {
    const dir = ordersFolder();
    const args = [path.join(dir, "orders.stream"), "--now", NOW, "--state", path.join(dir, "orders.state")];
    const first = interpretProcess([...args, "--runs", "1"]);
    assert.is(first.status, 0, first.stderr);
    const killed = interpretProcess(args, crash);
    assert.is(killed.signal, "SIGKILL", killed.stderr);
    const rerun = interpretProcess(args);
    assert.is(rerun.status, 0, rerun.stderr);
    assert.is(fs.readFileSync(path.join(dir, "out/kept.json"), "utf8"), writeJson(expected));
  });
}

test.run();
