import path from "node:path";

/**
 * How a file is named in items and messages: relative to the working directory
 * when it lies inside it (`streams/data/crm_accounts.csv`), absolute otherwise,
 * always with forward slashes.
 */
export function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join("/");
}
