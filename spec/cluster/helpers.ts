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

export async function spawnInterpret(args: ReadonlyArray<string>, cwd = REPO): Promise<Child> {
  const child = spawn(process.execPath, [await interpretBundle(), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
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

export { sleep };
