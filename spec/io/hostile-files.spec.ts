// Hostile files through the whole CLI: a record nested 10,000 levels deep is a
// reject of that record, a state file that nests so, is a FIFO or has a session
// without its fields is refused (exit 2), pipes work as inputs and tables, and a
// reject names its file the same from any working folder.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { StateStore } from "../../src/io/state-store.js";
import { encodeStateFile } from "../../src/io/state-file.js";
import { balanceOf, interpret, readJsonl } from "../cli/helpers.js";
import { runnerFor } from "../runtime/helpers.js";
import { tempDir } from "./helpers.js";

const NOW = "2026-11-20T12:00:00Z";

const STREAM = `stream hostile
source ev from jsonl "data/ev.jsonl" { k string  n int  extra list<int>? }
table names from csv "names.csv" key k { k string  name string }
aggregate tot from ev by k flush after 1h idle {
  total = sum(n)
  c = count()
}
sink out from tot to jsonl "out/tot.jsonl"
`;

function streamDir(events: string): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "s.stream"), STREAM);
  fs.writeFileSync(path.join(dir, "names.csv"), "k,name\na,Ann\n");
  fs.writeFileSync(path.join(dir, "data", "ev.jsonl"), events);
  return dir;
}

const deepArray = (n: number): string => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number): string => '{"a":'.repeat(n) + "1" + "}".repeat(n);

test("a record nested 10,000 levels deep (in a declared field or not) is a reject of that record; the run goes on", async () => {
  for (const deep of [deepArray(10_000), deepObject(10_000)]) {
    const dir = streamDir(`{"k":"a","n":1}\n{"k":"a","n":2,"extra":${deep}}\n{"k":"b","n":3,"junk":${deep}}\n${deep}\n{"k":"b","n":4}\n`);
    const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW]);
    assert.is(r.code, 0, r.stderr);
    assert.is(balanceOf(r.stdout).mark, "✓");
    const rejects = readJsonl(path.join(dir, "out", "rejects.jsonl"));
    assert.equal(rejects.map((x) => [x["line"], x["errors"]]), [
      [2, [{ rule: "format", message: "line 2: nested deeper than 256 levels of arrays and objects" }]],
      [3, [{ rule: "format", message: "line 3: nested deeper than 256 levels of arrays and objects" }]],
      [4, [{ rule: "format", message: "line 4: nested deeper than 256 levels of arrays and objects" }]],
    ]);
    assert.is(rejects[0]!["file"], "data/ev.jsonl");
    // The reject keeps the line as written.
    assert.is((rejects[1]!["record"] as string).length, `{"k":"b","n":3,"junk":${deep}}`.length);
    assert.equal(readJsonl(path.join(dir, "out", "tot.jsonl")).map((x) => [x["k"], x["total"]]), [["a", 1], ["b", 4]]);
  }
});

test("a record nested up to the limit is read: a field that does not fit is a reject that keeps the whole record", async () => {
  let value = "1";
  for (let i = 1; i < 256; i++) value = i % 2 ? `{"x":${value}}` : `[${value}]`;
  const dir = streamDir(`{"k":"a","n":1,"extra":${value}}\n`);
  const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW, "--state", path.join(dir, "state.json")]);
  assert.is(r.code, 0, r.stderr);
  const rejects = readJsonl(path.join(dir, "out", "rejects.jsonl"));
  assert.equal(rejects.map((x) => x["errors"]), [[{ rule: "schema", message: "extra: expected list<int>, got {\"x\":[{\"x\":[{\"x\":[{\"x\":[{\"x\":[{\"x\":[{..." }]]);
  assert.equal(JSON.stringify(rejects[0]!["record"]), `{"k":"a","n":1,"extra":${value}}`);
});

async function withState(mutate: (payload: Record<string, any>) => void): Promise<{ code: number; stderr: string }> {
  const dir = streamDir('{"k":"a","n":1}\n');
  const state = path.join(dir, "state.json");
  const first = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW, "--state", state]);
  assert.is(first.code, 0, first.stderr);
  // The state as the JSON state file of an earlier version held it, mutated: the next run migrates it.
  const store = StateStore.open(state, "hostile");
  if (store._tag === "Left") throw new Error(store.left.message);
  const payload = store.right.state as Record<string, any>;
  store.right.close();
  mutate(payload);
  fs.rmSync(state);
  fs.writeFileSync(state, encodeStateFile("hostile", payload));
  fs.appendFileSync(path.join(dir, "data", "ev.jsonl"), '{"k":"a","n":2}\n');
  const r = await interpret(["run", path.join(dir, "s.stream"), "--now", "2026-11-20T12:10:00Z", "--state", state]);
  return { code: r.code, stderr: r.stderr.replace(/\S*state\.json/g, "STATE") };
}

test("a state file whose session lacks its fields is refused (exit 2), naming what is missing", async () => {
  const cases: Array<[(p: Record<string, any>) => void, string]> = [
    [(p) => void (p["sessions"].tot[0].fields = []), 'session "s1:a" holds 0 field(s), the aggregate has 2 (total, c)'],
    [(p) => void (p["sessions"].tot[0].fields = [[], [1]]), "field `total` does not hold a list of 1 accumulator(s)"],
    [(p) => void delete p["sessions"].tot[0].fields, "payload.sessions.tot[0].fields: missing"],
    [(p) => void (p["sessions"].tot[0] = {}), "payload.sessions.tot[0].key: missing; payload.sessions.tot[0].keys: missing; payload.sessions.tot[0].first: missing"],
    [(p) => void delete p["runs"], "payload.runs: missing"],
  ];
  for (const [mutate, words] of cases) {
    const r = await withState(mutate);
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(words), r.stderr);
    assert.not.match(r.stderr, /Cannot read|undefined \(reading|TypeError|at .*\.ts:/);
  }
});

