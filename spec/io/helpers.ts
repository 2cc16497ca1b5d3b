import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Item, ReadItem } from "../../src/io/item.js";
import { writeFixtures } from "./fixtures/files.js";

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "peppa-io-"));
}

/** A temp folder holding the reader fixtures (fixtures/files.ts). */
export const FIXTURES = writeFixtures(tempDir());

export async function collect(items: AsyncIterable<ReadItem>): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every item of a reader that yields them a chunk at a time, in order. */
export async function collectChunks<T>(chunks: AsyncIterable<ReadonlyArray<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const c of chunks) out.push(...c);
  return out;
}

/** A compact view of items for assertions: "7:record" / "9:reject". */
export function shape(items: ReadonlyArray<ReadItem>): string[] {
  return items.map((i) => (i.kind === "error" ? `error` : `${i.line}:${i.kind}`));
}

export function recordsOf(items: ReadonlyArray<Item | ReadItem>): unknown[] {
  return items.flatMap((i) => (i.kind === "record" ? [i.record] : []));
}
