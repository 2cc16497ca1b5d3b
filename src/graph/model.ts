// The stream as a graph to draw: one node per step, table and built-in output,
// one edge per input a step reads (labelled with the port unless it is the main
// port), per table a step reads, and per port whose records go to `rejects`.
import { MAIN } from "../model/ports.js";
import { describePlan, type StepKind } from "../plan/describe.js";
import type { Plan } from "../plan/plan.js";

export type NodeKind = StepKind | "table" | "rejects";

export interface GraphNode {
  /** Unique among the nodes; a step's id is its name. */
  readonly id: string;
  readonly name: string;
  readonly kind: NodeKind;
  /** A short third line: a source's origin, a sink's or table's file. */
  readonly detail?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The port, when it is not the producer's main port. */
  readonly label?: string;
  /** `flow` carries records, `table` is a lookup, `reject` goes to the built-in rejects output. */
  readonly kind: "flow" | "table" | "reject";
}

export interface StreamGraph {
  readonly stream: string;
  readonly nodes: ReadonlyArray<GraphNode>;
  readonly edges: ReadonlyArray<GraphEdge>;
}

/** Ids of nodes that are not steps (a step would need a back-quoted name such as `table:x` to clash). */
export const tableId = (name: string): string => `table:${name}`;
export const REJECTS_ID = "(rejects)";

export function streamGraph(plan: Plan): StreamGraph {
  const d = describePlan(plan);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const s of d.steps) {
    const x = s.details;
    const detail =
      x.kind === "source"
        ? x.origin === "simulate"
          ? `simulate ${x.count} per run`
          : x.origin === "file"
            ? `${x.format} ${x.path}`
            : "from the host"
        : x.kind === "sink"
          ? `${x.format} ${x.path}`
          : undefined;
    nodes.push({ id: s.name, name: s.name, kind: s.kind, ...(detail !== undefined ? { detail } : {}) });
  }
  for (const t of d.tables) nodes.push({ id: tableId(t.name), name: t.name, kind: "table", detail: `${t.format} ${t.path}` });
  for (const step of plan.steps) for (const i of step.inputs) edges.push({ from: i.step, to: step.name, kind: "flow", ...(i.port !== MAIN ? { label: i.port } : {}) });
  for (const t of d.tables) for (const reader of t.readBy) edges.push({ from: tableId(t.name), to: reader, kind: "table" });
  for (const step of plan.steps)
    for (const p of step.ports) if (p.fate === "rejects") edges.push({ from: step.name, to: REJECTS_ID, kind: "reject", label: p.name });
  if (edges.some((e) => e.kind === "reject")) nodes.push({ id: REJECTS_ID, name: "rejects", kind: "rejects", detail: "built-in output" });
  return { stream: d.stream, nodes, edges };
}

/** Fill and stroke per kind: one hue per kind, light fills so that text stays legible. */
export const PALETTE: Readonly<Record<NodeKind, { readonly fill: string; readonly stroke: string }>> = {
  source: { fill: "#dbeafe", stroke: "#2563eb" },
  validate: { fill: "#fef9c3", stroke: "#ca8a04" },
  dedup: { fill: "#ede9fe", stroke: "#7c3aed" },
  map: { fill: "#e0f2fe", stroke: "#0284c7" },
  enrich: { fill: "#ccfbf1", stroke: "#0d9488" },
  merge: { fill: "#f1f5f9", stroke: "#475569" },
  route: { fill: "#fce7f3", stroke: "#db2777" },
  aggregate: { fill: "#dcfce7", stroke: "#16a34a" },
  audit: { fill: "#ffedd5", stroke: "#ea580c" },
  sink: { fill: "#e5e7eb", stroke: "#111827" },
  table: { fill: "#ffffff", stroke: "#64748b" },
  rejects: { fill: "#fee2e2", stroke: "#dc2626" },
};

export const KIND_ORDER: ReadonlyArray<NodeKind> = ["source", "validate", "dedup", "map", "enrich", "merge", "route", "aggregate", "audit", "sink", "table", "rejects"];
