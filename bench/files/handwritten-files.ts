// streams/peppa-files.stream written by hand for this one job, as a competent
// engineer would: one pass over each export file (readline + JSON.parse for Core,
// a plain split on ";" for CPQ, whose exports never quote), Maps and Sets, and the
// same five outputs as `interpret peppa-files.stream --out DIR --now T`. It runs
// one run per file of each source (files sorted by name), every run on the one
// clock T, so the 30-day dedup window never expires within an invocation and a
// Set of the ids seen is the whole dedup state.
//
//   node dist/bench/files/handwritten-files.js --data DIR --out DIR --now T
//
// It knows nothing of the interpreter (no import from src/): it is what the
// interpreter is measured against.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parse as parseCsv } from "csv-parse/sync";
import { parseArgs, type ProgramArgs } from "./program-args.js";
import { isMain } from "./repo.js";

type Json = Record<string, unknown>;

const STREAM = "peppa_files";
const CORE_ID = /^evt-[0-9]+-[0-9]+$/;
const QUOTE = /^Q[0-9]+$/;
const STAGES = new Set(["quote_created", "quote_sent", "quote_accepted", "contract_signed"]);
const CPQ_HEADER = ["quote_line", "cpq_account", "stage", "component", "occurred"];

const iso = (ms: number): string => new Date(ms).toISOString();
const monthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const byKey = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
/** A file as the interpreter names it: relative to the working folder when inside it. */
const shown = (file: string): string => {
  const rel = path.relative(process.cwd(), file);
  return (rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel).split(path.sep).join("/");
};
const kindOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? "a string" : typeof v === "number" ? "a number" : typeof v === "boolean" ? "a boolean" : "an object");
const csvCell = (v: string | number | null): string => {
  if (v === null) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

interface Event {
  readonly id: string;
  readonly origin: "core" | "cpq";
  readonly ref: string;
  readonly account: string | null;
  readonly funnel: string | null;
  readonly service: string;
  readonly at: number;
}
interface Unknown { readonly origin: string; readonly ref: string; events: number; first: number; last: number }
interface Usage { readonly account: string; readonly period: number; events: number; readonly funnels: Map<string, number>; readonly services: Map<string, number> }

function table(file: string): Record<string, string>[] {
  return parseCsv(fs.readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
}

/** Reads the files and writes the outputs; returns the records read. */
export async function runHandwritten({ data, out, now }: ProgramArgs): Promise<number> {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new Error(`--now is not a timestamp: ${now}`);
  const nowIso = iso(nowMs);

  const plans = new Map(table(path.join(data, "crm_accounts.csv")).map((r) => [r["account_id"]!, r["plan"]!]));
  const tenants = new Map(table(path.join(data, "core_tenants.csv")).map((r) => [r["tenant"]!, r["account_id"]!]));
  const cpqAccounts = new Map(table(path.join(data, "cpq_accounts.csv")).map((r) => [r["cpq_account"]!, r["account_id"]!]));
  const funnels = new Map(table(path.join(data, "funnel_events.csv")).map((r) => [r["code"]!, r["funnel"]!]));
  const list = (dir: string, ext: string): string[] =>
    fs.readdirSync(path.join(data, dir)).filter((n) => n.endsWith(ext)).sort().map((n) => path.join(data, dir, n));
  const coreFiles = list("core", ".jsonl");
  const cpqFiles = list("cpq", ".csv");

  fs.mkdirSync(path.join(out, "out"), { recursive: true });
  const open = (name: string): number => fs.openSync(path.join(out, "out", name), "w");
  const billingFd = open("files-billing.csv");
  const analyticsFd = open("files-analytics.jsonl");
  const reconFd = open("files-reconciliation.jsonl");
  const rejectsFd = open("rejects.jsonl");
  const auditFd = open("audit.jsonl");
  fs.writeSync(billingFd, "account_id,plan,period,product,quantity\n");

  const seenCore = new Set<string>();
  const seenCpq = new Set<string>();
  let read = 0;
  const runs = Math.max(coreFiles.length, cpqFiles.length);
  for (let run = 1; run <= runs; run++) {
    // Rejects go out in the stream's step order: the sources, then their validations.
    const rejects: Record<"core" | "cpq" | "core_ok" | "cpq_ok", string[]> = { core: [], cpq: [], core_ok: [], cpq_ok: [] };
    const sourceReject = (step: "core" | "cpq", errors: string[], file: string, line: number, record: unknown): void =>
      void rejects[step].push(JSON.stringify({ step, port: "invalid", run, errors, file, line, record }));
    const unknown = new Map<string, Unknown>();
    const usage = new Map<string, Usage>();
    const take = (e: Event): void => {
      if (e.account === null || !plans.has(e.account)) {
        const key = `${e.origin}\u0000${e.ref}`;
        const u = unknown.get(key);
        if (!u) unknown.set(key, { origin: e.origin, ref: e.ref, events: 1, first: e.at, last: e.at });
        else {
          u.events++;
          if (e.at < u.first) u.first = e.at;
          if (e.at > u.last) u.last = e.at;
        }
        return;
      }
      const period = monthStart(e.at);
      const key = `${e.account}\u0000${period}`;
      let s = usage.get(key);
      if (!s) usage.set(key, (s = { account: e.account, period, events: 0, funnels: new Map(), services: new Map() }));
      s.events++;
      const f = e.funnel ?? "null";
      s.funnels.set(f, (s.funnels.get(f) ?? 0) + 1);
      s.services.set(e.service, (s.services.get(e.service) ?? 0) + 1);
    };

    const coreFile = coreFiles[run - 1];
    if (coreFile !== undefined) {
      const file = shown(coreFile);
      let line = 0;
      const rl = readline.createInterface({ input: fs.createReadStream(coreFile), crlfDelay: Infinity });
      for await (const raw of rl) {
        line++;
        const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        if (text.trim() === "") continue;
        read++;
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch (e) {
          sourceReject("core", [`line ${line}: invalid JSON: ${(e as Error).message}`], file, line, text);
          continue;
        }
        if (typeof o !== "object" || o === null || Array.isArray(o)) {
          sourceReject("core", [`line ${line}: expected a JSON object, got ${kindOf(o)}`], file, line, text);
          continue;
        }
        const r = o as Json;
        const d = (typeof r["data"] === "object" && r["data"] !== null && !Array.isArray(r["data"]) ? r["data"] : {}) as Json;
        const errors: string[] = [];
        const str = (name: string, v: unknown, optional = false): string | null => {
          if (v === undefined || v === null) {
            if (!optional) errors.push(`${name}: missing`);
            return null;
          }
          if (typeof v === "string") return v;
          errors.push(`${name}: expected string, got ${JSON.stringify(v)}`);
          return null;
        };
        const specversion = str("specversion", r["specversion"]);
        const id = str("id", r["id"]);
        const source = str("source", r["source"]);
        const type = str("type", r["type"]);
        const timeText = str("time", r["time"]);
        const time = timeText === null ? NaN : Date.parse(timeText);
        if (timeText !== null && Number.isNaN(time)) errors.push(`time: expected timestamp, got ${JSON.stringify(timeText)}`);
        const subject = str("subject", r["subject"], true);
        const tenant = str("data.tenant", d["tenant"]);
        const user = str("data.user", d["user"]);
        const event = str("data.event", d["event"]);
        const service = str("data.service", d["service"]);
        if (errors.length) {
          sourceReject("core", errors, file, line, r);
          continue;
        }
        const failed: { rule: string; message: string }[] = [];
        if (specversion !== "1.0") failed.push({ rule: 'specversion == "1.0"', message: "unsupported CloudEvents version" });
        if (type !== "com.peppa.core.funnel") failed.push({ rule: 'type == "com.peppa.core.funnel"', message: "not a funnel event" });
        if (!CORE_ID.test(id!)) failed.push({ rule: 'id matches "^evt-[0-9]+-[0-9]+$"', message: "malformed event id" });
        if (!funnels.has(event!)) failed.push({ rule: "data.event in funnel_events", message: "unknown funnel event" });
        if (!(time <= nowMs)) failed.push({ rule: "time <= now()", message: "event time lies in the future" });
        if (failed.length) {
          const record = { specversion, id, source, type, time: iso(time), subject, "data.tenant": tenant, "data.user": user, "data.event": event, "data.service": service };
          rejects.core_ok.push(JSON.stringify({ step: "core_ok", port: "invalid", run, errors: failed, record }));
          continue;
        }
        if (seenCore.has(id!)) continue;
        seenCore.add(id!);
        take({ id: id!, origin: "core", ref: tenant!, account: tenants.get(tenant!) ?? null, funnel: funnels.get(event!) ?? null, service: service!, at: time });
      }
    }

    const cpqFile = cpqFiles[run - 1];
    if (cpqFile !== undefined) {
      const file = shown(cpqFile);
      let line = 0;
      let columns: number[] | undefined;
      let width = 0;
      const rl = readline.createInterface({ input: fs.createReadStream(cpqFile), crlfDelay: Infinity });
      for await (const raw of rl) {
        line++;
        const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        if (text === "") continue;
        const cells = text.split(";");
        if (columns === undefined) {
          columns = CPQ_HEADER.map((name) => cells.indexOf(name));
          if (columns.includes(-1)) throw new Error(`${file}: the header must name ${CPQ_HEADER.join(";")}, got ${text}`);
          width = cells.length;
          continue;
        }
        read++;
        if (cells.length !== width) {
          sourceReject("cpq", [`line ${line}: expected ${width} cells as in the header, got ${cells.length}`], file, line, text);
          continue;
        }
        const [quoteLine, account, stage, component, occurredText] = columns.map((c) => cells[c]!) as [string, string, string, string, string];
        const occurred = occurredText === "" ? NaN : Date.parse(occurredText);
        if (Number.isNaN(occurred)) {
          const errors = [occurredText === "" ? "occurred: missing" : `occurred: expected timestamp, got ${JSON.stringify(occurredText)}`];
          sourceReject("cpq", errors, file, line, Object.fromEntries(CPQ_HEADER.map((name, i) => [name, cells[columns![i]!]])));
          continue;
        }
        const failed: { rule: string; message: string }[] = [];
        if (!QUOTE.test(quoteLine)) failed.push({ rule: 'quote_line matches "^Q[0-9]+$"', message: "malformed quote line" });
        if (!STAGES.has(stage)) failed.push({ rule: 'stage in ["quote_created", "quote_sent", "quote_accepted", "contract_signed"]', message: "unknown quote stage" });
        if (!(occurred <= nowMs)) failed.push({ rule: "occurred <= now()", message: "event time lies in the future" });
        if (failed.length) {
          const record = { quote_line: quoteLine, cpq_account: account, stage, component, occurred: iso(occurred) };
          rejects.cpq_ok.push(JSON.stringify({ step: "cpq_ok", port: "invalid", run, errors: failed, record }));
          continue;
        }
        if (seenCpq.has(quoteLine)) continue;
        seenCpq.add(quoteLine);
        take({ id: quoteLine, origin: "cpq", ref: account, account: cpqAccounts.get(account) ?? null, funnel: stage, service: component, at: occurred });
      }
    }

    // The end of the run: both aggregates flush every session, in the order they opened.
    let recon = "";
    let audit = "";
    for (const u of unknown.values()) {
      recon += JSON.stringify({ system: u.origin, foreign_id: u.ref, events: u.events, first_seen: iso(u.first), last_seen: iso(u.last) }) + "\n";
      audit += JSON.stringify({ stream: STREAM, run, step: "unprovisioned", time: nowIso, kind: "unprovisioned_account", system: u.origin, foreign_id: u.ref, events: u.events }) + "\n";
    }
    let billing = "";
    let funnelRows = "";
    let serviceRows = "";
    for (const s of usage.values()) {
      const period = iso(s.period).slice(0, 7);
      billing += [s.account, plans.get(s.account) ?? null, period, "funnel-events", s.events].map(csvCell).join(",") + "\n";
      for (const [funnel, n] of byKey(s.funnels)) funnelRows += JSON.stringify({ account_id: s.account, period, funnel, events: n }) + "\n";
      for (const [service, n] of byKey(s.services)) serviceRows += JSON.stringify({ account_id: s.account, period, service, events: n }) + "\n";
    }
    const rejected = [...rejects.core, ...rejects.cpq, ...rejects.core_ok, ...rejects.cpq_ok];
    fs.writeSync(reconFd, recon);
    fs.writeSync(billingFd, billing);
    fs.writeSync(analyticsFd, funnelRows + serviceRows);
    if (rejected.length) fs.writeSync(rejectsFd, rejected.join("\n") + "\n");
    fs.writeSync(auditFd, audit);
  }
  for (const fd of [billingFd, analyticsFd, reconFd, rejectsFd, auditFd]) fs.closeSync(fd);
  return read;
}

if (isMain(import.meta.url)) {
  runHandwritten(parseArgs(process.argv.slice(2), "handwritten-files")).then(
    (read) => console.log(`hand-written: ${read} records read`),
    (e: unknown) => {
      console.error(`handwritten-files: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(3);
    },
  );
}
