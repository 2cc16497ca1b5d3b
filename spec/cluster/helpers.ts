// A NATS server of the spec's own (`nats-server -js` on a free loopback port
// with a temp store), workers as child processes that can be killed, and the
// comparison of outputs as multisets.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { REPO } from "../cli/helpers.js";

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Starts `nats-server -js -sd TMPDIR -a 127.0.0.1 -p FREEPORT`; `stop` ends it and removes its store. */
export async function startNats(): Promise<NatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-nats-"));
  const port = await freePort();
  const child = spawn("nats-server", ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  let failed: Error | undefined;
  child.once("error", (e) => (failed = e));
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (failed) throw new Error(`nats-server cannot be started (${failed.message}); install it (apt-get install nats-server)`);
    await sleep(50);
  }
  // JetStream is ready a moment after the port.
  await sleep(150);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `interpret ARGS` as a child process (tsx on the sources), with what it printed so far. */
export interface Child {
  readonly process: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * The CLI bundled once per spec process (esbuild, packages left to node_modules):
 * a child starts in a second where tsx would compile every source file again,
 * which matters for specs that kill and restart workers many times.
 */
let bundled: Promise<string> | undefined;
export function interpretBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(REPO, "node_modules", ".cache", `peppa-cluster-${process.pid}`, "main.mjs");
    await build({ entryPoints: [path.join(REPO, "src/cli/main.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "error" });
    process.once("exit", () => fs.rmSync(path.dirname(outfile), { recursive: true, force: true }));
    return outfile;
  })();
  return bundled;
}

export async function spawnInterpret(args: ReadonlyArray<string>, cwd = REPO, env: Readonly<Record<string, string>> = {}): Promise<Child> {
  const child = spawn(process.execPath, [await interpretBundle(), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `check` holds, or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A file's lines, sorted: records compared as a multiset (a CSV header stays first). */
export function multiset(file: string): string[] {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : [];
  if (file.endsWith(".csv")) return [lines[0] ?? "", ...lines.slice(1).sort()];
  return lines.sort();
}

/** A process's state letter from /proc (`T`: stopped by a signal), or undefined when it is gone. */
export function processState(pid: number): string | undefined {
  try {
    return /^\d+ \(.*\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** An ownership event of a partition as a worker's log line says it, with the revision its write produced. */
export interface OwnershipEvent {
  readonly worker: string;
  readonly kind: "took" | "released" | "committed";
  readonly partition: string;
  readonly revision: number;
  readonly line: string;
}

export function ownershipEvents(worker: string, stdout: string): OwnershipEvent[] {
  const out: OwnershipEvent[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(took|released|committed) (\d+\.\d+)\b.*\[revision (\d+)\]$/.exec(line);
    if (m) out.push({ worker, kind: m[1] as OwnershipEvent["kind"], partition: m[2]!, revision: Number(m[3]), line });
  }
  return out;
}

/**
 * Fencing, checked on the server's own order: every write of a partition's entry
 * produced a revision, and the workers log the revision of each take, release and
 * commit. Sorted by revision, every commit must follow a take by the same worker with
 * no other take or release in between: a worker commits only on a lease it still
 * holds. Writes a killed worker did not live to log are simply absent, which cannot
 * hide a violation among the logged ones. Returns the violations, in words.
 */
export function fencingViolations(logs: Readonly<Record<string, string>>): string[] {
  const events = Object.entries(logs).flatMap(([w, out]) => ownershipEvents(w, out));
  const problems: string[] = [];
  const byRevision = new Map<number, OwnershipEvent>();
  for (const e of events) {
    const seen = byRevision.get(e.revision);
    if (seen) problems.push(`revision ${e.revision} claimed twice: ${seen.worker} "${seen.line}" and ${e.worker} "${e.line}"`);
    byRevision.set(e.revision, e);
  }
  const partitions = new Set(events.map((e) => e.partition));
  for (const p of partitions) {
    let holder: OwnershipEvent | undefined;
    for (const e of events.filter((x) => x.partition === p).sort((a, b) => a.revision - b.revision)) {
      if (e.kind !== "committed") holder = e;
      else if (!holder || holder.kind !== "took" || holder.worker !== e.worker) {
        problems.push(`${e.worker} committed ${p} at revision ${e.revision} ("${e.line}") but the last change of owner before it was ${holder ? `${holder.worker}'s "${holder.line}"` : "none"}`);
      }
    }
  }
  return problems;
}

export { sleep };
