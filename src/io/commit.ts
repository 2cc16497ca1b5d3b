import { isLeft, right } from "fp-ts/lib/Either.js";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as t from "io-ts";
import { displayPath } from "./display-path.js";
import { describeError, failure, type IoResult } from "./item.js";

/**
 * Commits a run's outputs and its state file together: a process killed at any
 * moment leaves either every file as before or every file as after, never a half-
 * written file nor a mix.
 *
 * 1. journal "prepare" (lists the temp files), written atomically: temp + fsync + rename
 * 2. each target's full new content into `.NAME.tmp-ID` beside it (copy + append), fsync
 * 3. journal "commit" (same list), atomically; from here on the commit rolls forward
 * 4. rename every temp over its target, fsync the folders
 * 5. delete the journal
 * `recoverCommit` finishes step 4 after a "commit" journal, and undoes steps 1-2
 * after a "prepare" journal (deletes the temps): either way the journal is gone after.
 *
 * A journal names files to rename and delete, so recovery believes it only when its
 * checksum holds, it names this stream, and every file it names is one of the targets the
 * caller commits to (its outputs and state file) or such a target's temp beside it. Anything
 * else is refused untouched: a journal is written by rename, so a damaged or foreign one was
 * never written by a commit of this stream.
 */

/**
 * What a commit writes to a file: one string, or its pieces in order (a sink's text
 * chunk by chunk, never joined: a joined copy of a large output doubles the memory
 * the run needs at its peak).
 */
export type FileText = string | ReadonlyArray<string>;

export interface CommitFile {
  readonly path: string;
  /** Appended to the file's current content (the file is created when missing). */
  readonly append?: FileText;
  /**
   * With `append`: only the first `keep` bytes of the current content stay (a
   * `json` sink appends before its closing bracket); the file must have them.
   */
  readonly keep?: number;
  /** The file's whole new content. */
  readonly replace?: FileText;
}

/** Writes `text` at `position` (null: at the file's end), a piece at a time; the bytes written. */
async function writeText(handle: fs.promises.FileHandle, text: FileText, position: number | null): Promise<number> {
  let written = 0;
  for (const piece of typeof text === "string" ? [text] : text) {
    const bytes = Buffer.from(piece, "utf8");
    for (let off = 0; off < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, off, bytes.length - off, position === null ? null : position + written);
      off += bytesWritten;
      written += bytesWritten;
    }
  }
  return written;
}

/** Writes `text` to `file`, replacing it (flags "w") or after its end ("a"). */
async function writeFileText(file: string, text: FileText, flags: "w" | "a"): Promise<void> {
  const handle = await fs.promises.open(file, flags);
  try {
    await writeText(handle, text, null);
  } finally {
    await handle.close();
  }
}

export interface CommitOptions {
  /** The journal file, e.g. beside the state file; its folder must be on the same file system as the targets' for the renames. */
  readonly journal: string;
  /** The stream's name, recorded in the journal and checked by recovery. */
  readonly stream: string;
  readonly files: ReadonlyArray<CommitFile>;
}

/** What a recovery may act on: a journal of this stream, naming only these files (and their temps). */
export interface RecoveryGuard {
  readonly stream: string;
  readonly targets: ReadonlyArray<string>;
  /**
   * The run the state store has committed, for a journal of appends (commitAppends);
   * absent where the invocation has no store.
   */
  readonly storeRun?: () => IoResult<number> | Promise<IoResult<number>>;
}

const JOURNAL_FORMAT = "peppa-stream/commit";
const JOURNAL_VERSION = 2;

const JournalCodec = t.strict({
  format: t.literal(JOURNAL_FORMAT),
  version: t.literal(JOURNAL_VERSION),
  stream: t.string,
  phase: t.union([t.literal("prepare"), t.literal("commit")]),
  renames: t.array(t.strict({ from: t.string, to: t.string })),
  /** Hex SHA-256 of the JSON array [format, version, stream, phase, renames]. */
  checksum: t.string,
});
type Journal = t.TypeOf<typeof JournalCodec>;
type Rename = { readonly from: string; readonly to: string };

const checksumOf = (j: Omit<Journal, "checksum">): string =>
  createHash("sha256").update(JSON.stringify([j.format, j.version, j.stream, j.phase, j.renames]), "utf8").digest("hex");

