// Paths as the user sees them: relative to the working folder when inside it,
// absolute otherwise, always with forward slashes.
import path from "node:path";

export function shownPath(cwd: string, absolute: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join("/");
}
