// What a command touches of its process, passed in so that specs can run
// commands in-process and read what a user would see.
import type { Readable } from "node:stream";

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard error is a terminal (progress output only then). */
  readonly isTTY: boolean;
}

/** Exit codes: 0 done, 1 the stream has errors (or a test failed), 2 bad usage or unreadable input, 3 a run failed. */
export const EXIT = { ok: 0, streamErrors: 1, usage: 2, runFailed: 3 } as const;

/** A subcommand: its arguments after the subcommand name, and the process edge. Resolves to the exit code. */
export type Command = (argv: ReadonlyArray<string>, io: CliIO) => Promise<number>;

/**
 * Colour on standard error: never with `NO_COLOR` (any value but empty), always with
 * `FORCE_COLOR` (any value but empty, `0` or `false`), else only when it is a terminal.
 */
export function useColor(io: Pick<CliIO, "env" | "isTTY">): boolean {
  if (io.env["NO_COLOR"]) return false;
  const force = io.env["FORCE_COLOR"];
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return io.isTTY;
}

/** What `-` stands for as a stream file: standard input, shown under this name. */
export const STDIN_FILE = "-";
export const STDIN_NAME = "<stdin>";
