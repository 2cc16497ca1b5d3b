// Paths as the user sees them: relative to the working folder when inside it,
// absolute otherwise, always with forward slashes.
import { readFile } from "node:fs/promises";
import path from "node:path";

export function shownPath(cwd: string, absolute: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join("/");
}

/** A text file's content, or a message saying in plain words why it cannot be read. */
export async function readText(absolute: string, display: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await readFile(absolute, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder, not a file" : code === "EACCES" ? "permission denied" : error instanceof Error ? error.message : String(error);
    return { ok: false, message: `cannot read ${display}: ${why}` };
  }
}
