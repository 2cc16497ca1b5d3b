// docs/embedding.md's complete example is run as written (importing this
// repository's src/index.ts for "peppa-stream") and must print what the page says.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "./helpers.js";

const doc = fs.readFileSync(path.join(REPO, "docs/embedding.md"), "utf8");
const section = doc.slice(doc.indexOf("## A complete example"));
const block = (lang: string): string => {
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(section);
  if (!m) throw new Error(`no \`\`\`${lang} block in the complete example of docs/embedding.md`);
  return m[1]!;
};

test("the complete example of docs/embedding.md runs and prints what the page shows", () => {
  const code = block("ts");
  assert.match(code, 'from "peppa-stream"');
  // A folder inside the repository (git-ignored), so tsx resolves the repo's packages.
  const dir = fs.mkdtempSync(path.join(REPO, ".peppa-tmp-embedding-"));
  try {
    const file = path.join(dir, "example.ts");
    fs.writeFileSync(file, code.replace(/from "peppa-stream"/g, `from ${JSON.stringify(path.join(REPO, "src/index.ts"))}`));
    const run = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    assert.is(run.stderr, "", "nothing on stderr");
    assert.is(run.status, 0);
    assert.is(run.stdout.trimEnd(), block("text"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
