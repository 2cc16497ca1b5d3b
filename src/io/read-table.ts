import { isLeft, left, right } from "fp-ts/lib/Either.js";
import path from "node:path";
import { displayPath } from "./display-path.js";
import type { Format, IoResult, Item } from "./item.js";
import { openFileChunks } from "./read-items.js";

export interface TableOptions {
  /** The table's path, relative to baseDir unless absolute. */
  readonly path: string;
  readonly baseDir: string;
  readonly format: Format;
  readonly delimiter?: string;
}

/** A lookup table's whole file (tables are small). Key checks happen elsewhere. */
export async function readTable(options: TableOptions): Promise<IoResult<{ items: Item[] }>> {
  const absolute = path.resolve(options.baseDir, options.path);
  const file = displayPath(absolute);
  const opened = await openFileChunks(absolute, file, {
    format: options.format,
    what: "table file",
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
  });
  if (isLeft(opened)) return opened;
  const items: Item[] = [];
  try {
    // A piece of the file at a time: one await per piece, not per row of a table of a million.
    for await (const chunk of opened.right.chunks) {
      for (const item of chunk.items) {
        if (item.kind === "error") return left(item.error);
        items.push(item);
      }
    }
  } finally {
    await opened.right.close();
  }
  return right({ items });
}
