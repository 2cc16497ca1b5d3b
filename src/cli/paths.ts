// Paths as the user sees them: relative to the working folder when inside it,
// absolute otherwise, always with forward slashes.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { describeError } from "../io/item.js";

export function shownPath(cwd: string, absolute: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join("/");
}

/** A UTF-8 byte order mark, which some Windows editors put before the text; not part of it. */
const BOM = "\uFEFF";
export const withoutBom = (text: string): string => (text.startsWith(BOM) ? text.slice(1) : text);

/** A text file's content (without a leading byte order mark), or a message saying in plain words why it cannot be read. */
export async function readText(absolute: string, display: string): Promise<Either<string, string>> {
  try {
    return right(withoutBom(await readFile(absolute, "utf8")));
  } catch (error) {
    return left(`cannot read ${display}: ${describeError(error)}`);
  }
}
