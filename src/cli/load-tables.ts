// Every lookup table's file, read whole before the first run. A missing file or
// a row that cannot be parsed is reported here; rows that do not fit the schema
// and duplicate keys are reported by prepareRunner, also before any run.
import { readTable } from "../io/index.js";
import type { Plan } from "../plan/plan.js";
import type { RunnerOptions } from "../runtime/runner.js";

export type Tables = NonNullable<RunnerOptions["tables"]>;

export async function loadTables(plan: Plan, baseDir: string): Promise<{ ok: true; tables: Tables } | { ok: false; errors: string[] }> {
  const tables: Record<string, Tables[string]> = {};
  const errors: string[] = [];
  for (const t of plan.tables) {
    const read = await readTable({ path: t.path, baseDir, format: t.format, ...(t.delimiter !== undefined ? { delimiter: t.delimiter } : {}) });
    if (!read.ok) {
      errors.push(`table \`${t.name}\`: ${read.error.message}`);
      continue;
    }
    for (const item of read.items) if (item.kind === "reject") errors.push(`table \`${t.name}\`, ${item.file}:${item.line}: ${item.reason.replace(/^line \d+: /, "")}`);
    const rows = read.items.flatMap((item) => (item.kind === "record" ? [{ record: item.record, where: `${item.file}:${item.line}` }] : []));
    // No `csv` flag: the reader gives an unquoted empty cell as null and a quoted "" as "".
    tables[t.name] = { rows };
  }
  return errors.length ? { ok: false, errors } : { ok: true, tables };
}
