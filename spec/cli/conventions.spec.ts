// The command line conventions every command keeps: results on standard
// output, diagnostics, errors and progress on standard error; `check --json`
// for CI annotations; colour only on a terminal (NO_COLOR, FORCE_COLOR); `-`
// reads a stream from standard input for `check` and `fmt`.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatDiagnostics } from "../../src/diagnostics/render.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { NOW, interpret, streamsFolder, tempDir } from "./helpers.js";

const BROKEN = 'stream broken\nsource a { v int }\nsink s from b to jsonl "o.jsonl"\n';
const ESC = "\x1b[";

test("check --json: one JSON document with file, code, severity, message, range, hint and the code's page", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "broken.stream"), BROKEN);
  const r = await interpret(["check", "--json", "broken.stream"], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stderr, "");
  const doc = JSON.parse(r.stdout) as { files: unknown[]; diagnostics: Record<string, unknown>[] };
  assert.equal(doc.files, [{ file: "broken.stream", ok: false, errors: 1, warnings: 0 }]);
  assert.equal(doc.diagnostics, [
    {
      file: "broken.stream",
      code: "E1002",
      severity: "error",
      message: "unknown step `b`",
      range: { start: { line: 3, column: 13 }, end: { line: 3, column: 14 } },
      hint: "did you mean `a`?",
      notes: [],
      related: [],
      docs: "docs/codes.md#e1002",
    },
  ]);
});

test("check --json: clean files and unreadable ones in the same document; exit 2 names the unreadable on standard error", async () => {
  const r = await interpret(["check", "--json", "streams/peppa.stream", "streams/nope.stream"]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "interpret: cannot read streams/nope.stream: no such file\n");
  const doc = JSON.parse(r.stdout) as { files: unknown[]; diagnostics: unknown[] };
  assert.equal(doc.files, [
    { file: "streams/peppa.stream", ok: true, steps: 22, errors: 0, warnings: 0 },
    { file: "streams/nope.stream", ok: false, errors: 0, warnings: 0, unreadable: "cannot read streams/nope.stream: no such file" },
  ]);
  assert.equal(doc.diagnostics, []);
});

test("colour: on a terminal, and with FORCE_COLOR; never with NO_COLOR or when standard error is not a terminal", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "broken.stream"), BROKEN);
  const run = (env: Record<string, string>, isTTY: boolean) => interpret(["check", "broken.stream"], { cwd: dir, env, isTTY });
  const plain = await run({}, false);
  const tty = await run({}, true);
  assert.not.match(plain.stderr, ESC);
  assert.match(tty.stderr, `${ESC}1;31merror[E1002]${ESC}0m`);
  assert.is(tty.stderr.replace(/\x1b\[[0-9;]*m/g, ""), plain.stderr, "colour adds nothing but colour");
  assert.not.match((await run({ NO_COLOR: "1" }, true)).stderr, ESC);
  assert.not.match((await run({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).stderr, ESC);
  assert.match((await run({ FORCE_COLOR: "1" }, false)).stderr, ESC);
  assert.not.match((await run({ FORCE_COLOR: "0" }, true)).stderr, ESC);
  assert.match((await run({ NO_COLOR: "" }, true)).stderr, ESC, "an empty NO_COLOR is not set");
  for (const r of [plain, tty]) assert.is(r.stdout, "");
});

test("property: rendering in colour and stripping the colour gives the plain rendering", () => {
  const line = fc.stringMatching(/^[a-z =`{}"]{0,30}$/);
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.nat(), fc.nat(), fc.boolean(), fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }), (lines, a, b, warn, notes) => {
      const text = lines.join("\n");
      const start = a % (text.length + 1);
      const end = start + (b % (text.length - start + 1));
      const before = text.slice(0, start).split("\n");
      const d: Diagnostic = {
        severity: warn ? "warning" : "error",
        code: warn ? "W1001" : "E1002",
        message: "m",
        file: "f.stream",
        labels: [{ span: { start, end, line: before.length, column: before[before.length - 1]!.length + 1 }, message: "here", primary: true }],
        notes,
      } as Diagnostic;
      const plain = formatDiagnostics([d], { "f.stream": text }, { links: true });
      const coloured = formatDiagnostics([d], { "f.stream": text }, { links: true, color: true });
      return coloured.replace(/\x1b\[[0-9;]*m/g, "") === plain && !plain.includes("\x1b");
    }),
  );
});

test("- reads the stream from standard input: check shows <stdin> in its diagnostics, fmt prints the canonical text", async () => {
  const clean = await interpret(["check", "-"], { stdin: fs.readFileSync("streams/peppa.stream", "utf8") });
  assert.is(clean.code, 0, clean.stderr);
  assert.is(clean.stdout, "<stdin>: ok (22 steps, 0 warnings)\n");
  const broken = await interpret(["check", "-"], { stdin: BROKEN });
  assert.is(broken.code, 1);
  assert.match(broken.stderr, "--> <stdin>:3:13");
  const messy = 'stream   messy\nsource a {v int}\nsink s from a to jsonl "out/s.jsonl"\n';
  const printed = await interpret(["fmt", "-"], { stdin: messy });
  assert.is(printed.code, 0);
  assert.is(printed.stdout, 'stream messy\nsource a {\n  v int\n}\nsink s from a to jsonl "out/s.jsonl"\n');
  const checked = await interpret(["fmt", "--check", "-"], { stdin: messy });
  assert.is(checked.code, 1);
  assert.is(checked.stdout, "<stdin>: not formatted\n");
  const write = await interpret(["fmt", "--write", "-"], { stdin: messy });
  assert.is(write.code, 2);
  assert.match(write.stderr, "interpret: --write cannot rewrite standard input (-)");
  const twice = await interpret(["check", "-", "-"], { stdin: messy });
  assert.is(twice.code, 2);
  assert.match(twice.stderr, "standard input (-) can be read once");
});

test("every command: a broken stream puts nothing on standard output; a clean one nothing on standard error", async () => {
  const dir = streamsFolder();
  fs.writeFileSync(path.join(dir, "broken.stream"), BROKEN);
  const commands: ReadonlyArray<ReadonlyArray<string>> = [["run"], ["check"], ["fmt"], ["plan"], ["graph"], ["test"]];
  for (const c of commands) {
    const bad = await interpret([...c, c[0] === "fmt" ? "broken-syntax.stream" : "broken.stream"], { cwd: dir });
    if (c[0] === "fmt") {
      fs.writeFileSync(path.join(dir, "broken-syntax.stream"), "source a {\n");
      const f = await interpret(["fmt", "broken-syntax.stream"], { cwd: dir });
      assert.is(f.code, 1);
      assert.is(f.stdout, "", "fmt");
      assert.match(f.stderr, "error[E0013]");
      continue;
    }
    assert.is(bad.code, 1, c.join(" "));
    assert.is(bad.stdout, "", c.join(" "));
    assert.match(bad.stderr, "error[E1002]", c.join(" "));
    const good = await interpret([...c, "peppa.stream", ...(c[0] === "run" ? ["--now", NOW] : [])], { cwd: dir });
    assert.is(good.code, 0, `${c.join(" ")}: ${good.stderr}`);
    assert.is(good.stderr, "", c.join(" "));
    assert.ok(good.stdout.length > 0, c.join(" "));
  }
});

test.run();
