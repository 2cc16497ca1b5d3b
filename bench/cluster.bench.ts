// Cluster mode end to end: the generated peppa export files (bench/files/) through
// `cluster init`, N workers, `cluster ingest` and `cluster flush` per run (one file
// per source and run, as streams/peppa-files.stream reads them), and `cluster
// collect`, timed from the first ingest to the collected outputs; beside the
// single-process `interpret` run on the same files and clock, whose outputs the
// cluster's must equal (as multisets). Each worker count gets a fresh nats-server
// (`-js`, a temp store, a free loopback port). Peak RSS per worker is its VmHWM.
//
//   npm run bench:cluster        BENCH_EVENTS (100000) BENCH_FILES (3) BENCH_WORKERS (1,2,4)
//                                BENCH_PARTITIONS (8) BENCH_BATCH (1000)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { runMeasured } from "./files/child.js";
import { compareOutputs, describeComparison } from "./files/compare-outputs.js";
import { DEFAULT_OPTIONS, generateFiles } from "./files/generate-files.js";
import { repoRoot } from "./files/repo.js";
import { writeStreamFile } from "./files/stream-file.js";

const env = (name: string, fallback: string): string => process.env[name] || fallback;
const EVENTS = Number(env("BENCH_EVENTS", "100000").replace(/_/g, ""));
const FILES = Number(env("BENCH_FILES", "3"));
const WORKERS = env("BENCH_WORKERS", "1,2,4").split(",").map(Number);
const PARTITIONS = env("BENCH_PARTITIONS", "8");
const BATCH = env("BENCH_BATCH", "1000");

const CLI = path.join(repoRoot(), "dist", "src", "cli", "main.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds spent in each command (ingest, flush, collect), summed over the runs: the breakdown of the elapsed time. */
const phases = new Map<string, number>();

function cli(args: ReadonlyArray<string>): void {
  const at = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`interpret ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  phases.set(args[1]!, (phases.get(args[1]!) ?? 0) + (performance.now() - at) / 1000);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startNats(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-bench-nats-"));
  const port = await freePort();
  const child = spawn("nats-server", ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  await sleep(200);
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Peak resident set of a live process, from /proc. */
const peakRss = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error("build first: npm run build");
  const root = path.join(os.tmpdir(), `peppa-cluster-bench-${EVENTS}-${FILES}`);
  const gen = generateFiles(root, { ...DEFAULT_OPTIONS, events: EVENTS, files: FILES });
  const stream = writeStreamFile(path.join(root, "peppa-files.stream"), gen.dataDir);
  const lines = gen.coreLines + gen.cpqLines;
  console.log(`cluster bench: ${lines.toLocaleString("en-US")} lines in ${FILES} runs (${gen.reused ? "reused" : "generated"} under ${root}); ${os.cpus().length} cores; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ${new Date().toISOString()}`);

  const single = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-bench-single-"));
  const one = runMeasured([process.execPath, CLI, stream, "--now", gen.now, "--out", single], repoRoot());
  if (one.status !== 0) throw new Error(`the single-process run failed:\n${one.stderr}`);
  const rows: string[][] = [["single process", "1", (one.ms / 1000).toFixed(1), Math.round(lines / (one.ms / 1000)).toLocaleString("en-US"), one.rss ? mb(one.rss) : "-", "reference"]];
  console.log(`single process: ${(one.ms / 1000).toFixed(1)} s`);

  let allEqual = true;
  for (const n of WORKERS) {
    const nats = await startNats();
    const workers: ChildProcess[] = [];
    try {
      cli(["cluster", "init", stream, "--nats", nats.url, "--partitions", PARTITIONS]);
      const joined: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=DIR`) go to each worker's node.
        const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
        const w = spawn(process.execPath, [...nodeArgs, CLI, "cluster", "worker", stream, "--nats", nats.url, "--name", `w${i}`, "--now", gen.now, "--batch", BATCH], { stdio: ["ignore", "pipe", "inherit"] });
        workers.push(w);
        let out = "";
        joined.push(new Promise((resolve) => w.stdout!.on("data", (c: Buffer) => ((out += c.toString()), /joined/.test(out) && resolve()))));
        // With PEPPA_CLUSTER_PROFILE set the worker prints its phase timings when it stops.
        w.once("exit", () => {
          const lines = out.split("\n").filter((l) => l.startsWith("profile "));
          if (lines.length) console.log(`w${i}:\n  ${lines.join("\n  ")}`);
        });
      }
      await Promise.all(joined);
      phases.clear();
      const started = performance.now();
      for (let run = 0; run < FILES; run++) {
        cli(["cluster", "ingest", stream, "--nats", nats.url, "--input", `core=${gen.coreFiles[run]}`, "--input", `cpq=${gen.cpqFiles[run]}`]);
        cli(["cluster", "flush", stream, "--nats", nats.url]);
      }
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-bench-cluster-"));
      cli(["cluster", "collect", stream, "--nats", nats.url, "--out", out]);
      const ms = performance.now() - started;
      const rss = workers.map((w) => peakRss(w.pid!));
      const c = compareOutputs(path.join(single, "out"), path.join(out, "out"), ["the single process", "the cluster"]);
      allEqual &&= c.equal;
      rows.push([`cluster, ${PARTITIONS} partitions`, String(n), (ms / 1000).toFixed(1), Math.round(lines / (ms / 1000)).toLocaleString("en-US"), rss.map(mb).join(", "), c.equal ? "equal" : "DIFFERENT"]);
      console.log(`commands: ${[...phases].map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`);
      console.log(`${n} worker(s): ${(ms / 1000).toFixed(1)} s, outputs ${c.equal ? "equal" : `differ:\n${describeComparison(c)}`}`);
      fs.rmSync(out, { recursive: true, force: true });
    } finally {
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once("exit", r)) : undefined)));
      await nats.stop();
    }
  }
  fs.rmSync(single, { recursive: true, force: true });
  const head = ["run", "workers", "s (ingest to collected)", "lines/s", "peak RSS per worker", "outputs"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(width[i]!)).join("  "));
  console.log(`load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ${new Date().toISOString()}`);
  if (!allEqual) process.exitCode = 1;
}

await main();
