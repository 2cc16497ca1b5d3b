// docs/language.md's table of functions, generated from the registry: each
// built-in's group, text and first example. `spec/values/function-examples.spec.ts`
// fails when the page differs (UPDATE=1 rewrites it), so the two cannot drift.
import type { BuiltinDef, FunctionGroup } from "../src/values/functions/registry.js";

export const TABLE_START = "<!-- functions: generated from src/values/functions by spec/values/function-examples.spec.ts (UPDATE=1 rewrites it) -->";
export const TABLE_END = "<!-- end of functions -->";

const GROUP_TITLES: Readonly<Record<FunctionGroup, string>> = {
  text: "text",
  numbers: "numbers",
  conversion: "conversion",
  time: "time",
  other: "other",
  simulate: "only in `simulate` sources",
  aggregate: "only in `aggregate` fields",
};

const code = (s: string): string => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``).replace(/\|/g, "\\|");

function exampleText(def: BuiltinDef): string {
  const e = def.examples[0];
  if (!e) return "";
  return `${code(e.call)}${e.over ? ` over ${code(e.over)}` : ""} → ${code(e.result)}`;
}

/** The table, as markdown lines: consecutive functions of one group with one text share a row. */
export function functionTable(defs: Iterable<BuiltinDef>): string {
  const rows: string[] = ["| function | signature | example |", "|---|---|---|"];
  let group: FunctionGroup | undefined;
  let row: BuiltinDef[] = [];
  const flush = () => {
    if (!row.length) return;
    // Examples of the row's functions while the cell stays readable (every example runs in the spec).
    let examples = exampleText(row[0]!);
    for (const d of row.slice(1)) {
      const more = `${examples}; ${exampleText(d)}`;
      if (more.length > 140) break;
      examples = more;
    }
    rows.push(`| ${row.map((d) => `\`${d.name}\``).join(" ")} | ${row[0]!.doc} | ${examples} |`);
    row = [];
  };
  for (const def of defs) {
    if (def.group !== group) {
      flush();
      group = def.group;
      rows.push(`| ${GROUP_TITLES[group]} | | |`);
    } else if (row.length && row[0]!.doc !== def.doc) flush();
    row.push(def);
  }
  flush();
  return rows.join("\n");
}

/** `page` with the text between the markers replaced by `table`, or undefined when the markers are missing. */
export function withTable(page: string, table: string): string | undefined {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return `${page.slice(0, start + TABLE_START.length)}\n${table}\n${page.slice(end)}`;
}
