// Writes where they must not go: a sink path that leaves the output folder is a compile error
// at the path; an output that is the state file, an input or a table is refused before any run;
// a forged commit journal is refused and nothing it names is touched.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream } from "../../src/plan/compile.js";
import { interpret, NOW, tempDir } from "./helpers.js";

const stream = (sinkPath: string, extra = "") => `source orders { id string }\n${extra}sink out from orders to jsonl ${JSON.stringify(sinkPath)}\n`;

/** A folder with `s.stream` and `in.jsonl` (one record). */
function folder(text: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "s.stream"), text);
  fs.writeFileSync(path.join(dir, "in.jsonl"), '{"id":"a"}\n');
  return dir;
}

test("check: a sink path that is absolute, leaves the folder with `..`, is empty or a folder is E2026 at the path", async () => {
  const cases: Array<[string, string]> = [
    ["../outside.jsonl", "leaves the output folder with `..`"],
    ["out/../../outside.jsonl", "leaves the output folder with `..`"],
    ["/tmp/outside.jsonl", "is absolute"],
    ["C:\\\\temp\\\\x.jsonl", "is absolute"],
    ["", "is empty"],
    ["out/", "names a folder, not a file"],
    ["out/..", "names a folder, not a file"],
  ];
  for (const [p, why] of cases) {
    const dir = folder(stream(p));
    const r = await interpret(["check", "s.stream"], { cwd: dir });
    assert.is(r.code, 1, p);
    const shown = r.stdout + r.stderr;
    assert.match(shown, `error[E2026]: the path of sink \`out\` ${why}`, p);
    assert.match(shown, "--> s.stream:2:31", p);
  }
  // Inside the folder, `..` that stays inside is fine.
  const ok = await interpret(["check", "s.stream"], { cwd: folder(stream("out/x/../lines.jsonl")) });
  assert.is(ok.code, 0, ok.stderr);
});

test("run: with --out every output lands under it; nothing is written outside", async () => {
  const dir = folder(stream("../outside.jsonl"));
  const out = path.join(dir, "o");
  const r = await interpret(["s.stream", "--input", "orders=in.jsonl", "--out", out, "--now", NOW], { cwd: dir });
  assert.is(r.code, 1);
  assert.not.ok(fs.existsSync(path.join(dir, "outside.jsonl")));
  assert.not.ok(fs.existsSync(out));
  const fine = await interpret(["s.stream", "--input", "orders=in.jsonl", "--out", out, "--now", NOW], { cwd: folder(stream("deep/lines.jsonl")) });
  assert.is(fine.code, 0, fine.stderr);
});

test("property: a sink path is accepted exactly when it stays inside the output folder", () => {
  const segment = fc.constantFrom("a", "b", "..", ".", "", "out");
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (segments, absolute) => {
      const p = (absolute ? "/" : "") + segments.join("/");
      const codes = compileStream(stream(p), { filename: "s.stream" }).diagnostics.map((d) => d.code);
      // Inside: never above the folder, and ending in a file name.
      let depth = 0;
      let above = false;
      for (const s of segments) {
        if (s === "..") depth--;
        else if (s !== "." && s !== "") depth++;
        if (depth < 0) above = true;
      }
      const last = segments.at(-1)!;
      const inside = !p.startsWith("/") && !above && depth > 0 && last !== "" && last !== "." && last !== "..";
      assert.is(codes.includes("E2026"), !inside, p);
    }),
  );
});

