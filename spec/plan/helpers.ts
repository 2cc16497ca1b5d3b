// Running `interpret plan` and `interpret graph` in-process, keeping what a user would see.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { CliIO, Command } from "../../src/cli/cli-io.js";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCommand(command: Command, argv: ReadonlyArray<string>, cwd = REPO): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stdin: Readable.from([]), cwd, env: {}, isTTY: false };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}

/** A temp folder holding the given files. */
export function tempFolder(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-plan-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Every stream under streams/ (test files excepted: they are checked against their stream), as repo-relative paths. */
export function exampleStreams(): string[] {
  return fs
    .readdirSync(path.join(REPO, "streams"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".stream") && !f.endsWith(".test.stream"))
    .map((f) => `streams/${f.split(path.sep).join("/")}`)
    .sort();
}
