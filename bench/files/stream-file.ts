// The stream the bench runs: streams/peppa-files.stream itself, with its two
// source globs pointing at the generated files and, for the state bench, a
// `batch N` on each source. Replacing text (rather than keeping a second copy of
// the stream) keeps the bench on the example users read; a change there that
// moves these paths fails here loudly instead of benchmarking something else.
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./repo.js";

const SOURCES = [
  { name: "core", from: '"data/peppa-files/core/*.jsonl"', to: "core/*.jsonl" },
  { name: "cpq", from: '"data/peppa-files/cpq/*.csv"', to: "cpq/*.csv" },
] as const;
const TABLES = ["crm_accounts", "core_tenants", "cpq_accounts", "funnel_events"] as const;

/** The stream's text for data in dataDir, written as FILE; returns FILE. */
/** `batch`: one `batch N` for both sources, or one per source. */
export function writeStreamFile(file: string, dataDir: string, options: { batch?: number | { readonly core: number; readonly cpq: number } } = {}): string {
  let text = fs.readFileSync(path.join(repoRoot(), "streams", "peppa-files.stream"), "utf8");
  const rel = (p: string): string => JSON.stringify(path.relative(path.dirname(file), path.join(dataDir, p)).split(path.sep).join("/"));
  const replaceOnce = (from: string, to: string): void => {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`streams/peppa-files.stream no longer reads ${from} exactly once; update bench/files/stream-file.ts`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  };
  const batchOf = (source: "core" | "cpq"): number | undefined => (typeof options.batch === "object" ? options.batch[source] : options.batch);
  for (const s of SOURCES) replaceOnce(s.from, rel(s.to) + (batchOf(s.name) !== undefined ? ` batch ${batchOf(s.name)}` : ""));
  for (const t of TABLES) replaceOnce(`"data/${t}.csv"`, rel(`${t}.csv`));
  fs.writeFileSync(file, text);
  return file;
}
