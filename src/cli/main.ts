#!/usr/bin/env node
// The `interpret` executable: binds runCli to this process. Nothing escapes as a
// stack trace: an unexpected error is one line and exit code 3.
import { EXIT, type CliIO } from "./cli-io.js";
import { runCli } from "./run-cli.js";

const io: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
};

const internal = (error: unknown): void => {
  process.stderr.write(`interpret: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.runFailed);
};
process.on("uncaughtException", internal);
process.on("unhandledRejection", internal);
// A closed pipe (`interpret … | head`) is not an error of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
});

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  internal,
);
