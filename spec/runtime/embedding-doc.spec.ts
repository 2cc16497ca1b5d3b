// The embedding examples of README.md and docs/embedding.md are run as written
// (importing this repository's src/index.ts for "peppa-stream") and must print what the pages say.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "./helpers.js";

/** The first ```lang block after `heading` in a Markdown file of the repository. */
function block(file: string, heading: string, lang: string): string {
  const doc = fs.readFileSync(path.join(REPO, file), "utf8");
  const section = doc.slice(doc.indexOf(heading));
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(section);
  if (!m) throw new Error(`no \`\`\`${lang} block under "${heading}" in ${file}`);
  return m[1]!;
}

/** Runs an example as written (importing this repository for "peppa-stream") and returns what it printed. */
function runExample(code: string): { stdout: string; stderr: string; status: number | null } {
  assert.match(code, 'from "peppa-stream"');
  // A folder inside the repository (git-ignored), so tsx resolves the repo's packages.
  const dir = fs.mkdtempSync(path.join(REPO, ".peppa-tmp-embedding-"));
  try {
    const file = path.join(dir, "example.ts");
    fs.writeFileSync(file, code.replace(/from "peppa-stream"/g, `from ${JSON.stringify(path.join(REPO, "src/index.ts"))}`));
    return spawnSync(process.execPath, ["--import", "tsx", file], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const [file, heading] of [
  ["docs/embedding.md", "## A complete example"],
  ["README.md", "## Embedding in a host"],
] as const) {
  test(`the example of ${file} runs and prints what the page shows`, () => {
    const run = runExample(block(file, heading, "ts"));
    assert.is(run.stderr, "", "nothing on stderr");
    assert.is(run.status, 0);
    assert.is(run.stdout.trimEnd(), block(file, heading, "text"));
  });
}

test.run();