function journalText(stream: string, phase: Journal["phase"], renames: ReadonlyArray<Rename>): string {
  const body = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, stream, phase, renames: renames.map((r) => ({ from: r.from, to: r.to })) } as const;
  return JSON.stringify({ ...body, checksum: checksumOf(body) } satisfies Journal);
}

/** The temp file a commit writes beside `to`; `id` is the process id and 8 hex digits. */
const tempOf = (to: string, id: string): string => path.join(path.dirname(to), `.${path.basename(to)}.tmp-${id}`);
const TEMP_ID = /^\.(.+)\.tmp-(\d+-[0-9a-f]{8})$/;

/** Why recovery must not believe `j`, or undefined when it may act on it. */
function distrust(j: Journal, guard: RecoveryGuard): string | undefined {
  if (checksumOf(j) !== j.checksum) return "its checksum does not match its content";
  if (j.stream !== guard.stream) return `it belongs to stream \`${j.stream}\`, not \`${guard.stream}\``;
  const targets = new Set(guard.targets.map((p) => path.resolve(p)));
  for (const r of j.renames) {
    const to = path.resolve(r.to);
    if (!path.isAbsolute(r.to) || to !== r.to || !targets.has(to)) return `it names ${displayPath(to)}, which this stream does not write`;
    const m = TEMP_ID.exec(path.basename(r.from));
    if (!m || m[1] !== path.basename(to) || tempOf(to, m[2]!) !== r.from) return `it names ${displayPath(path.resolve(r.from))}, which is not a temp file of ${displayPath(to)}`;
  }
  return undefined;
}

/**
 * A test hook: `PEPPA_COMMIT_CRASH_AFTER=STEP` kills the process right after STEP, and
 * `STEP@N` after the N-th time this process reaches it (the commit of run N, say).
 */
const reached = new Map<string, number>();
function step(name: string): void {
  const hook = process.env["PEPPA_COMMIT_CRASH_AFTER"];
  if (hook === undefined) return;
  const times = (reached.get(name) ?? 0) + 1;
  reached.set(name, times);
  if (hook === name || hook === `${name}@${times}`) process.kill(process.pid, "SIGKILL");
}

async function fsyncPath(p: string, flags: string): Promise<void> {
  const handle = await fs.promises.open(p, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directory fsync makes renames durable; some platforms refuse it, which is then all we can do. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    await fsyncPath(dir, "r");
  } catch {
    // not supported here
  }
}

