// `cluster ingest`: publishes the records of the stream's file sources (or the
// files given with --input) into the partitions of stage 0. A message's id is
// its source, the digest of its file's bytes and its line, so publishing the
// same file again (after a crashed ingest, or under another name) adds nothing
// inside the log's duplicate window; a file ingested to its end is also noted in
// the store, so it is skipped for good after the window.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import { isLeft } from "fp-ts/lib/Either.js";
import { openFileItems, resolvedItem } from "../io/index.js";
import type { SourceStep } from "../index.js";
import { bytes, partitionOf, stageTopic, type ClusterJob } from "./job.js";
import { ClusterRefusal } from "./meta.js";
import { encodeMessage } from "./partition.js";
import type { KeyValue, OutgoingMessage, Transport } from "./transport.js";

/** Messages sent before waiting for their acknowledgements. */
const WINDOW = 2000;

export interface IngestFile {
  readonly source: SourceStep;
  readonly absolute: string;
  /** The file as rejects name it: relative to the stream's folder, with `/`. */
  readonly name: string;
  readonly display: string;
}

export interface IngestReport {
  readonly files: number;
  readonly skipped: number;
  readonly messages: number;
  readonly duplicates: number;
}

/** The files to ingest: each file source's glob, or for the sources named by --input, the files given. */
export async function ingestFiles(job: ClusterJob, inputs: ReadonlyArray<readonly [string, string]>, cwd: string, shown: (abs: string) => string): Promise<IngestFile[]> {
  const sources = job.plan.steps.filter((s): s is SourceStep => s.kind === "source");
  const files: IngestFile[] = [];
  const given = new Map<string, string[]>();
  for (const [name, file] of inputs) {
    const source = sources.find((s) => s.name === name);
    if (!source) throw new ClusterRefusal(`--input ${name}=${file}: the stream has no source \`${name}\` (sources: ${sources.map((s) => s.name).join(", ")})`, 2);
    if (source.origin === "simulate") throw new ClusterRefusal(`--input ${name}=${file}: source \`${name}\` is a simulate source, which makes its own records`, 2);
    (given.get(name) ?? given.set(name, []).get(name)!).push(path.resolve(cwd, file));
  }
  const named = (source: SourceStep, abs: string): IngestFile => ({ source, absolute: abs, name: path.relative(job.streamDir, abs).split(path.sep).join("/"), display: shown(abs) });
  for (const source of sources) {
    const list = given.get(source.name);
    if (list) {
      files.push(...list.map((abs) => named(source, abs)));
      continue;
    }
    if (inputs.length > 0 || !source.file) continue;
    const pattern = source.file.path;
    const names = fg.isDynamicPattern(pattern) ? (await fg(pattern, { cwd: job.streamDir, onlyFiles: true, followSymbolicLinks: true })).sort() : [pattern];
    if (names.length === 0) throw new ClusterRefusal(`no file matches the source pattern ${shown(path.resolve(job.streamDir, pattern))} of source \`${source.name}\``, 2);
    files.push(...names.map((n) => named(source, path.resolve(job.streamDir, n))));
  }
  return files;
}

async function digest(file: IngestFile): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of fs.createReadStream(file.absolute)) hash.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ClusterRefusal(code === "ENOENT" ? `source file not found: ${file.display}` : `cannot read source file ${file.display}: ${(e as Error).message}`, 2);
  }
  return hash.digest("hex").slice(0, 32);
}

export async function ingest(transport: Transport, kv: KeyValue, job: ClusterJob, partitions: number, files: ReadonlyArray<IngestFile>, log: (line: string) => void): Promise<IngestReport> {
  const topic = stageTopic(0);
  let skipped = 0;
  let messages = 0;
  let duplicates = 0;
  for (const file of files) {
    const hash = await digest(file);
    const doneKey = `ingested.${file.source.name}.${hash}`;
    if (await kv.get(doneKey)) {
      skipped++;
      log(`${file.display}: already ingested, skipped`);
      continue;
    }
    const format = file.source.file?.format ?? (file.name.endsWith(".csv") ? "csv" : file.name.endsWith(".json") ? "json" : "jsonl");
    const delimiter = file.source.file?.delimiter;
    const opened = await openFileItems(file.absolute, file.name, { format, what: "source file", shown: file.display, ...(delimiter !== undefined ? { delimiter } : {}) });
    if (isLeft(opened)) throw new ClusterRefusal(opened.left.message, 2);
    const pending = new Map<number, OutgoingMessage[]>();
    let queued = 0;
    let sent = 0;
    const flush = async () => {
      const parts = [...pending.entries()];
      pending.clear();
      queued = 0;
      const acks = await Promise.all(parts.map(([p, list]) => transport.log.append(topic, p, list)));
      for (const a of acks) duplicates += a.duplicates;
    };
    for await (const read of opened.right.items) {
      if (read.kind === "error") throw new ClusterRefusal(read.error.message, 2);
      const item = resolvedItem(read);
      const id = `${file.source.name}:${hash}:${item.line}`;
      const msg =
        item.kind === "record"
          ? encodeMessage({ s: file.source.name, f: item.file, l: item.line, r: item.record })
          : encodeMessage({ s: file.source.name, f: item.file, l: item.line, m: item.reason, t: item.text });
      const p = partitionOf(id, partitions);
      (pending.get(p) ?? pending.set(p, []).get(p)!).push({ id, data: msg });
      sent++;
      if (++queued >= WINDOW) await flush();
    }
    await flush();
    messages += sent;
    await kv.put(doneKey, bytes({ file: file.name, messages: sent }));
    log(`${file.display}: ${sent} records`);
  }
  return { files: files.length, skipped, messages, duplicates };
}
