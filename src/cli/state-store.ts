// Opening the state behind `--state FILE`: the on-disk store (src/io/state-store.ts),
// created when the file does not exist, and migrated on first use from the JSON
// state file that earlier versions wrote. A JSON file that cannot be read is
// refused with the reason, as before; it is never reset.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import fs from "node:fs";
import v8 from "node:v8";
import { StateCodec, type State } from "../index.js";
import { isStoreFile, readStateFile, StateStore, type StoreDamaged } from "../io/index.js";
import type { CliIO } from "./cli-io.js";
import { shownPath } from "./paths.js";

export async function openStateStore(file: string, stream: string, io: CliIO): Promise<Either<string, StateStore>> {
  boundHeapGrowth();
  if (fs.existsSync(file) && !isStoreFile(file)) {
    const migrated = await migrateJson(file, stream, io);
    if (isLeft(migrated)) return migrated;
  }
  const opened = StateStore.open(file, stream);
  if (isLeft(opened)) return left(opened.left.message);
  if (opened.right.upgradedFrom !== undefined) {
    io.stderr(`interpret: state file ${shownPath(io.cwd, file)} was a store of version ${opened.right.upgradedFrom}; it now has version 2, with a filter per group of runs (once; the keys it holds are read to build them)\n`);
  }
  return right(opened.right);
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

/**
 * A job with `--state` runs every day for months, so its peak memory matters: a run's
 * live heap is its batch plus the store's filters (about 110-150 MB at `batch 100000`),
 * but when collecting is cheap V8 lets the heap grow to 4x the live size before the next
 * full collection (600+ MB measured). At most doubling it keeps the peak near 400 MB for
 * about 10-20% more CPU time (docs/internals.md, "The on-disk store"). The flag is read
 * at every collection, so setting it now takes effect for the run.
 */
let heapBounded = false;
function boundHeapGrowth(): void {
  if (heapBounded) return;
  heapBounded = true;
  v8.setFlagsFromString("--heap-growing-percent=100");
}
