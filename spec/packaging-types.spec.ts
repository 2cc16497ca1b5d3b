// The published declarations work in a strict host (`strict`, `skipLibCheck: false`)
// that has installed peppa-stream and nothing else: only the package's runtime
// dependencies (and theirs) are in its node_modules, none of our devDependencies
// (@types/node, typescript, ...). A type the .d.ts takes from a devDependency fails
// the host's tsc, which the second test shows with a deliberate leak.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
// The value exports, from the source the declarations are built from.
import * as api from "../src/index.js";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const readJson = (file: string): PackageJson => JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson;

function tsc(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { encoding: "utf8", timeout: 180_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The runtime dependencies and everything they depend on, as `npm install peppa-stream` installs them. */
function runtimeClosure(): string[] {
  const seen = new Set<string>();
  const queue = Object.keys(readJson(path.join(REPO, "package.json")).dependencies ?? {});
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = readJson(path.join(REPO, "node_modules", name, "package.json"));
    queue.push(...Object.keys(pkg.dependencies ?? {}));
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) if (!pkg.peerDependenciesMeta?.[peer]?.optional) queue.push(peer);
  }
  return [...seen].sort();
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-types-"));
const host = path.join(root, "host");
const installed = path.join(host, "node_modules", "peppa-stream");

let built = false;
/** Builds the declarations with tsconfig.build.json (only what src/index.ts reaches) into the host's copy of the package, once. */
function build(): void {
  if (built) return;
  built = true;
  const config = path.join(root, "tsconfig.decl.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(REPO, "tsconfig.build.json"),
      compilerOptions: { rootDir: REPO, outDir: path.join(installed, "dist"), declaration: true, emitDeclarationOnly: true, typeRoots: [path.join(REPO, "node_modules", "@types")] },
      files: [path.join(REPO, "src", "index.ts")],
      include: [],
    }),
  );
  const r = tsc(["-p", config]);
  assert.is(r.status, 0, r.output);
  fs.copyFileSync(path.join(REPO, "package.json"), path.join(installed, "package.json"));
  for (const name of runtimeClosure()) {
    const link = path.join(host, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules", name), link, "dir");
  }
  fs.writeFileSync(
    path.join(host, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        target: "ES2022",
        lib: ["ES2023"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        // No @types picked up by default, and links resolved where they stand, so
        // nothing is found through our own node_modules (where every devDependency is).
        types: [],
        preserveSymlinks: true,
        noEmit: true,
      },
      files: ["main.ts"],
    }),
  );
  fs.writeFileSync(path.join(host, "package.json"), JSON.stringify({ name: "host", type: "module", private: true }));
  // The README's embedding example, and every name the package exports.
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const example = /## Embedding in a host[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(readme)![1]!;
  // The host's own `console` (it has no @types/node): what the example prints with.
  const consoleDecl = "declare const console: { log(...values: unknown[]): void };\n";
  fs.writeFileSync(path.join(host, "main.ts"), `${consoleDecl}${example}\nimport * as api from "peppa-stream";\nexport const names: ReadonlyArray<keyof typeof api> = ${JSON.stringify(Object.keys(api))};\n`);
}


const hostTsc = (): { status: number | null; output: string } => tsc(["-p", path.join(host, "tsconfig.json")]);

test("a strict host with skipLibCheck false type-checks the README's example against the built declarations", () => {
  build();
  assert.ok(fs.existsSync(path.join(installed, "dist", "src", "index.d.ts")), "the declarations are where package.json's types points");
  assert.not.ok(fs.existsSync(path.join(host, "node_modules", "@types", "node")), "no @types/node in the host");
  const r = hostTsc();
  assert.is(r.output, "");
  assert.is(r.status, 0);
});

test("a type taken from a devDependency fails that host", () => {
  build();
  // @types/luxon is a devDependency: a declaration that uses luxon's types needs it in the host.
  const index = path.join(installed, "dist", "src", "index.d.ts");
  const original = fs.readFileSync(index, "utf8");
  fs.writeFileSync(index, `${original}\nexport type { DateTime } from "luxon";\n`);
  try {
    const r = hostTsc();
    assert.is.not(r.status, 0);
    assert.match(r.output, /index\.d\.ts.*error TS7016: Could not find a declaration file for module 'luxon'/);
  } finally {
    fs.writeFileSync(index, original);
  }
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));

test.run();
