// One measured child process: wall time from the parent, peak RSS from GNU time
// (`/usr/bin/time -v`, "Maximum resident set size") when the machine has it, so
// the interpreter is measured exactly as the command a user runs, with nothing
// loaded into it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Measured {
  readonly ms: number;
  /** Peak resident set size in bytes; undefined without /usr/bin/time. */
  readonly rss: number | undefined;
  /**
   * User + system CPU seconds of the process and its threads (GNU time), steadier than wall
   * time on a shared machine; undefined without /usr/bin/time.
   */
  readonly cpu: number | undefined;
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

const TIME = "/usr/bin/time";
export const canMeasureRss = fs.existsSync(TIME);

export function runMeasured(argv: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env): Measured {
  const rssFile = path.join(os.tmpdir(), `peppa-bench-rss-${process.pid}.txt`);
  const [cmd, ...args] = canMeasureRss ? [TIME, "-v", "-o", rssFile, ...argv] : argv;
  const started = performance.now();
  const r = spawnSync(cmd!, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  let rss: number | undefined;
  let cpu: number | undefined;
  if (canMeasureRss && fs.existsSync(rssFile)) {
    const text = fs.readFileSync(rssFile, "utf8");
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    if (m) rss = Number(m[1]) * 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(text);
    const system = /System time \(seconds\): ([\d.]+)/.exec(text);
    if (user && system) cpu = Number(user[1]) + Number(system[1]);
    fs.rmSync(rssFile, { force: true });
  }
  if (r.error) throw new Error(`cannot start ${argv.join(" ")}: ${r.error.message}`);
  return { ms, rss, cpu, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
