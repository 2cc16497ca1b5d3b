// Opening the state behind `--state FILE`: the on-disk store (src/io/state-store.ts),
// created when the file does not exist, and migrated on first use from the JSON
// state file that earlier versions wrote. A JSON file that cannot be read is
// refused with the reason, as before; it is never reset.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import { StateCodec, type State } from "../index.js";
import { isStoreFile, readStateFile, StateStore, type StoreDamaged } from "../io/index.js";
import type { CliIO } from "./cli-io.js";
import { shownPath } from "./paths.js";

export async function openStateStore(file: string, stream: string, io: CliIO): Promise<Either<string, StateStore>> {
  if (fs.existsSync(file) && !isStoreFile(file)) {
    const migrated = await migrateJson(file, stream, io);
    if (isLeft(migrated)) return migrated;
  }
  const opened = StateStore.open(file, stream);
  return isLeft(opened) ? left(opened.left.message) : right(opened.right);
}

/** A JSON state file (state file version 1) becomes a store holding the same state. */
async function migrateJson(file: string, stream: string, io: CliIO): Promise<Either<string, void>> {
  const read = await readStateFile(file, stream, StateCodec);
  if (isLeft(read)) return left(read.left.message);
  const state = read.right.state;
  if (!state) return right(undefined);
  const shown = shownPath(io.cwd, file);
  const rest: State = { ...state, dedup: {} };
  const dedup = Object.entries(state.dedup).map(([step, chunks]) => ({ step, chunks }));
  const made = StateStore.migrate(file, stream, state.runs, rest, dedup);
  if (isLeft(made)) return left(`${made.left.message}; the JSON state file ${shown} is unchanged`);
  io.stderr(
    `interpret: state file ${shown} was a JSON state file of an earlier version; it now holds the same state in the on-disk store ` +
      `(${made.right.keys.toLocaleString("en-US")} dedup keys, ${state.runs} runs)\n`,
  );
  return right(undefined);
}

export const storeDamagedMessage = (shown: string, e: StoreDamaged): string =>
  `state file ${shown} is damaged: ${e.message}. Move it away to start fresh; it is never reset silently.`;
