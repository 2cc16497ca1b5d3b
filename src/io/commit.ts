import { isLeft, right } from "fp-ts/lib/Either.js";
import { randomBytes } from "node:crypto";
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
 */

export interface CommitFile {
  readonly path: string;
  /** Appended to the file's current content (the file is created when missing). */
  readonly append?: string;
  /**
   * With `append`: only the first `keep` bytes of the current content stay (a
   * `json` sink appends before its closing bracket); the file must have them.
   */
  readonly keep?: number;
  /** The file's whole new content. */
  readonly replace?: string;
}

export interface CommitOptions {
  /** The journal file, e.g. beside the state file; its folder must be on the same file system as the targets' for the renames. */
  readonly journal: string;
  readonly files: ReadonlyArray<CommitFile>;
}

const JournalCodec = t.strict({
  format: t.literal("peppa-stream/commit"),
  version: t.literal(1),
  phase: t.union([t.literal("prepare"), t.literal("commit")]),
  renames: t.array(t.strict({ from: t.string, to: t.string })),
});
type Journal = t.TypeOf<typeof JournalCodec>;

/** A test hook: `PEPPA_COMMIT_CRASH_AFTER=STEP` kills the process right after STEP. */
function step(name: string): void {
  if (process.env["PEPPA_COMMIT_CRASH_AFTER"] === name) process.kill(process.pid, "SIGKILL");
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
  const previous = await recoverCommit(journal);
  if (isLeft(previous)) return previous;

  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const renames = targets.map((to) => ({ from: path.join(path.dirname(to), `.${path.basename(to)}.tmp-${id}`), to }));
  let current = "";
  try {
    current = "create the output folders";
    for (const dir of uniqueDirs([...targets, journal])) await fs.promises.mkdir(dir, { recursive: true });
    current = `write the journal ${displayPath(journal)}`;
    await writeDurably(journal, JSON.stringify({ format: "peppa-stream/commit", version: 1, phase: "prepare", renames } satisfies Journal));
    step("prepare");
    for (let i = 0; i < renames.length; i++) {
      const { from, to } = renames[i]!;
      const file = options.files[i]!;
      current = `write ${displayPath(to)}`;
      if (file.replace !== undefined) {
        await fs.promises.writeFile(from, file.replace);
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
        await fs.promises.appendFile(from, file.append ?? "");
      }
      await fsyncPath(from, "r+");
      step(`temp-${i}`);
    }
    for (const dir of uniqueDirs(targets)) await fsyncDir(dir);
    current = `write the journal ${displayPath(journal)}`;
    await writeDurably(journal, JSON.stringify({ format: "peppa-stream/commit", version: 1, phase: "commit", renames } satisfies Journal));
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

export type Recovery = "none" | "rolled-forward" | "rolled-back" | "discarded";

/**
 * Run at start, before reading the state file: completes or undoes a commit that a
 * killed process left behind, so the files are all-old or all-new again.
 */
export async function recoverCommit(journalPath: string): Promise<IoResult<{ recovery: Recovery }>> {
  const journal = path.resolve(journalPath);
  const shown = displayPath(journal);
  try {
    await removeIfPresent(`${journal}.tmp`); // a journal killed while being written never took effect
    let text: string;
    try {
      text = await fs.promises.readFile(journal, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return right({ recovery: "none" });
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const decoded = JournalCodec.decode(parsed);
    if (decoded._tag === "Left") {
      // Journals are written by rename, so a damaged one was never acted on.
      await removeIfPresent(journal);
      return right({ recovery: "discarded" });
    }
    const j = decoded.right;
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
export async function truncateOutputs(journal: string, paths: ReadonlyArray<string>): Promise<IoResult<{}>> {
  return commitFiles({ journal, files: paths.map((p) => ({ path: p, replace: "" })) });
}
