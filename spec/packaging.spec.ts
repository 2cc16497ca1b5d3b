// What `npm pack` ships: the built code, grammar, example streams and docs,
// the LICENSE package.json names, and no run outputs, state files or bench.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

test("npm pack ships the LICENSE and no run outputs, state files, bench or specs", () => {
  // Outputs a run of an example would leave beside it: they must stay out of the package.
  const probe = path.join(REPO, "streams", "out", `pack-probe-${process.pid}.jsonl`);
  const state = path.join(REPO, "streams", `pack-probe-${process.pid}.state`);
  const made = !fs.existsSync(path.dirname(probe));
  fs.mkdirSync(path.dirname(probe), { recursive: true });
  fs.writeFileSync(probe, "{}\n");
  fs.writeFileSync(state, "{}\n");
  try {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    assert.ok(files.includes("LICENSE"), "LICENSE");
    assert.ok(files.includes("package.json"));
    assert.ok(files.includes("docs/codes.md"));
    assert.ok(files.includes("streams/peppa.stream"));
    const bad = files.filter((f) => /(^|\/)out\//.test(f) || f.endsWith(".state") || /(^|\/)bench\//.test(f) || f.startsWith("spec/") || f.includes("node_modules/"));
    assert.equal(bad, []);
  } finally {
    fs.rmSync(probe, { force: true });
    fs.rmSync(state, { force: true });
    if (made) fs.rmSync(path.dirname(probe), { recursive: true, force: true });
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { license: string };
  assert.is(pkg.license, "MIT");
  assert.match(fs.readFileSync(path.join(REPO, "LICENSE"), "utf8"), /^MIT License\n/);
});

test.run();
