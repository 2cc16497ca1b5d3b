// Every lookup table's file, read whole before the first run. A missing file or
// a row that cannot be parsed is reported here; rows that do not fit the schema
// and duplicate keys are reported by prepareRunner, also before any run.
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import type { Plan, RunnerOptions } from "../index.js";
import { readTable } from "../io/index.js";

export type Tables = NonNullable<RunnerOptions["tables"]>;

/** Every table's rows, or every problem reading them. */
export async function loadTables(plan: Plan, baseDir: string): Promise<Either<string[], Tables>> {
  const tables = Object.create(null) as Record<string, Tables[string]>;
  const errors: string[] = [];
  for (const t of plan.tables) {
    const read = await readTable({ path: t.path, baseDir, format: t.format, ...(t.delimiter !== undefined ? { delimiter: t.delimiter } : {}) });
    if (isLeft(read)) {
      errors.push(`table \`${t.name}\`: ${read.left.message}`);
      continue;
    }
    for (const item of read.right.items) if (item.kind === "reject") errors.push(`table \`${t.name}\`, ${item.file}:${item.line}: ${item.reason.replace(/^line \d+: /, "")}`);
    const rows = read.right.items.flatMap((item) => (item.kind === "record" ? [{ record: item.record, where: `${item.file}:${item.line}` }] : []));
    // No `csv` flag: the reader gives an unquoted empty cell as null and a quoted "" as "".
    tables[t.name] = { rows };
  }
  return errors.length ? left(errors) : right(tables);
}
