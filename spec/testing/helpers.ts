// Running `interpret test` in-process: a CliIO that keeps what a user would see,
// and temp folders holding a stream, its test file and its tables.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { CliIO } from "../../src/cli/cli-io.js";
import { testCommand } from "../../src/cli/test-command.js";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function interpretTest(argv: ReadonlyArray<string>, cwd = REPO): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: Readable.from([]),
    cwd,
    env: {},
    isTTY: false,
  };
  const code = await testCommand(argv, io);
  return { code, stdout, stderr };
}

/** A temp folder with a copy of streams/peppa.stream and its data, plus the given files. */
export function peppaFolder(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-test-"));
  fs.copyFileSync(path.join(REPO, "streams/peppa.stream"), path.join(dir, "peppa.stream"));
  fs.cpSync(path.join(REPO, "streams/data"), path.join(dir, "data"), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A Core event of peppa.stream as a record literal, with fields overridden. */
export function coreEvent(fields: Readonly<Record<string, string>> = {}): string {
  const base: Record<string, string> = {
    event_id: '"evt-1-1"',
    tenant: '"T-100"',
    user: '"u-1"',
    event: '"LEAD"',
    service: '"svc-forms"',
    at: '"2026-11-20T10:00:00Z"',
    ...fields,
  };
  return "{ " + Object.entries(base).map(([k, v]) => `${k}: ${v}`).join(", ") + " }";
}
