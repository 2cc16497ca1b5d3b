// What each run's sources get from files: a file source's next file (or next
// `batch N` records), resumed from the state's positions; a host source's
// `--input` file (or standard input) in the first run. Simulate sources are
// not fed: they generate their own batch.
import path from "node:path";
import type { Readable } from "node:stream";
import { isLeft, isRight, left, right, type Either } from "fp-ts/lib/Either.js";
import {
  openFileSource,
  openFileItems,
  parseJsonLine,
  readItems,
  SourcePositionCodec,
  type FileSource,
  type Format,
  type Item,
  type ReadItem,
  type SourcePosition,
} from "../io/index.js";
import type { Plan, Runner, SourceBatch, SourceStep } from "../index.js";
import { shownPath } from "./paths.js";

/** The batches of one run and where every file source stands after them. */
export interface Take {
  readonly batches: Record<string, SourceBatch>;
  readonly positions: Record<string, SourcePosition>;
  /** Every file source was exhausted before this take (nothing new was read from files). */
  readonly exhausted: boolean;
}

export interface Feeds {
  readonly hasFileSources: boolean;
  /** The next run's batches, or why a source cannot be read any further. */
  take(): Promise<Either<string, Take>>;
  close(): Promise<void>;
}

/**
 * Items (records and unparseable lines) as the runtime's batch for a source. CSV
 * needs no `csv` flag: the reader already gives an unquoted empty cell as null
 * and keeps a quoted `""` as the empty string.
 */
export function toBatch(items: ReadonlyArray<Item>): SourceBatch {
  const records: unknown[] = [];
  // A record's item is its origin (it has the file and line): no second object per record.
  const origins: { readonly file: string; readonly line: number }[] = [];
  const malformed: { file: string; line: number; reason: string; text: string }[] = [];
  let lines = false;
  for (const item of items) {
    if (item.kind === "record" || item.kind === "line") {
      // A line's text, parsed by the source step when it decodes it (SourceBatch.parse).
      records.push(item.kind === "record" ? item.record : item.text);
      origins.push(item);
      lines ||= item.kind === "line";
    } else malformed.push({ file: item.file, line: item.line, reason: item.reason, text: item.text });
  }
  // The run empties the arrays as it decodes them: a file's records are not all kept for the run.
  return { records, origins, malformed, release: true, ...(lines ? { parse: parseJsonLine } : {}) };
}

/** A host input's format, from its file name; standard input is JSON lines. */
export function inputFormat(file: string): Format {
  const ext = path.extname(file).toLowerCase();
  return ext === ".csv" ? "csv" : ext === ".json" ? "json" : "jsonl";
}

async function readAll(items: AsyncIterable<ReadItem>): Promise<Either<string, Item[]>> {
  const out: Item[] = [];
  for await (const item of items) {
    if (item.kind === "error") return left(item.error.message);
    out.push(item);
  }
  return right(out);
}

export interface FeedOptions {
  readonly plan: Plan;
  readonly runner: Runner;
  /** The stream file's folder: source paths resolve against it. */
  readonly baseDir: string;
  readonly cwd: string;
  readonly stdin: Readable;
  /** `--input SOURCE=PATH` */
  readonly inputs: Readonly<Record<string, string>>;
  /** The state's `sources` (positions from an earlier invocation). */
  readonly saved: Readonly<Record<string, unknown>>;
  readonly stateFile?: string;
}

export async function openFeeds(options: FeedOptions): Promise<Either<string[], Feeds>> {
  const { plan, runner } = options;
  const errors: string[] = [];
  const sources = plan.steps.filter((s): s is SourceStep => s.kind === "source");
  const hostBatches = Object.create(null) as Record<string, SourceBatch>;
  for (const [name, file] of Object.entries(options.inputs)) {
    const step = sources.find((s) => s.name === name);
    if (!step) {
      const names = sources.filter((s) => s.origin === "host").map((s) => s.name);
      errors.push(`--input ${name}: the stream has no source \`${name}\`${names.length ? ` (sources without \`from\`: ${names.join(", ")})` : ""}`);
      continue;
    }
    if (step.origin !== "host") {
      errors.push(`--input ${name}: source \`${name}\` ${step.origin === "file" ? "reads its own files" : "is simulated"}; --input feeds a source declared without \`from\` or \`simulate\``);
      continue;
    }
    const format = inputFormat(file);
    let read;
    if (file === "-") read = await readAll(readItems(options.stdin, "-", { format }));
    else {
      const absolute = path.resolve(options.cwd, file);
      // The reject records name the file as the user gave it; messages, as seen from the working folder.
      const opened = await openFileItems(absolute, file, { format, what: `input file of source \`${name}\``, shown: shownPath(options.cwd, absolute) });
      read = isLeft(opened) ? left(opened.left.message) : await readAll(opened.right.items);
    }
    if (isLeft(read)) errors.push(`--input ${name}: ${read.left}`);
    else hostBatches[name] = toBatch(read.right);
  }

  const files: { name: string; format: Format; source: FileSource }[] = [];
  for (const step of sources) {
    if (step.origin !== "file" || !step.file) continue;
    const saved = Object.hasOwn(options.saved, step.name) ? options.saved[step.name] : undefined;
    let resume: SourcePosition | undefined;
    if (saved !== undefined) {
      const decoded = SourcePositionCodec.decode(saved);
      if (isLeft(decoded)) {
        errors.push(`state file ${options.stateFile ?? ""} is damaged: the position of source \`${step.name}\` is not readable. Move it away to start fresh; it is never reset silently.`);
        continue;
      }
      resume = decoded.right;
    }
    let batch: number | undefined;
    if (step.file.batch) {
      const n = runner.constant(step.file.batch);
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
        errors.push(`source \`${step.name}\`: batch must be a whole number, 1 or more, got ${String(n)}`);
        continue;
      }
      batch = n;
    }
    const format = step.file.format;
    const opened = await openFileSource({
      pattern: step.file.path,
      baseDir: options.baseDir,
      format,
      ...(step.file.delimiter !== undefined ? { delimiter: step.file.delimiter } : {}),
      ...(batch !== undefined ? { batch } : {}),
      ...(resume ? { resume } : {}),
      lazyJson: true,
    });
    if (isLeft(opened)) errors.push(`source \`${step.name}\`: ${opened.left.message}`);
    else files.push({ name: step.name, format, source: opened.right.source });
  }
  const close = async (): Promise<void> => {
    for (const f of files) await f.source.close();
  };
  if (errors.length) {
    await close();
    return left(errors);
  }

  let first = true;
  const feeds: Feeds = {
    hasFileSources: files.length > 0,
    async take() {
      const batches = Object.create(null) as Record<string, SourceBatch>;
      const positions = Object.create(null) as Record<string, SourcePosition>;
      if (first) Object.assign(batches, hostBatches);
      first = false;
      let exhausted = true;
      for (const f of files) {
        // A batch with nothing in it (an empty file, or the rest of the file a
        // resumed state ended in, when it has not grown) does not use up a run.
        let next = await f.source.next();
        while (isRight(next) && next.right.batch && next.right.batch.items.length === 0) next = await f.source.next();
        if (isLeft(next)) return left(`source \`${f.name}\`: ${next.left.message}`);
        const batch = next.right.batch;
        if (batch) {
          exhausted = false;
          batches[f.name] = toBatch(batch.items);
        }
        positions[f.name] = f.source.position();
      }
      return right({ batches, positions, exhausted });
    },
    close,
  };
  return right(feeds);
}