async function writeDurably(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await fs.promises.writeFile(tmp, content);
  await fsyncPath(tmp, "r+");
  await fs.promises.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

async function removeIfPresent(p: string): Promise<void> {
  await fs.promises.rm(p, { force: true });
}

function uniqueDirs(paths: ReadonlyArray<string>): string[] {
  return [...new Set(paths.map((p) => path.dirname(p)))];
}

export async function commitFiles(options: CommitOptions): Promise<IoResult<{}>> {
  const journal = path.resolve(options.journal);
  const targets = options.files.map((f) => path.resolve(f.path));
  if (new Set(targets).size !== targets.length) return failure("commit lists the same file twice");
  for (const f of options.files) {
    if ((f.append === undefined) === (f.replace === undefined)) {
      return failure(`commit of ${displayPath(path.resolve(f.path))}: give exactly one of append or replace`);
    }
  }
  const previous = await recoverCommit(journal, { stream: options.stream, targets });
  if (isLeft(previous)) return previous;

  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const renames = targets.map((to) => ({ from: tempOf(to, id), to }));
  let current = "";
  try {
    current = "create the output folders";
    for (const dir of uniqueDirs([...targets, journal])) await fs.promises.mkdir(dir, { recursive: true });
    current = `write the journal ${displayPath(journal)}`;
    await writeDurably(journal, journalText(options.stream, "prepare", renames));
    step("prepare");
    for (let i = 0; i < renames.length; i++) {
      const { from, to } = renames[i]!;
      const file = options.files[i]!;
      current = `write ${displayPath(to)}`;
      if (file.replace !== undefined) {
        await writeFileText(from, file.replace, "w");
      } else {
        try {
          await fs.promises.copyFile(to, from);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
          await fs.promises.writeFile(from, "");
        }
        step(`copy-${i}`);
        if (file.keep !== undefined) {
          const size = (await fs.promises.stat(from)).size;
          if (size < file.keep) throw new Error(`it has ${size} bytes, fewer than the ${file.keep} this invocation wrote (was it changed meanwhile?)`);
          await fs.promises.truncate(from, file.keep);
        }
        await writeFileText(from, file.append ?? "", "a");
      }
      await fsyncPath(from, "r+");
      step(`temp-${i}`);
    }
    for (const dir of uniqueDirs(targets)) await fsyncDir(dir);
    current = `write the journal ${displayPath(journal)}`;
    await writeDurably(journal, journalText(options.stream, "commit", renames));
    step("commit");
  } catch (e) {
    // Nothing is committed yet: undo what was written.
    await Promise.all(renames.map((r) => removeIfPresent(r.from).catch(() => undefined)));
    await removeIfPresent(journal).catch(() => undefined);
    return failure(`cannot ${current}: ${describeError(e)}; the outputs and state are unchanged`);
  }
  return rollForward(journal, renames);
}

async function rollForward(journal: string, renames: ReadonlyArray<{ from: string; to: string }>): Promise<IoResult<{}>> {
  try {
    for (let i = 0; i < renames.length; i++) {
      const { from, to } = renames[i]!;
      try {
        await fs.promises.rename(from, to);
      } catch (e) {
        // Already renamed by an earlier, interrupted attempt.
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      step(`rename-${i}`);
    }
    for (const dir of uniqueDirs(renames.map((r) => r.to))) await fsyncDir(dir);
    step("renamed");
    await removeIfPresent(journal);
    await fsyncDir(path.dirname(journal));
    step("done");
  } catch (e) {
    return failure(
      `cannot finish committing the outputs: ${describeError(e)}. The journal ${displayPath(journal)} is kept; ` +
        `the next start completes the commit.`,
    );
  }
  return right({});
}

export type Recovery = "none" | "rolled-forward" | "rolled-back";

/**
 * Run at start, before reading the state file: completes or undoes a commit that a
 * killed process left behind, so the files are all-old or all-new again. A journal it
 * cannot trust (see the top of this file) is a failure naming it, and nothing is touched.
 */
export async function recoverCommit(journalPath: string, guard: RecoveryGuard): Promise<IoResult<{ recovery: Recovery }>> {
  const journal = path.resolve(journalPath);
  const shown = displayPath(journal);
  try {
    let text: string;
    try {
      text = await fs.promises.readFile(journal, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      await removeIfPresent(`${journal}.tmp`); // a journal killed while being written never took effect
      return right({ recovery: "none" as const });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === "object" && parsed !== null && (parsed as { version?: unknown }).version === APPEND_VERSION) {
      return await recoverAppends(journal, parsed, guard);
    }
    const decoded = JournalCodec.decode(parsed);
    const why = decoded._tag === "Left" ? `it is not a version ${JOURNAL_VERSION} commit journal` : distrust(decoded.right, guard);
    if (why !== undefined || decoded._tag === "Left") {
      return failure(
        `the commit journal ${shown} cannot be trusted: ${why}. Nothing was changed. ` +
          `If no other run of this stream is in progress and the outputs look right, remove the journal and run again.`,
        shown,
      );
    }
    const j = decoded.right;
    await removeIfPresent(`${journal}.tmp`);
    if (j.phase === "prepare") {
      for (const r of j.renames) await removeIfPresent(r.from);
      await removeIfPresent(journal);
      await fsyncDir(path.dirname(journal));
      return right({ recovery: "rolled-back" });
    }
    const done = await rollForward(journal, j.renames);
    if (isLeft(done)) return done;
    return right({ recovery: "rolled-forward" });
  } catch (e) {
    return failure(`cannot recover the interrupted commit in ${shown}: ${describeError(e)}`, shown);
  }
}

/** Empties the given files atomically (an invocation without state starts its outputs fresh). */
export async function truncateOutputs(journal: string, stream: string, paths: ReadonlyArray<string>): Promise<IoResult<{}>> {
  return commitFiles({ journal, stream, files: paths.map((p) => ({ path: p, replace: "" })) });
}

/*
 * Appending commits (`--state` with a store): outputs grow by the run's records
 * in place, never copied, and the state store's transaction is the commit point.
 * Without a store (the runs after the first of an invocation without `--state`)
 * the journal's phase is "append-journal", step 3 is left out and the journal's
 * removal in step 4 is the commit point: recovery always truncates back.
 *
 * 1. journal "append" (written atomically): every output's length before the run
 *    (the bytes after `keep`, for a `json` sink whose closing bracket is rewritten),
 *    and the run number the store will hold once the run is committed
 * 2. each output: truncate to `keep` when given, append the run's text, fsync
 * 3. the store commits the run (one SQLite transaction): from here on the run is in
 * 4. delete the journal
 * `recoverCommit`, given the store's committed run, deletes a journal whose run the
 * store holds (the run is in), and otherwise truncates every output back to its
 * recorded length (restoring the bytes after `keep`), removes the outputs the run
 * created, then deletes the journal: the files are as they were before the run.
 */

const APPEND_VERSION = 3;

const AppendJournalCodec = t.strict({
  format: t.literal(JOURNAL_FORMAT),
  version: t.literal(APPEND_VERSION),
  stream: t.string,
  /** "append": the store's transaction is the commit point; "append-journal": the journal's removal is. */
  phase: t.union([t.literal("append"), t.literal("append-journal")]),
  run: t.number,
  files: t.array(t.strict({ path: t.string, size: t.union([t.number, t.null]), keep: t.number, tail: t.string })),
  checksum: t.string,
});
type AppendJournal = t.TypeOf<typeof AppendJournalCodec>;
type Before = AppendJournal["files"][number];

const appendChecksum = (j: Omit<AppendJournal, "checksum">): string =>
  createHash("sha256").update(JSON.stringify([j.format, j.version, j.stream, j.phase, j.run, j.files]), "utf8").digest("hex");

export interface AppendCommitOptions {
  readonly journal: string;
  readonly stream: string;
  /** Each with `append` (and `keep` for a `json` sink); a missing file is created. */
  readonly files: ReadonlyArray<CommitFile>;
  /** The run the store holds once `commitStore` has returned (without a store, the invocation's run). */
  readonly run: number;
  /**
   * The store's transaction: the commit point. Throws when it cannot commit (nothing is then
   * committed). Without one (an invocation without `--state`) the journal's removal is the commit point.
   */
  readonly commitStore?: () => void;
}

/** Reads a file's length and its bytes from `keep` on; size null when it does not exist. */
async function before(file: string, keep: number | undefined): Promise<Before> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    if (keep !== undefined && keep > 0) throw new Error(`it is gone, but this invocation wrote ${keep} bytes to it (was it changed meanwhile?)`);
    return { path: file, size: null, keep: 0, tail: "" };
  }
  try {
    const { size } = await handle.stat();
    const from = keep ?? size;
    if (size < from) throw new Error(`it has ${size} bytes, fewer than the ${from} this invocation wrote (was it changed meanwhile?)`);
    const tail = Buffer.alloc(size - from);
    if (tail.length) await handle.read(tail, 0, tail.length, from);
    return { path: file, size, keep: from, tail: tail.toString("base64") };
  } finally {
    await handle.close();
  }
}

/** Puts a file back as the journal recorded it. */
async function restore(b: Before): Promise<void> {
  if (b.size === null) return removeIfPresent(b.path);
  const handle = await fs.promises.open(b.path, "r+");
  try {
    const tail = Buffer.from(b.tail, "base64");
    await handle.truncate(b.keep);
    if (tail.length) await handle.write(tail, 0, tail.length, b.keep);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function commitAppends(options: AppendCommitOptions): Promise<IoResult<{}>> {
  const journal = path.resolve(options.journal);
  const targets = options.files.map((f) => path.resolve(f.path));
  if (new Set(targets).size !== targets.length) return failure("commit lists the same file twice");
  for (const f of options.files) {
    if (f.append === undefined || f.replace !== undefined) return failure(`commit of ${displayPath(path.resolve(f.path))}: an appending commit only appends`);
  }
  const files: Before[] = [];
  const written: Before[] = [];
  let current = "";
  try {
    current = "create the output folders";
    for (const dir of uniqueDirs([...targets, journal])) await fs.promises.mkdir(dir, { recursive: true });
    for (let i = 0; i < targets.length; i++) {
      current = `read ${displayPath(targets[i]!)}`;
      files.push(await before(targets[i]!, options.files[i]!.keep));
    }
    const phase = options.commitStore ? "append" : "append-journal";
    const body = { format: JOURNAL_FORMAT, version: APPEND_VERSION, stream: options.stream, phase, run: options.run, files } as const;
    current = `write the journal ${displayPath(journal)}`;
    await writeDurably(journal, JSON.stringify({ ...body, checksum: appendChecksum(body) } satisfies AppendJournal));
    step("prepare");
    // The outputs are written side by side, so their fsyncs overlap: the journal already holds every
    // length to truncate back to. Each write reports its failure rather than throwing, so all have ended before anything is undone.
    const writes = await Promise.all(
      files.map(async (b, i): Promise<{ readonly what: string; readonly e: unknown } | undefined> => {
        try {
          const handle = await fs.promises.open(b.path, b.size === null ? "w" : "r+");
          // Opened: from here the file may change, so an undo puts it back (one that never opened is as it was).
          written.push(b);
          try {
            if (b.size !== null && b.keep !== b.size) await handle.truncate(b.keep);
            await writeText(handle, options.files[i]!.append!, b.keep);
            await handle.sync();
          } finally {
            await handle.close();
          }
        } catch (e) {
          return { what: `write ${displayPath(b.path)}`, e };
        }
        step(`temp-${i}`);
        return undefined;
      }),
    );
    const failed = writes.find((w) => w !== undefined);
    if (failed) {
      current = failed.what;
      throw failed.e;
    }
    for (const dir of uniqueDirs(targets)) await fsyncDir(dir);
    if (options.commitStore) {
      current = "commit the state";
      options.commitStore();
    }
    step("commit");
    if (!options.commitStore) {
      // No store: the run is in once its journal is gone, so a journal that stays is a run undone.
      current = `remove the journal ${displayPath(journal)}`;
      await fs.promises.rm(journal);
    }
  } catch (e) {
    // The store has not committed the run: put every file back as it was.
    try {
      for (const b of written) await restore(b);
      await removeIfPresent(journal);
    } catch (undo) {
      return failure(
        `cannot ${current}: ${describeError(e)}, and cannot undo the appends (${describeError(undo)}). The journal ${displayPath(journal)} is kept; the next start undoes them.`,
      );
    }
    return failure(`cannot ${current}: ${describeError(e)}; the outputs and state are unchanged`);
  }
  try {
    await removeIfPresent(journal);
    await fsyncDir(path.dirname(journal));
    step("done");
  } catch (e) {
    return failure(`the run is committed, but the journal ${displayPath(journal)} cannot be removed: ${describeError(e)}; the next start removes it`);
  }
  return right({});
}

async function recoverAppends(journal: string, parsed: unknown, guard: RecoveryGuard): Promise<IoResult<{ recovery: Recovery }>> {
  const shown = displayPath(journal);
  const decoded = AppendJournalCodec.decode(parsed);
  const targets = new Set(guard.targets.map((p) => path.resolve(p)));
  let why: string | undefined;
  if (decoded._tag === "Left") why = `it is not a version ${APPEND_VERSION} commit journal`;
  else {
    const j = decoded.right;
    if (appendChecksum(j) !== j.checksum) why = "its checksum does not match its content";
    else if (j.stream !== guard.stream) why = `it belongs to stream \`${j.stream}\`, not \`${guard.stream}\``;
    else {
      const bad = j.files.find((f) => !path.isAbsolute(f.path) || path.resolve(f.path) !== f.path || !targets.has(f.path));
      if (bad) why = `it names ${displayPath(path.resolve(bad.path))}, which this stream does not write`;
      else if (j.phase === "append" && !guard.storeRun) why = "it was left by a run with a state store, so only a run with the same --state can finish it";
    }
  }
  if (why !== undefined || decoded._tag === "Left") {
    return failure(
      `the commit journal ${shown} cannot be trusted: ${why}. Nothing was changed. ` +
        `If no other run of this stream is in progress and the outputs look right, remove the journal and run again.`,
      shown,
    );
  }
  const j = decoded.right;
  // Without a store the journal's removal was the commit point: a journal left means the run is not in.
  const committed = j.phase === "append" ? await guard.storeRun!() : right(-1);
  if (isLeft(committed)) return committed;
  if (committed.right >= j.run) {
    await removeIfPresent(journal);
    await fsyncDir(path.dirname(journal));
    return right({ recovery: "rolled-forward" });
  }
  for (const f of j.files) await restore(f);
  await removeIfPresent(journal);
  await fsyncDir(path.dirname(journal));
  return right({ recovery: "rolled-back" });
}
