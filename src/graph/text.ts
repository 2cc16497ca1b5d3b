// The graph as text for other tools: a Mermaid flowchart and Graphviz DOT.
import { KIND_ORDER, PALETTE, type GraphEdge, type GraphNode, type StreamGraph } from "./model.js";

export type Direction = "LR" | "TB";

// ---------------------------------------------------------------- mermaid

/** Mermaid text inside `"…"`: quotes and markup as entity codes. */
const mermaidText = (s: string): string => s.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);

function mermaidNode(id: string, n: GraphNode): string {
  const label = `"${mermaidText(n.name)}<br/>${mermaidText(n.kind === "table" ? "table" : n.kind)}"`;
  switch (n.kind) {
    case "table":
      return `${id}[(${label})]`;
    case "rejects":
      return `${id}{{${label}}}`;
    case "source":
      return `${id}([${label}])`;
    case "sink":
      return `${id}[/${label}/]`;
    default:
      return `${id}[${label}]`;
  }
}

export function renderMermaid(g: StreamGraph, direction: Direction = "TB"): string {
  const ids = new Map<string, string>();
  let steps = 0;
  let tables = 0;
  for (const n of g.nodes) ids.set(n.id, n.kind === "table" ? `t${tables++}` : n.kind === "rejects" ? "rejects" : `s${steps++}`);
  const out = [`%% stream ${g.stream}`, `flowchart ${direction}`];
  for (const n of g.nodes) out.push(`  ${mermaidNode(ids.get(n.id)!, n)}`);
  const arrow = (e: GraphEdge) => (e.kind === "table" ? "-.->" : "-->");
  for (const e of g.edges) out.push(`  ${ids.get(e.from)} ${arrow(e)}${e.label !== undefined ? `|"${mermaidText(e.label)}"|` : ""} ${ids.get(e.to)}`);
  for (const kind of KIND_ORDER) {
    const members = g.nodes.filter((n) => n.kind === kind);
    if (!members.length) continue;
    const { fill, stroke } = PALETTE[kind];
    out.push(`  classDef ${kind} fill:${fill},stroke:${stroke}${kind === "table" ? ",stroke-dasharray:4 3" : ""}`);
    out.push(`  class ${members.map((n) => ids.get(n.id)).join(",")} ${kind}`);
  }
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------- dot

const dotString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

export function renderDot(g: StreamGraph, direction: Direction = "TB"): string {
  const out = [
    `digraph ${dotString(g.stream)} {`,
    `  rankdir=${direction};`,
    `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];`,
    `  edge [fontname="Helvetica", fontsize=10, color="#64748b"];`,
  ];
  for (const n of g.nodes) {
    const { fill, stroke } = PALETTE[n.kind];
    const attrs = [`label=${dotString(`${n.name}\n${n.kind}`)}`, `fillcolor="${fill}"`, `color="${stroke}"`];
    if (n.kind === "table") attrs.push(`shape=cylinder`, `style="dashed,filled"`);
    if (n.kind === "rejects") attrs.push(`shape=octagon`);
    out.push(`  ${dotString(n.id)} [${attrs.join(", ")}];`);
  }
  for (const e of g.edges) {
    const attrs = [
      ...(e.label !== undefined ? [`label=${dotString(e.label)}`] : []),
      ...(e.kind === "table" ? [`style=dashed`, `arrowhead=empty`] : []),
      ...(e.kind === "reject" ? [`color="#dc2626"`, `fontcolor="#dc2626"`] : []),
    ];
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}
