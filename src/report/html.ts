// The report of an invocation as one self-contained HTML page: the stream's
// graph with the records every edge carried and each step's time, the balance,
// the steps, rejects by step and reason with sample records, audit events by
// kind, and where the outputs went. No script, no fetch: styles are inline and
// a Content-Security-Policy forbids everything else, so the page shows the same
// offline, and every text from data is escaped (a record may hold `<script>`).
import { renderSvg } from "../graph/svg.js";
import { jsonText } from "../io/json-text.js";
import { edgeCount, type InvocationReport } from "./report.js";

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const ms = (n: number): string => (n < 10 ? n.toFixed(1) : int(n));
/** A sample is cut at this many characters: a page, not a dump. */
const SAMPLE_CHARS = 4000;

const STYLE = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #0f172a; margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e2e8f0; padding-bottom: 4px; }
.summary { color: #475569; margin: 0; }
table { border-collapse: collapse; } th, td { padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
th { color: #475569; font-weight: 600; border-bottom: 1px solid #cbd5e1; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #16a34a; font-weight: bold; } .bad { color: #dc2626; font-weight: bold; }
.graph { overflow-x: auto; border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px; }
pre { background: #f8fafc; border: 1px solid #e2e8f0; border-radius: 4px; padding: 6px 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; max-width: 900px; }
details summary { cursor: pointer; color: #2563eb; } .none { color: #64748b; font-style: italic; }
`;

const cell = (text: string, cls?: string, data?: Readonly<Record<string, string>>): string =>
  `<td${cls ? ` class="${cls}"` : ""}${Object.entries(data ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join("")}>${escapeHtml(text)}</td>`;

const head = (...cols: ReadonlyArray<string>): string => `<tr>${cols.map((c) => (c.startsWith("#") ? `<th class="n">${escapeHtml(c.slice(1))}</th>` : `<th>${escapeHtml(c)}</th>`)).join("")}</tr>`;

function graphSection(r: InvocationReport): string {
  if (!r.graph) return `<p class="none">This report has no graph: it was saved by an interpreter that did not record one. Run the stream again with --json or --report.</p>`;
  const g = r.graph;
  const edgeLabels = g.edges.map((e) => {
    const n = edgeCount(r, e);
    if (n === undefined) return e.label;
    return `${e.label !== undefined ? `${e.label} ` : ""}${int(n)}`;
  });
  const nodeLines: Record<string, string[]> = {};
  for (const s of r.steps) nodeLines[s.step] = [`in ${int(s.in)} · ${ms(s.ms)} ms`];
  return `<div class="graph">${renderSvg(g, "TB", { edgeLabels, nodeLines })}</div>`;
}

function balanceSection(r: InvocationReport): string {
  const b = r.balance;
  const terms: ReadonlyArray<[keyof typeof b, string]> = [
    ["read", "read from sources"],
    ["created", "created (aggregate sessions, for each, fan-out copies)"],
    ["delivered", "delivered to sinks"],
    ["absorbed", "absorbed into sessions or expanded"],
    ["duplicates", "duplicates"],
    ["rejected", "rejected"],
    ["dropped", "dropped (ports nothing reads)"],
    // Only with an event-time aggregate; not a term: late records are counted where they end too.
    ...(b.late !== undefined ? [["late", "late (among the above: records of closed sessions)"] as [keyof typeof b, string]] : []),
  ];
  const rows = terms.map(([k, what]) => `<tr>${cell(k)}${cell(int(b[k] ?? 0), "n", { term: k })}${cell(what)}</tr>`);
  const mark = r.balanced ? `<p class="ok">✓ read + created = delivered + absorbed + duplicates + rejected + dropped</p>` : `<p class="bad">✗ the balance does not add up</p>`;
  return `<table id="balance-table">${head("term", "#records", "")}${rows.join("")}</table>${mark}`;
}

function stepsSection(r: InvocationReport): string {
  const rows = r.steps.map((s) => {
    const out = Object.entries(s.out).map(([port, n]) => `${port} ${int(n)}`).join(" · ");
    return `<tr data-step="${escapeHtml(s.step)}">${cell(s.step)}${cell(s.kind)}${cell(int(s.in), "n", { in: "" })}${cell(out || "-", "out")}${cell(ms(s.ms), "n")}${cell(s.undeclaredFields ? int(s.undeclaredFields) : "", "n")}${cell((s.undeclaredFieldNames ?? []).join(", "))}</tr>`;
  });
  return `<table id="steps-table">${head("step", "kind", "#in", "out per port", "#ms", "#undeclared fields", "such as")}${rows.join("")}</table>`;
}

function sample(s: unknown): string {
  const text = jsonText(s, 2);
  return `<pre>${escapeHtml(text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}… (${int(text.length - SAMPLE_CHARS)} more characters)` : text)}</pre>`;
}

function rejectsSection(r: InvocationReport): string {
  if (r.rejects.length === 0) return `<p class="none">No rejects.</p>`;
  const rows = r.rejects.map((x) => {
    const samples = x.samples?.length
      ? `<details><summary>${x.samples.length === 1 ? "1 sample record" : `${x.samples.length} sample records`}</summary>${x.samples.map(sample).join("")}</details>`
      : "";
    return `<tr class="reject">${cell(x.step, "step")}${cell(x.reason, "reason")}${cell(int(x.count), "n count")}<td>${samples}</td></tr>`;
  });
  return `<table id="rejects-table">${head("step", "reason", "#records", "samples")}${rows.join("")}</table>`;
}

function auditSection(r: InvocationReport): string {
  if (r.audit.length === 0) return `<p class="none">No audit events.</p>`;
  return `<table id="audit-table">${head("kind", "#events")}${r.audit.map((a) => `<tr class="audit">${cell(a.kind, "kind")}${cell(int(a.count), "n count")}</tr>`).join("")}</table>`;
}

function writtenSection(r: InvocationReport): string {
  const rows = r.written.map((w) => `<tr class="written">${cell(w.path, "path")}${cell(int(w.records), "n count")}</tr>`);
  const state = r.state !== undefined ? `<p>State kept in <code>${escapeHtml(r.state)}</code> after run ${int(r.lastRun)}.</p>` : "";
  const open = Object.entries(r.openSessions).filter(([, n]) => n > 0);
  const sessions = open.length ? `<p>Open sessions kept in the state: ${escapeHtml(open.map(([s, n]) => `${s} ${int(n)}`).join(", "))}.</p>` : "";
  return `<table id="written-table">${head("file", "#records")}${rows.join("")}</table>${state}${sessions}`;
}

/** The page of a report; a pure function of it (the same report gives the same bytes). */
export function reportHtml(r: InvocationReport): string {
  const runs = r.runs === 1 ? `1 run (run ${int(r.lastRun)})` : `${int(r.runs)} runs (runs ${int(r.firstRun)}–${int(r.lastRun)})`;
  const rate = r.seconds > 0 ? ` (${int(r.balance.read / r.seconds)} records/s)` : "";
  const clock = r.now !== undefined ? ` · clock ${r.now}` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.stream)}: run report</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>stream ${escapeHtml(r.stream)}</h1><p class="summary" id="summary">${escapeHtml(`${runs}, ${int(r.balance.read)} records read in ${r.seconds.toFixed(2)} s${rate}${clock}`)}</p></header>
<section id="graph"><h2>Graph</h2>${graphSection(r)}</section>
<section id="balance"><h2>Balance</h2>${balanceSection(r)}</section>
<section id="steps"><h2>Steps</h2>${stepsSection(r)}</section>
<section id="rejects"><h2>Rejects by step and reason</h2>${rejectsSection(r)}</section>
<section id="audit"><h2>Audit events by kind</h2>${auditSection(r)}</section>
<section id="written"><h2>Where outputs went</h2>${writtenSection(r)}</section>
</body>
</html>
`;
}
