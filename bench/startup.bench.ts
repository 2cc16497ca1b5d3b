// `node dist/bench/startup.bench.js`: how long `interpret` takes to start. Each
// measurement is a fresh process (BENCH_REPEATS, default 7, medians printed):
//   - module load: importing the CLI (dist/src/cli/run-cli.js), the CLI with the module of
//     `check` or of a run (which it imports when the command runs), and the API
//     (dist/src/index.js), timed inside the child from its own start
//     (performance.now() counts from the process's time origin) and as its CPU time;
//   - `interpret check streams/peppa.stream` and a run of a tiny stream, as a user
//     waits for them (spawn to exit), beside `node -e 0` on the same machine.
// The target (issue 13): under 0.3 s of module load. Build first (`npm run build`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const dist = path.join(root, "dist");
const cli = path.join(dist, "src", "cli", "main.js");
if (!fs.existsSync(cli)) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}
const repeats = Math.max(1, Number(process.env["BENCH_REPEATS"] ?? 7));
const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function node(args: string[], cwd = root): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Loads `module` in a fresh process: ms from the process's start to before and after the import, and the import's CPU ms. */
function load(modules: ReadonlyArray<string>): { before: number; after: number; cpu: number } {
  const imports = modules.map((m) => `await import(${JSON.stringify(new URL(`file://${m}`).href)});`).join(" ");
  const script = `const b = performance.now(); const c = process.cpuUsage(); ${imports} const u = process.cpuUsage(c); console.log(JSON.stringify({ before: b, after: performance.now(), cpu: (u.user + u.system) / 1000 }));`;
  return JSON.parse(node(["--input-type=module", "-e", script]).stdout.trim()) as { before: number; after: number; cpu: number };
}

const tiny = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-startup-"));
fs.writeFileSync(path.join(tiny, "tiny.stream"), 'stream tiny\n\nsource s simulate 3 per run seed 1 {\n  n = seq()\n}\n\nsink out from s to jsonl "out/tiny.jsonl"\n');

const rows: Record<string, number[]> = {};
const add = (name: string, ms: number): void => void (rows[name] ??= []).push(ms);
for (let r = 0; r < repeats; r++) {
  add("node -e 0", node(["-e", "0"]).ms);
  const runCli = path.join(dist, "src", "cli", "run-cli.js");
  // What `check` and a run load: the CLI and the command's module, which it imports when the command runs.
  for (const [name, files] of [
    ["CLI", [runCli]],
    ["CLI + check", [runCli, path.join(dist, "src", "cli", "check-command.js")]],
    ["CLI + run", [runCli, path.join(dist, "src", "cli", "run-command.js")]],
    ["API", [path.join(dist, "src", "index.js")]],
  ] as const) {
    const m = load(files);
    add(`module load, ${name} (wall)`, m.after - m.before);
    add(`module load, ${name} (CPU)`, m.cpu);
  }
  add("interpret check streams/peppa.stream", node([cli, "check", "streams/peppa.stream"]).ms);
  add("interpret tiny.stream (a run of 3 records)", node([cli, path.join(tiny, "tiny.stream"), "--out", tiny, "--now", "2026-11-20T12:00:00Z"]).ms);
}
fs.rmSync(tiny, { recursive: true, force: true });
console.log(`medians of ${repeats} fresh processes (ms):`);
for (const [name, xs] of Object.entries(rows)) console.log(`  ${name.padEnd(44)} ${median(xs).toFixed(0).padStart(6)}   (${xs.map((x) => x.toFixed(0)).join(" ")})`);
for (const what of ["CLI + check", "CLI + run"]) {
  const ms = median(rows[`module load, ${what} (wall)`]!);
  console.log(`module load, ${what}: ${(ms / 1000).toFixed(2)} s (target under 0.3 s)${ms < 300 ? "" : " - MISSED"}`);
}
