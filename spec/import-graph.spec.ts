// Dependencies between the folders of src/ point one way (LAYERS in
// scripts/import-graph.ts, explained in docs/internals.md "Layers"). The check
// is shown to fail on synthetic graphs and on a real upward import in a
// throw-away tree, and docs/internals.md shows the current graph.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { importEdges, layerOf, printText, upwardImports, type Edge } from "../scripts/import-graph.js";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

const edge = (from: string, to: string): Edge => ({ from, to, file: `src/${from}/a.ts`, target: `src/${to}/b.ts` });
const LAYERS = [["bottom"], ["left", "right"], ["top"]];

test("no import of src/ or grammar/ goes against the layering", () => {
  const bad = upwardImports(importEdges(REPO));
  assert.equal(
    bad.map((e) => `${e.file} -> ${e.target}`),
    [],
  );
});

test("the layering check: down is allowed; up, between peers and from an unlisted folder is not", () => {
  assert.equal(upwardImports([edge("top", "left"), edge("left", "bottom"), edge("top", "bottom")], LAYERS), []);
  const up = [edge("bottom", "top"), edge("left", "right"), edge("left", "top"), edge("new", "bottom"), edge("top", "new")];
  assert.equal(upwardImports([...up, edge("right", "bottom")], LAYERS), up);
});

test("a deliberately upward import in a source tree is found (values -> cli)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "import-graph-"));
  try {
    fs.mkdirSync(path.join(root, "src/values"), { recursive: true });
    fs.mkdirSync(path.join(root, "src/cli"), { recursive: true });
    fs.mkdirSync(path.join(root, "grammar"));
    fs.writeFileSync(path.join(root, "src/cli/main.ts"), 'import { value } from "../values/value.js";\nexport const main = value;\n');
    fs.writeFileSync(path.join(root, "src/values/value.ts"), 'export const value = 1;\nexport type Up = import("../cli/main.js").Main;\n');
    fs.writeFileSync(path.join(root, "src/values/sneaky.ts"), 'export { main } from "../cli/main.js";\nconst later = () => import("../index.js");\nvoid later;\n');
    fs.writeFileSync(path.join(root, "src/index.ts"), 'export * from "./values/value.js";\n');
    fs.writeFileSync(path.join(root, "grammar/tokens.ts"), 'import "../src/syntax/lex.js";\n');
    const edges = importEdges(root);
    assert.equal(
      upwardImports(edges).map((e) => `${e.file} -> ${e.target}`),
      ["grammar/tokens.ts -> src/syntax/lex.ts", "src/values/sneaky.ts -> src/cli/main.ts", "src/values/value.ts -> src/cli/main.ts", "src/values/sneaky.ts -> src/index.ts"],
    );
    assert.is(edges.length, 6);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("layers are the folders of src/, src/index.ts, and grammar/", () => {
  assert.is(layerOf("src/runtime/ops/dedup.ts"), "runtime");
  assert.is(layerOf("src/index.ts"), "index");
  assert.is(layerOf("grammar/parser.ts"), "grammar");
  assert.is(layerOf("spec/smoke.spec.ts"), undefined);
});

test("docs/internals.md shows the current graph (npx tsx scripts/import-graph.ts)", () => {
  const doc = fs.readFileSync(path.join(REPO, "docs/internals.md"), "utf8");
  const block = /<!-- import-graph -->\n```\n([\s\S]*?)\n```/.exec(doc)?.[1];
  assert.ok(block, "docs/internals.md has an ```-block after <!-- import-graph -->");
  assert.fixture(block, printText(importEdges(REPO)));
});

test.run();
