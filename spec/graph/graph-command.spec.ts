// `interpret graph`: the SVG is well-formed and shows every step once; mermaid
// and DOT name every edge with its port; DOT and mermaid of peppa.stream are
// golden (`UPDATE=1 node scripts/test.mjs graph` rewrites them).
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { graphCommand } from "../../src/cli/graph-command.js";
import { compileStream } from "../../src/plan/compile.js";
import { escapeXml } from "../../src/graph/svg.js";
import type { Plan } from "../../src/plan/plan.js";
import { REPO, exampleStreams, runCommand, tempFolder } from "../plan/helpers.js";

const planOf = (file: string): Plan => compileStream(fs.readFileSync(path.join(REPO, file), "utf8"), { filename: file }).plan!;

/** Tags open and close in order (self-closing tags aside); returns the first problem. */
function unbalanced(svg: string): string | undefined {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (!close) stack.push(name!);
    else if (stack.pop() !== name) return `</${name}> at ${m.index}`;
  }
  return stack.length ? `unclosed <${stack.join("> <")}>` : undefined;
}

for (const file of exampleStreams()) {
  test(`svg of ${file}: well-formed, one node per step, every step and table named`, async () => {
    const r = await runCommand(graphCommand, [file]);
    assert.is(r.code, 0);
    const svg = r.stdout;
    assert.ok(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert.is(unbalanced(svg), undefined);
    assert.not.match(svg, /&(?!amp;|lt;|gt;|quot;|apos;)/, "every & is an entity");
    const plan = planOf(file);
    assert.is(svg.match(/<g class="node"/g)?.length, plan.steps.length);
    for (const s of plan.steps) {
      assert.match(svg, `<g class="node" data-kind="${s.kind}" data-name="${s.name}">`);
      assert.match(svg, `>${s.name}</text>`);
    }
    for (const t of plan.tables) assert.match(svg, `<g class="table" data-kind="table" data-name="${t.name}">`);
    assert.match(svg, `<marker id="arrow"`);
    assert.match(svg, `marker-end="url(#arrow)"`);
  });

  test(`mermaid and dot of ${file} draw every input edge with its port`, async () => {
    const plan = planOf(file);
    const dot = (await runCommand(graphCommand, [file, "--format", "dot"])).stdout;
    const mermaid = (await runCommand(graphCommand, [file, "--format=mermaid"])).stdout;
    // Mermaid ids are short; read them back from the node lines.
    const ids = new Map([...mermaid.matchAll(/^ {2}(\w+)[[({/]+"([^"<]+)<br\/>/gm)].map((m) => [m[2]!, m[1]!]));
    for (const s of plan.steps)
      for (const i of s.inputs) {
        const label = i.port === "main" ? "" : i.port;
        assert.match(dot, `  "${i.step}" -> "${s.name}"${label ? ` [label="${label}"` : ";"}`);
        assert.match(mermaid, `  ${ids.get(i.step)} -->${label ? `|"${label}"|` : ""} ${ids.get(s.name)}\n`);
      }
    for (const s of plan.steps)
      for (const p of s.ports)
        if (p.fate === "rejects") {
          assert.match(dot, `  "${s.name}" -> "(rejects)" [label="${p.name}"`);
          assert.match(mermaid, `  ${ids.get(s.name)} -->|"${p.name}"| rejects\n`);
        }
  });
}

for (const [format, ext] of [["dot", "dot"], ["mermaid", "mmd"]] as const) {
  test(`${format} of streams/peppa.stream matches spec/graph/golden/peppa.${ext}`, async () => {
    const r = await runCommand(graphCommand, ["streams/peppa.stream", "--format", format]);
    assert.is(r.code, 0);
    const file = path.join(REPO, `spec/graph/golden/peppa.${ext}`);
    if (process.env["UPDATE"] === "1") fs.writeFileSync(file, r.stdout);
    assert.fixture(r.stdout, fs.readFileSync(file, "utf8"));
  });
}

test("text from the stream is escaped for XML, DOT and mermaid", async () => {
  const dir = tempFolder({ "esc.stream": `stream esc\nsource s { a int }\nsink k from s to jsonl "out/<a&b>\\"q\\".jsonl"\n` });
  const svg = (await runCommand(graphCommand, ["esc.stream"], dir)).stdout;
  assert.match(svg, "jsonl out/&lt;a&amp;b&gt;&quot;q&quot;.jsonl");
  assert.is(unbalanced(svg), undefined);
  assert.is(escapeXml(`<'&">`), "&lt;&apos;&amp;&quot;&gt;");
  const dot = (await runCommand(graphCommand, ["esc.stream", "--format", "dot"], dir)).stdout;
  assert.match(dot, `"esc"`);
});

test("-o writes the file instead of standard output; --direction lr lays out left to right", async () => {
  const dir = tempFolder({});
  const out = path.join(dir, "peppa.svg");
  const r = await runCommand(graphCommand, ["streams/peppa.stream", "-o", out, "--direction", "lr"]);
  assert.is(r.code, 0);
  assert.is(r.stdout, "");
  const svg = fs.readFileSync(out, "utf8");
  const [w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
  assert.ok(w! > h!, "left to right is wider than tall");
  const tb = (await runCommand(graphCommand, ["streams/peppa.stream"])).stdout;
  const [w2, h2] = /width="(\d+)" height="(\d+)"/.exec(tb)!.slice(1).map(Number);
  // peppa's graph is broad (two sources, reconciliation beside billing): compare the shapes rather than each one's sides.
  assert.ok(h2! / w2! > h! / w!, "the default, top to bottom, is taller for its width than left to right");
});

test("bad usage, a missing file and a stream with errors", async () => {
  const usage = await runCommand(graphCommand, ["streams/peppa.stream", "--format", "png"]);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, "unknown format `png`: use svg, mermaid or dot");
  const missing = await runCommand(graphCommand, ["nope.stream"]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, "cannot read nope.stream: no such file");
  const dir = tempFolder({ "bad.stream": "source s { a int }\nsink k from t to jsonl \"x\"\n" });
  const bad = await runCommand(graphCommand, ["bad.stream"], dir);
  assert.is(bad.code, 1);
  assert.is(bad.stdout, "");
  assert.match(bad.stderr, "1 error");
});

test.run();
