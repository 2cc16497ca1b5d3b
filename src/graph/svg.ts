// The graph drawn as SVG text: laid out by dagre, drawn by hand (rounded boxes
// coloured per kind, arrowheads from a marker, labelled edges, a legend), so no
// external program is needed.
import dagre from "@dagrejs/dagre";
import { KIND_ORDER, PALETTE, type GraphEdge, type GraphNode, type NodeKind, type StreamGraph } from "./model.js";
import type { Direction } from "./text.js";

const FONT = "Helvetica, Arial, sans-serif";
const NAME_SIZE = 13;
const SMALL_SIZE = 10.5;
// Text is measured by estimate (no font metrics here); generous per-character widths keep it inside its box.
const NAME_CHAR = 7.9;
const SMALL_CHAR = 6.1;
const PAD_X = 14;
const MARGIN = 20;
const TITLE_HEIGHT = 30;

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);

const n2 = (x: number): string => (Math.round(x * 10) / 10).toString();

interface Box {
  readonly node: GraphNode;
  readonly lines: ReadonlyArray<string>;
  readonly width: number;
  readonly height: number;
}

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function box(node: GraphNode, extra: ReadonlyArray<string> = []): Box {
  const lines = [node.kind, ...(node.detail !== undefined ? [shorten(node.detail, 34)] : []), ...extra];
  const width = Math.max(node.name.length * NAME_CHAR, ...lines.map((l) => l.length * SMALL_CHAR)) + 2 * PAD_X;
  return { node, lines, width: Math.max(96, Math.ceil(width)), height: 22 + lines.length * 14 };
}

/** A smooth path through dagre's points: straight ends, quadratic bends between. */
function pathThrough(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length < 3) return points.map((p, i) => `${i ? "L" : "M"}${n2(p.x)},${n2(p.y)}`).join(" ");
  const out = [`M${n2(points[0]!.x)},${n2(points[0]!.y)}`];
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const next = points[i + 1]!;
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    out.push(`Q${n2(p.x)},${n2(p.y)} ${n2(mid.x)},${n2(mid.y)}`);
  }
  return out.join(" ");
}

const EDGE_STYLE: Readonly<Record<GraphEdge["kind"], { readonly stroke: string; readonly dash?: string; readonly marker: string }>> = {
  flow: { stroke: "#475569", marker: "arrow" },
  table: { stroke: "#94a3b8", dash: "5 4", marker: "arrow-light" },
  reject: { stroke: "#dc2626", marker: "arrow-reject" },
};

function drawNode(b: Box, x: number, y: number): string {
  const { fill, stroke } = PALETTE[b.node.kind];
  const left = x - b.width / 2;
  const top = y - b.height / 2;
  const cls = b.node.kind === "table" ? "table" : b.node.kind === "rejects" ? "rejects" : "node";
  const dash = b.node.kind === "table" ? ` stroke-dasharray="5 3"` : "";
  const width = b.node.kind === "sink" || b.node.kind === "source" ? 2 : 1.3;
  const out = [
    `<g class="${cls}" data-kind="${b.node.kind}" data-name="${escapeXml(b.node.name)}">`,
    `<rect x="${n2(left)}" y="${n2(top)}" width="${n2(b.width)}" height="${n2(b.height)}" rx="9" ry="9" fill="${fill}" stroke="${stroke}" stroke-width="${width}"${dash}/>`,
    `<text x="${n2(x)}" y="${n2(top + 18)}" text-anchor="middle" font-size="${NAME_SIZE}" font-weight="bold" fill="#0f172a">${escapeXml(b.node.name)}</text>`,
    ...b.lines.map(
      (l, i) => `<text x="${n2(x)}" y="${n2(top + 33 + i * 14)}" text-anchor="middle" font-size="${SMALL_SIZE}" fill="${i === 0 ? stroke : "#475569"}"${i === 0 ? ` font-style="italic"` : ""}>${escapeXml(l)}</text>`,
    ),
    `</g>`,
  ];
  return out.join("");
}

function legend(kinds: ReadonlyArray<NodeKind>, x: number, y: number): { svg: string; width: number } {
  const parts: string[] = [];
  let at = x;
  for (const k of kinds) {
    const { fill, stroke } = PALETTE[k];
    parts.push(
      `<rect x="${n2(at)}" y="${n2(y)}" width="14" height="12" rx="3" fill="${fill}" stroke="${stroke}"${k === "table" ? ` stroke-dasharray="3 2"` : ""}/>`,
      `<text x="${n2(at + 19)}" y="${n2(y + 10)}" font-size="${SMALL_SIZE}" fill="#334155">${k}</text>`,
    );
    at += 19 + k.length * SMALL_CHAR + 16;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, width: at - x };
}

