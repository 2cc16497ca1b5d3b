// Compiling small inline streams and running them through the embedding API.
import fs from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { compile, createRunner, formatDiagnostics, type Plan, type Runner, type RunnerOptions, type RunnerTuning } from "../../src/index.js";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export function plan(text: string): Plan {
  const c = compile(text, { filename: "t.stream" });
  if (c._tag === "Left") throw new Error(formatDiagnostics(c.left, text));
  return c.right;
}

export const runnerFor = (text: string, options: RunnerOptions = {}): Runner => createRunner(plan(text), options);

/** A runner with settings of its own (a fake timer, a chunk size); throws on bad options. */
export function tunedRunner(p: Plan, options: RunnerOptions, tuning: RunnerTuning): Runner {
  return createRunner(p, options, tuning);
}

/** A timer that moves on by 1 ms each time it is read: deterministic step times. */
export function countingTimer(): () => number {
  let t = 0;
  return () => t++;
}

export const NOW = "2026-11-20T12:00:00Z";

/** peppa.stream's tables as CSV rows. */
export function peppaTables(): Record<string, Record<string, string>[]> {
  const out: Record<string, Record<string, string>[]> = {};
  for (const t of ["crm_accounts", "core_tenants", "cpq_accounts", "funnel_events"]) {
    out[t] = parseCsv(fs.readFileSync(path.join(REPO, "streams/data", `${t}.csv`), "utf8"), { columns: true }) as Record<string, string>[];
  }
  return out;
}

export const peppaText = (): string => fs.readFileSync(path.join(REPO, "streams/peppa.stream"), "utf8");
