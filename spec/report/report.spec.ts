// The HTML report of a run (`--report FILE`, `interpret report RUN.json`), read
// in headless Chromium as a user sees it: it renders with no console error or
// failed request, every count on the page is the JSON report's, a hostile
// record does not execute, and a report saved before the page existed still draws.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOW, interpret, streamsFolder, tempDir } from "../cli/helpers.js";
import { openPage } from "./browser.js";

interface Json {
  stream: string;
  steps: { step: string; kind: string; in: number; out: Record<string, number>; ms: number }[];
  balance: Record<string, number>;
  rejects: { step: string; reason: string; count: number; samples?: unknown[] }[];
  audit: { kind: string; count: number }[];
  written: { path: string; records: number }[];
  graph?: { nodes: { id: string }[]; edges: { from: string; to: string; label?: string; kind: string }[] };
}

const num = (text: string | null): number => Number((text ?? "").trim().replace(/,/g, ""));

/** Runs peppa.stream with --json and --report; the JSON and the page's path. */
let ran: Promise<{ json: Json; html: string; dir: string; jsonText: string }> | undefined;
const peppaRun = () => (ran ??= runPeppa());
async function runPeppa(): Promise<{ json: Json; html: string; dir: string; jsonText: string }> {
  const dir = streamsFolder();
  const r = await interpret(["peppa.stream", "--now", NOW, "--json", "--report", "report.html"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  return { json: JSON.parse(r.stdout) as Json, html: path.join(dir, "report.html"), dir, jsonText: r.stdout };
}

test("peppa: the page renders without a console error, and its counts are the JSON report's", async () => {
  const { json, html } = await peppaRun();
  const { page, problems, close } = await openPage(html);
  try {
    assert.equal(problems, []);
    assert.is(await page.title(), "peppa: run report");
    // The graph: one box per node, and every edge that carries records shows the JSON's count.
    assert.ok(json.graph, "the JSON report holds the graph");
    assert.is(await page.locator("#graph svg g.nodes > g").count(), json.graph!.nodes.length);
    const edges = await page.locator("#graph svg g.edge").evaluateAll((gs) =>
      gs.map((g) => ({ from: g.getAttribute("data-from")!, to: g.getAttribute("data-to")!, label: g.querySelector("text")?.textContent ?? null })),
    );
    assert.is(edges.length, json.graph!.edges.length);
    let counted = 0;
    json.graph!.edges.forEach((e, i) => {
      const shown = edges[i]!;
      assert.equal([shown.from, shown.to], [e.from, e.to]);
      if (e.kind === "table") return assert.is(shown.label, null, `a lookup carries no records: ${e.from} -> ${e.to}`);
      const port = e.label ?? "main";
      const expected = json.steps.find((s) => s.step === e.from)!.out[port]!;
      const label = shown.label ?? "";
      assert.is(num(e.label ? label.slice(e.label.length) : label), expected, `${e.from}.${port} -> ${e.to}: ${label}`);
      counted++;
    });
    assert.ok(counted > 10);
    // Each step's time and records in, in its box and in the steps table.
    for (const s of json.steps) {
      const box = await page.locator(`#graph svg g[data-name="${s.step}"]`).textContent();
      assert.match(box ?? "", `in ${s.in.toLocaleString("en-US")} · `);
      const row = page.locator(`#steps-table tr[data-step="${s.step}"]`);
      assert.is(num(await row.locator("td[data-in]").textContent()), s.in);
      const out = Object.entries(s.out).map(([p, n]) => `${p} ${n.toLocaleString("en-US")}`).join(" · ") || "-";
      assert.is(await row.locator("td.out").textContent(), out);
    }
    for (const [term, n] of Object.entries(json.balance)) assert.is(num(await page.locator(`#balance-table td[data-term="${term}"]`).textContent()), n, term);
    assert.match((await page.locator("#balance").textContent()) ?? "", "✓");
    const rejects = await page.locator("#rejects-table tr.reject").evaluateAll((rows) =>
      rows.map((r) => [r.querySelector(".step")!.textContent, r.querySelector(".reason")!.textContent, r.querySelector(".count")!.textContent]),
    );
    assert.equal(rejects.map(([s, r, c]) => ({ step: s, reason: r, count: num(c) })), json.rejects.map(({ step, reason, count }) => ({ step, reason, count })));
    assert.ok(json.rejects.length > 0);
    const audit = await page.locator("#audit-table tr.audit").evaluateAll((rows) => rows.map((r) => [r.querySelector(".kind")!.textContent, r.querySelector(".count")!.textContent]));
    assert.equal(audit.map(([k, c]) => ({ kind: k, count: num(c) })), json.audit);
    const written = await page.locator("#written-table tr.written").evaluateAll((rows) => rows.map((r) => [r.querySelector(".path")!.textContent, r.querySelector(".count")!.textContent]));
    assert.equal(written.map(([p, c]) => ({ path: p, records: num(c) })), json.written);
    // Sample records of each reason, as the rejects file has them.
    const samples = await page.locator("#rejects-table pre").allTextContents();
    assert.is(samples.length, json.rejects.reduce((n, r) => n + (r.samples?.length ?? 0), 0));
    assert.equal(JSON.parse(samples[0]!), json.rejects[0]!.samples![0]);
  } finally {
    await close();
  }
});

test("`interpret report RUN.json -o FILE` draws the same page as --report", async () => {
  const { html, dir, jsonText } = await peppaRun();
  fs.writeFileSync(path.join(dir, "run.json"), jsonText);
  const r = await interpret(["report", "run.json", "-o", "again.html"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, "");
  assert.is(fs.readFileSync(path.join(dir, "again.html"), "utf8"), fs.readFileSync(html, "utf8"));
  const piped = await interpret(["report", "-"], { cwd: dir, stdin: jsonText });
  assert.is(piped.code, 0, piped.stderr);
  assert.is(piped.stdout, fs.readFileSync(html, "utf8"));
});

test("the JSON report stays what it was: every earlier key with its meaning, the new ones beside them", async () => {
  const { json } = await peppaRun();
  const keys = Object.keys(json);
  for (const k of ["stream", "runs", "firstRun", "lastRun", "seconds", "steps", "balance", "balanced", "openSessions", "rejects", "audit", "written"]) assert.ok(keys.includes(k), k);
  for (const r of json.rejects) assert.equal(Object.keys(r).slice(0, 3), ["step", "reason", "count"]);
  const sample = json.rejects[0]!.samples![0] as Record<string, unknown>;
  assert.is(sample["step"], json.rejects[0]!.step);
  assert.ok(Array.isArray(sample["errors"]));
});

const HOSTILE = `source calls { id string  note string }
validate ok from calls { require note == "fine" else "note is <b>not</b> fine" }
sink good from ok to jsonl "good.jsonl"
`;
const PAYLOAD = `<script>window.__pwned = 1; console.error("pwned")</script><img src=x onerror="window.__pwned = 2"></pre><svg onload="window.__pwned = 3">`;

test("a hostile record, reason and file name are shown as text and do not execute", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "h.stream"), HOSTILE);
  fs.writeFileSync(path.join(dir, "calls.jsonl"), `${JSON.stringify({ id: "a", note: PAYLOAD })}\n${JSON.stringify({ id: "b", note: "fine" })}\n`);
  const r = await interpret(["h.stream", "--input", "calls=calls.jsonl", "--now", NOW, "--report", "r.html"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const page = fs.readFileSync(path.join(dir, "r.html"), "utf8");
  assert.not.match(page, "<script");
  assert.not.match(page, "<img");
  const opened = await openPage(path.join(dir, "r.html"));
  try {
    assert.equal(opened.problems, []);
    assert.equal(opened.messages, []);
    assert.is(await opened.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    assert.is(await opened.page.locator("script, img, #rejects svg").count(), 0);
    assert.is(await opened.page.locator("#rejects-table .reason").textContent(), "note is <b>not</b> fine");
    const sample = JSON.parse((await opened.page.locator("#rejects-table pre").textContent())!) as { record: { note: string } };
    assert.is(sample.record.note, PAYLOAD);
  } finally {
    await opened.close();
  }
});

test("a report saved without the graph and samples (an older interpreter's) still draws, saying what it lacks", async () => {
  const { json, dir } = await peppaRun();
  const old: Record<string, unknown> = { ...json, rejects: json.rejects.map(({ step, reason, count }) => ({ step, reason, count })) };
  delete old["graph"];
  delete old["now"];
  fs.writeFileSync(path.join(dir, "old.json"), JSON.stringify(old));
  const r = await interpret(["report", "old.json", "-o", "old.html"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const opened = await openPage(path.join(dir, "old.html"));
  try {
    assert.equal(opened.problems, []);
    assert.match((await opened.page.locator("#graph").textContent()) ?? "", "This report has no graph");
    assert.is(num(await opened.page.locator(`#balance-table td[data-term="read"]`).textContent()), json.balance["read"]);
  } finally {
    await opened.close();
  }
});

test("interpret report: what is not a report is refused with the place that is wrong (exit 2)", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "not.json"), "{ nope");
  let r = await interpret(["report", "not.json"], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: not\.json is not JSON \(/);
  const { json } = await peppaRun();
  const broken = { ...json, steps: [{ ...json.steps[0], in: "many" }] };
  fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify(broken));
  r = await interpret(["report", "bad.json"], { cwd: dir });
  assert.is(r.code, 2);
  assert.is(r.stderr, 'interpret: bad.json is not a report of `interpret FILE.stream --json`: steps[0].in: expected number, got "many"\n');
  const dangling = { ...json, graph: { ...json.graph!, edges: [{ from: "core", to: "nowhere", kind: "flow" }] } };
  fs.writeFileSync(path.join(dir, "dangling.json"), JSON.stringify(dangling));
  r = await interpret(["report", "dangling.json"], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, "an edge from `core` to `nowhere` names no node");
  r = await interpret(["report", "missing.json"], { cwd: dir });
  assert.is(r.code, 2);
  assert.is(r.stderr, "interpret: cannot read missing.json: no such file\n");
  r = await interpret(["report"], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, "interpret: name the report to draw");
});

test("--report refuses, before any run, a file the run reads or writes", async () => {
  const dir = streamsFolder();
  for (const [file, what] of [
    ["out/rejects.jsonl", "the built-in rejects output"],
    ["data/crm_accounts.csv", "the file of table `crm_accounts`"],
    ["peppa.stream", "the stream file"],
  ] as const) {
    const before = fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : undefined;
    const r = await interpret(["peppa.stream", "--now", NOW, "--report", file], { cwd: dir });
    assert.is(r.code, 2, file);
    assert.match(r.stderr, what);
    assert.is(r.stdout, "");
    assert.is(fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : undefined, before);
  }
  assert.not.ok(fs.existsSync(path.join(dir, "out/billing.jsonl")), "no run was made");
});

test.run();