/**
 * What a caller adds to the picture (the run report's counts and times): a label per edge,
 * by its index in `g.edges` (replacing the port label), and extra lines under a node's kind.
 */
export interface SvgNotes {
  readonly edgeLabels?: ReadonlyArray<string | undefined>;
  readonly nodeLines?: Readonly<Record<string, ReadonlyArray<string>>>;
}

export function renderSvg(g: StreamGraph, direction: Direction = "TB", notes: SvgNotes = {}): string {
  const labelOf = (e: GraphEdge, i: number): string | undefined => notes.edgeLabels?.[i] ?? e.label;
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: direction, nodesep: 22, ranksep: 56, edgesep: 14, marginx: MARGIN, marginy: MARGIN });
  layout.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map<string, Box>();
  for (const n of g.nodes) {
    const b = box(n, (notes.nodeLines && Object.hasOwn(notes.nodeLines, n.id) ? notes.nodeLines[n.id] : undefined) ?? []);
    boxes.set(n.id, b);
    layout.setNode(n.id, { width: b.width, height: b.height });
  }
  g.edges.forEach((e, i) => {
    const text = labelOf(e, i);
    const label = text !== undefined ? { width: text.length * SMALL_CHAR + 10, height: 16, labelpos: "c" as const } : {};
    // Lookups pull their table close without bending the flow of records.
    layout.setEdge(e.from, e.to, { ...label, weight: e.kind === "flow" ? 2 : 1 }, `e${i}`);
  });
  dagre.layout(layout);

  const graph = layout.graph();
  const kinds = KIND_ORDER.filter((k) => g.nodes.some((n) => n.kind === k));
  const key = legend(kinds, MARGIN, 0);
  const width = Math.ceil(Math.max(graph.width ?? 0, key.width + 2 * MARGIN, 240));
  const bodyHeight = Math.ceil(graph.height ?? 0);
  const height = TITLE_HEIGHT + bodyHeight + 28;

  const edges = g.edges.map((e, i) => {
    const laid = layout.edge({ v: e.from, w: e.to, name: `e${i}` });
    const style = EDGE_STYLE[e.kind];
    const text = labelOf(e, i);
    const parts = [
      `<g class="edge" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}">`,
      `<path d="${pathThrough(laid.points ?? [])}" fill="none" stroke="${style.stroke}" stroke-width="1.4"${style.dash ? ` stroke-dasharray="${style.dash}"` : ""} marker-end="url(#${style.marker})"/>`,
    ];
    if (text !== undefined && laid.x !== undefined && laid.y !== undefined) {
      const w = text.length * SMALL_CHAR + 10;
      parts.push(
        `<rect x="${n2(laid.x - w / 2)}" y="${n2(laid.y - 8)}" width="${n2(w)}" height="16" rx="4" fill="#ffffff" stroke="${style.stroke}" stroke-width="0.8"/>`,
        `<text x="${n2(laid.x)}" y="${n2(laid.y + 4)}" text-anchor="middle" font-size="${SMALL_SIZE}" fill="${style.stroke}">${escapeXml(text)}</text>`,
      );
    }
    parts.push(`</g>`);
    return parts.join("");
  });
  const nodes = g.nodes.map((n) => {
    const laid = layout.node(n.id);
    return drawNode(boxes.get(n.id)!, laid.x ?? 0, laid.y ?? 0);
  });
  const marker = (id: string, fill: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${fill}"/></marker>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<title>stream ${escapeXml(g.stream)}</title>`,
    `<defs>${marker("arrow", EDGE_STYLE.flow.stroke)}${marker("arrow-light", EDGE_STYLE.table.stroke)}${marker("arrow-reject", EDGE_STYLE.reject.stroke)}</defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="22" font-size="15" font-weight="bold" fill="#0f172a">stream ${escapeXml(g.stream)}</text>`,
    `<g transform="translate(0,${TITLE_HEIGHT})">`,
    `<g class="edges">`,
    ...edges,
    `</g>`,
    `<g class="nodes">`,
    ...nodes,
    `</g>`,
    `</g>`,
    `<g transform="translate(0,${TITLE_HEIGHT + bodyHeight + 6})">${key.svg}</g>`,
    `</svg>`,
  ].join("\n") + "\n";
}