test("an output that is the state file, an --input file or a table is refused before any run (exit 2)", async () => {
  const table = `table t from jsonl "t.jsonl" key id { id string }\n`;
  const cases: Array<[string, string[], RegExp]> = [
    ["state.json", ["--state", "state.json"], /sink `out` would overwrite .*state\.json, which is the state file/],
    ["in.jsonl", [], /sink `out` would overwrite .*in\.jsonl, which is the input of source `orders`/],
    ["t.jsonl", [], /sink `out` would overwrite .*t\.jsonl, which is the file of table `t`/],
  ];
  for (const [sinkPath, extra, message] of cases) {
    const dir = folder(stream(sinkPath, table).replace('sink out from orders', 'enrich e from orders { known = id in t }\nsink out from e'));
    fs.writeFileSync(path.join(dir, "t.jsonl"), '{"id":"a"}\n');
    fs.writeFileSync(path.join(dir, "state.json"), "precious\n");
    const before = ["in.jsonl", "t.jsonl", "state.json"].map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    const r = await interpret(["s.stream", "--input", "orders=in.jsonl", "--now", NOW, ...extra], { cwd: dir });
    assert.is(r.code, 2, `${sinkPath}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(["in.jsonl", "t.jsonl", "state.json"].map((f) => fs.readFileSync(path.join(dir, f), "utf8")), before, sinkPath);
    assert.not.ok(fs.existsSync(path.join(dir, "out")), "no built-in output was started");
  }
});

test("a file source's files are guarded too, through a glob", async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "data/a.jsonl"), '{"id":"a"}\n');
  fs.writeFileSync(path.join(dir, "s.stream"), `source orders from jsonl "data/*.jsonl" { id string }\nsink out from orders to jsonl "data/a.jsonl"\n`);
  const r = await interpret(["s.stream", "--now", NOW], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /sink `out` would overwrite data\/a\.jsonl, which is a file of source `orders`/);
  assert.is(fs.readFileSync(path.join(dir, "data/a.jsonl"), "utf8"), '{"id":"a"}\n');
});

test("an output a file source's glob would match is refused even before it exists (a later run would read it back)", async () => {
  for (const sinkPath of ["data/b.jsonl", "data/new/../c.jsonl"]) {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "data"));
    fs.writeFileSync(path.join(dir, "data/a.jsonl"), '{"id":"a"}\n');
    fs.writeFileSync(path.join(dir, "s.stream"), `source orders from jsonl "data/*.jsonl" { id string }\nsink out from orders to jsonl "${sinkPath}"\n`);
    const r = await interpret(["s.stream", "--now", NOW], { cwd: dir });
    assert.is(r.code, 2, sinkPath);
    assert.match(r.stderr, /sink `out` writes data\/[bc]\.jsonl, which the pattern of source `orders` matches, so a later run would read it back as input/);
    assert.equal(fs.readdirSync(path.join(dir, "data")), ["a.jsonl"], "nothing was written");
  }
  // Outside the pattern: the run goes ahead.
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "data/a.jsonl"), '{"id":"a"}\n');
  fs.writeFileSync(path.join(dir, "s.stream"), `source orders from jsonl "data/*.jsonl" { id string }\nsink out from orders to jsonl "data/a.csv.out"\n`);
  const fine = await interpret(["s.stream", "--now", NOW], { cwd: dir });
  assert.is(fine.code, 0, fine.stderr);
});

test("a forged journal in the output folder: exit 2 with a message, and the files it names are untouched", async () => {
  const dir = folder(stream("lines.jsonl"));
  const victim = path.join(dir, "victim.txt");
  fs.writeFileSync(victim, "keep me\n");
  fs.mkdirSync(path.join(dir, "out"));
  const journal = path.join(dir, "out/.interpret-commit.journal");
  const forged = JSON.stringify({ format: "peppa-stream/commit", version: 1, phase: "prepare", renames: [{ from: victim, to: path.join(dir, "lines.jsonl") }] });
  fs.writeFileSync(journal, forged);
  const r = await interpret(["s.stream", "--input", "orders=in.jsonl", "--now", NOW], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: the commit journal .*out\/\.interpret-commit\.journal cannot be trusted: it is not a version 2 commit journal\. Nothing was changed\./);
  assert.is(fs.readFileSync(victim, "utf8"), "keep me\n");
  assert.is(fs.readFileSync(journal, "utf8"), forged);
  assert.not.ok(fs.existsSync(path.join(dir, "lines.jsonl")));
});

test.run();
