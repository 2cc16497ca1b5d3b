// Running `interpret` in-process with a CliIO that keeps what a user sees, in
// temp folders holding a copy of the example streams and their data.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { CliIO } from "../../src/cli/cli-io.js";
import { runCli } from "../../src/cli/run-cli.js";
import { isStoreFile } from "../../src/io/state-store.js";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const NOW = "2026-11-20T12:00:00Z";

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function interpret(
  argv: ReadonlyArray<string>,
  options: { cwd?: string; stdin?: string; env?: Readonly<Record<string, string>>; isTTY?: boolean } = {},
): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A temp folder with a copy of streams/ (the example streams and their data, no outputs). */
export function streamsFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-cli-"));
  fs.cpSync(path.join(REPO, "streams"), dir, { recursive: true, filter: (src) => path.basename(src) !== "out" });
  return dir;
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "peppa-out-"));

export const readLines = (file: string): string[] => fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
export const readJsonl = (file: string): Record<string, unknown>[] => readLines(file).map((l) => JSON.parse(l) as Record<string, unknown>);

/** The numbers of the report's balance line, and whether they add up. */
export function balanceOf(stdout: string): { read: number; created: number; delivered: number; absorbed: number; duplicates: number; rejected: number; dropped: number; mark: string } {
  const line = stdout.split("\n").find((l) => l.startsWith("balance "));
  if (!line) throw new Error(`no balance line in:\n${stdout}`);
  const n = (word: string): number => Number((line.match(new RegExp(`${word} ([0-9,]+)`)) ?? [])[1]?.replace(/,/g, "") ?? NaN);
  return {
    read: n("read"),
    created: n("created"),
    delivered: n("delivered"),
    absorbed: n("absorbed"),
    duplicates: n("duplicates"),
    rejected: n("rejected"),
    dropped: n("dropped"),
    mark: line.trim().slice(-1),
  };
}

/** Every file under a folder with its bytes, by relative path. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/**
 * `snapshot`, with each state store (an SQLite file, whose bytes depend on how its
 * transactions were checkpointed) replaced by what `interpret state show --json` says of it.
 */
export async function snapshotWithState(dir: string): Promise<Record<string, string>> {
  const files = snapshot(dir);
  for (const rel of Object.keys(files)) {
    const p = path.join(dir, rel);
    if (!isStoreFile(p)) continue;
    const shown = await interpret(["state", "show", p, "--json"]);
    const { file: _, ...rest } = JSON.parse(shown.stdout) as Record<string, unknown>;
    files[rel] = JSON.stringify(rest, null, 2);
  }
  return files;
}
