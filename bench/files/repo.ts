// Where the repository is, from a bench module compiled to dist/bench/files/ or
// run from bench/files/ with tsx: the first folder above holding streams/.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, "streams", "peppa-files.stream"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("streams/peppa-files.stream not found above the bench");
    dir = up;
  }
  return dir;
}

/** Whether this module is the script node was started with (`node FILE.js`). */
export function isMain(metaUrl: string): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  const self = fileURLToPath(metaUrl);
  const strip = (p: string): string => p.replace(/\.(ts|js)$/, "");
  return strip(path.resolve(started)) === strip(self);
}