test("a state file nested 10,000 levels deep is refused (exit 2) with a message", async () => {
  const dir = streamDir('{"k":"a","n":1}\n');
  const state = path.join(dir, "state.json");
  const payload = `{"version":1,"runs":1,"dedup":{},"sessions":{},"sources":{"x":${deepArray(10_000)}}}`;
  fs.writeFileSync(state, `{"format":"peppa-stream/state","version":1,"stream":"hostile","checksum":"0","payload":${payload}}`);
  const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW, "--state", state]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /state file \S+ is damaged: it is nested deeper than 784 levels of arrays and objects, more than this interpreter writes\. Move it away/);
});

test("a state file that is a FIFO (or a directory) is refused at once (exit 2), not waited on", async () => {
  const dir = streamDir('{"k":"a","n":1}\n');
  const fifo = path.join(dir, "state.json");
  execFileSync("mkfifo", [fifo]);
  const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW, "--state", fifo]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /state file \S+state\.json is a pipe \(FIFO\), not a regular file\. The state is replaced atomically after each run, so --state needs a regular file/);
  fs.mkdirSync(path.join(dir, "statedir"));
  const d = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW, "--state", path.join(dir, "statedir")]);
  assert.is(d.code, 2);
  assert.match(d.stderr, /statedir is a directory, not a regular file/);
});

/** A FIFO at `file` that a child process fills with `text` once a reader opens it. */
function pipeWith(file: string, text: string): void {
  execFileSync("mkfifo", [file]);
  const child = spawn("sh", ["-c", 'printf "%s" "$1" > "$2"', "sh", text, file], { stdio: "ignore" });
  child.unref();
}

test("sources, tables and --input may be pipes (as process substitution gives them)", async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "s.stream"), STREAM);
  pipeWith(path.join(dir, "names.csv"), "k,name\na,Ann\n");
  pipeWith(path.join(dir, "data", "ev.jsonl"), '{"k":"a","n":5}\nbad\n');
  const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readJsonl(path.join(dir, "out", "tot.jsonl")).map((x) => x["total"]), [5]);
  assert.equal(readJsonl(path.join(dir, "out", "rejects.jsonl")).map((x) => [x["file"], x["line"]]), [["data/ev.jsonl", 2]]);

  const host = tempDir();
  fs.writeFileSync(path.join(host, "h.stream"), 'stream h\nsource ev { k string }\nsink out from ev to jsonl "out/ev.jsonl"\n');
  pipeWith(path.join(host, "in.jsonl"), '{"k":"x"}\n');
  const h = await interpret(["run", path.join(host, "h.stream"), "--now", NOW, "--input", `ev=${path.join(host, "in.jsonl")}`]);
  assert.is(h.code, 0, h.stderr);
  assert.equal(readJsonl(path.join(host, "out", "ev.jsonl")), [{ k: "x" }]);
});

test("a reject's file is relative to the stream's folder (or as --input gave it), from any working folder", async () => {
  const dir = streamDir('{"k":"a","n":1}\nbad\n');
  const inputs = tempDir();
  fs.writeFileSync(path.join(inputs, "in.jsonl"), "{oops\n");
  fs.writeFileSync(path.join(dir, "h.stream"), 'stream h\nsource ev { k string }\nsink out from ev to jsonl "out/ev.jsonl"\n');
  const seen: unknown[] = [];
  for (const cwd of [dir, path.dirname(dir), inputs]) {
    const r = await interpret(["run", path.join(dir, "s.stream"), "--now", NOW], { cwd });
    assert.is(r.code, 0, r.stderr);
    seen.push(readJsonl(path.join(dir, "out", "rejects.jsonl")).map((x) => x["file"]));
    const h = await interpret(["run", path.join(dir, "h.stream"), "--now", NOW, "--input", "ev=in.jsonl"], { cwd: inputs });
    assert.is(h.code, 0, h.stderr);
    seen.push(readJsonl(path.join(dir, "out", "rejects.jsonl")).map((x) => x["file"]));
  }
  assert.equal(seen, [["data/ev.jsonl"], ["in.jsonl"], ["data/ev.jsonl"], ["in.jsonl"], ["data/ev.jsonl"], ["in.jsonl"]]);
});

test("a host's record nested 10,000 levels deep is a reject keeping its first levels, and the runner goes on", () => {
  const runner = runnerFor('stream h\nsource ev { k int }\nsink out from ev to jsonl "out/ev.jsonl"\n');
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const result = runner.run({ sources: { ev: [{ k: "x", deep }, { k: 2 }] }, now: NOW });
  assert.equal(result.outputs["out"], [{ k: 2 }]);
  assert.is(result.rejects.length, 1);
  const kept = JSON.stringify(result.rejects[0]!["record"]);
  assert.ok(kept.startsWith('{"k":"x","deep":[[[[') && kept.includes('"(nested deeper than 256 levels of arrays and objects)"'), kept.slice(0, 80));
  assert.is(result.report.balanced, true);
});

test.run();
