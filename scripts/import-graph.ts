// The import graph between the folders of src/ (and grammar/): which layer
// imports which. `npx tsx scripts/import-graph.ts` prints it as text,
// `--mermaid` as a mermaid flowchart. spec/import-graph.spec.ts checks it
// against the allowed directions (LAYERS below, explained in docs/internals.md).
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/** A folder ("layer") of the code: `check`, `grammar`, `index` (src/index.ts). */
export type Layer = string;

/** One import from a file of one layer to a file of another. */
export interface Edge {
  readonly from: Layer;
  readonly to: Layer;
  /** The importing file and the imported one, relative to the repository. */
  readonly file: string;
  readonly target: string;
}

/**
 * The intended layering, bottom first: a layer may import itself and any layer
 * listed before it, and nothing after it. Layers on one line are peers that
 * must not import each other. Written once; the spec and docs/internals.md use it.
 */
export const LAYERS: ReadonlyArray<ReadonlyArray<Layer>> = [
  ["model"],
  ["diagnostics", "io"],
  ["values", "grammar"],
  ["syntax"],
  ["check"],
  ["plan"],
  ["runtime", "graph"],
  ["testing", "report"],
  ["index"],
  ["lsp"],
  ["cli"],
];

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** The layer of a repository-relative path, or undefined outside src/ and grammar/. */
export function layerOf(rel: string): Layer | undefined {
  const parts = rel.split(/[\\/]/);
  if (parts[0] === "grammar") return "grammar";
  if (parts[0] !== "src" || parts.length < 2) return undefined;
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, "") : parts[1];
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Relative module specifiers of a file: imports, re-exports, dynamic imports and `import("…")` types. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const sf = ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, false);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) out.push(node.argument.literal.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith("."));
}

/** Every import between two different layers of the repository at `root`. */
export function importEdges(root: string = ROOT): Edge[] {
  const edges: Edge[] = [];
  for (const dir of ["src", "grammar"]) {
    for (const abs of tsFiles(path.join(root, dir))) {
      const file = path.relative(root, abs);
      const from = layerOf(file)!;
      for (const spec of specifiers(fs.readFileSync(abs, "utf8"))) {
        const target = path.relative(root, path.resolve(path.dirname(abs), spec)).replace(/\.js$/, ".ts");
        const to = layerOf(target);
        if (to !== undefined && to !== from) edges.push({ from, to, file, target });
      }
    }
  }
  return edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.file.localeCompare(b.file));
}

/** Folder-to-folder edges with how many imports each stands for. */
export function folderGraph(edges: ReadonlyArray<Edge>): Map<Layer, Map<Layer, number>> {
  const graph = new Map<Layer, Map<Layer, number>>();
  for (const e of edges) {
    const to = graph.get(e.from) ?? new Map<Layer, number>();
    to.set(e.to, (to.get(e.to) ?? 0) + 1);
    graph.set(e.from, to);
  }
  return graph;
}

/** The imports that go against LAYERS (upward or between peers), or from/to a layer it does not list. */
export function upwardImports(edges: ReadonlyArray<Edge>, layers: ReadonlyArray<ReadonlyArray<Layer>> = LAYERS): Edge[] {
  const rank = new Map<Layer, number>();
  layers.forEach((row, i) => row.forEach((l) => rank.set(l, i)));
  return edges.filter((e) => {
    const from = rank.get(e.from);
    const to = rank.get(e.to);
    return from === undefined || to === undefined || to >= from;
  });
}

/** `from -> to, to` per layer, top layer first; with `counts`, how many imports each edge stands for. */
export function printText(edges: ReadonlyArray<Edge>, options: { readonly counts?: boolean; readonly layers?: ReadonlyArray<ReadonlyArray<Layer>> } = {}): string {
  const graph = folderGraph(edges);
  const order = [...(options.layers ?? LAYERS)].reverse().flat();
  for (const l of graph.keys()) if (!order.includes(l)) order.push(l);
  const lines: string[] = [];
  for (const from of order) {
    const to = graph.get(from);
    const targets = to ? [...to].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([t, n]) => (options.counts ? `${t} (${n})` : t)) : [];
    lines.push(`${from.padEnd(11)} -> ${targets.length ? targets.join(", ") : "(nothing)"}`);
  }
  return lines.join("\n");
}

export function printMermaid(edges: ReadonlyArray<Edge>): string {
  const lines = ["flowchart TD"];
  for (const [from, to] of folderGraph(edges)) for (const [t] of [...to].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${from} --> ${t}`);
  return lines.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const edges = importEdges();
  console.log(process.argv.includes("--mermaid") ? printMermaid(edges) : printText(edges, { counts: process.argv.includes("--counts") }));
  const bad = upwardImports(edges);
  if (bad.length) {
    console.log(`\n${bad.length} import(s) against the layering:`);
    for (const e of bad) console.log(`  ${e.file} -> ${e.target}`);
    process.exitCode = 1;
  }
}
