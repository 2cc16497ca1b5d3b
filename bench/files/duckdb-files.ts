// streams/peppa-files.stream as DuckDB SQL over the same export files, with the
// same five outputs as `interpret peppa-files.stream --out DIR --now T`. The
// export files are read as lines (read_text, split on "\n") rather than with
// read_json / read_csv, because those drop or refuse a malformed line where the
// pipeline must count it as a reject with its file and line. Each file is one
// run (files sorted by name), every run on the one clock T, so the 30-day dedup
// window never expires and "first seen" is row_number() over the ids in
// (run, line) order. Outputs are written by COPY in the interpreter's order.
//
//   node dist/bench/files/duckdb-files.js --data DIR --out DIR --now T
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ProgramArgs } from "./program-args.js";
import { isMain } from "./repo.js";

const STREAM = "peppa_files";
const CPQ_HEADER = "quote_line;cpq_account;stage;component;occurred";
/** The timestamp forms the exports use (the interpreter reads more ISO-8601 forms; the exports use these). */
const TIME_FORMATS = "['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%gZ']";
const ISO_MS = "'%Y-%m-%dT%H:%M:%S.%gZ'";

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A file as the interpreter names it: relative to the working folder when inside it. */
const shown = (file: string): string => {
  const rel = path.relative(process.cwd(), file);
  return (rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel).split(path.sep).join("/");
};

/** The files of a source with their run numbers, and their lines (blank lines left out). */
function linesOf(name: string, files: string[]): string {
  const runs = files.map((f, i) => `(${i + 1}, ${lit(f)}, ${lit(shown(f))})`).join(", ");
  return `
    CREATE TABLE ${name}_files (run INTEGER, path VARCHAR, file VARCHAR);
    ${files.length ? `INSERT INTO ${name}_files VALUES ${runs};` : ""}
    CREATE TABLE ${name}_lines AS
      WITH t AS (SELECT filename, string_split(content, chr(10)) AS ls FROM read_text([${files.map(lit).join(", ")}]::VARCHAR[]))
      SELECT f.run, f.file, l.line, l.text
      FROM (SELECT filename, unnest(ls) AS text, unnest(range(1, len(ls) + 1)) AS line FROM t) l
      JOIN ${name}_files f ON f.path = l.filename
      WHERE trim(l.text) <> '';`;
}

/** A JSON text as one line of an output file: written by COPY as CSV of one column that never needs quoting. */
const copyLines = (select: string, file: string): string =>
  `COPY (${select}) TO ${lit(file)} (FORMAT csv, HEADER false, DELIMITER E'\\x02', QUOTE E'\\x01', ESCAPE E'\\x01');`;

/** The SQL: reading the files into tables, then the steps and the outputs. */
function pipeline(data: string, out: string, nowMs: number, coreFiles: string[], cpqFiles: string[]): [string, string] {
  const o = (name: string): string => path.join(out, "out", name);
  const now = `'${new Date(nowMs).toISOString()}'`;
  const load = `
    CREATE TABLE crm AS SELECT account_id, plan FROM read_csv(${lit(path.join(data, "crm_accounts.csv"))}, header = true, delim = ',', quote = '"', all_varchar = true);
    CREATE TABLE tenants AS SELECT tenant, account_id FROM read_csv(${lit(path.join(data, "core_tenants.csv"))}, header = true, delim = ',', quote = '"', all_varchar = true);
    CREATE TABLE cpq_accounts AS SELECT cpq_account, account_id FROM read_csv(${lit(path.join(data, "cpq_accounts.csv"))}, header = true, delim = ',', quote = '"', all_varchar = true);
    CREATE TABLE funnels AS SELECT code, funnel FROM read_csv(${lit(path.join(data, "funnel_events.csv"))}, header = true, delim = ',', quote = '"', all_varchar = true);

    -- A field of a JSON object that must be a string: the reason when it is not.
    CREATE MACRO string_error(name, v, optional) AS
      CASE WHEN v IS NULL OR json_type(v) = 'NULL' THEN (CASE WHEN optional THEN NULL ELSE name || ': missing' END)
           WHEN json_type(v) <> 'VARCHAR' THEN name || ': expected string, got ' || v::VARCHAR END;
    CREATE MACRO json_kind(t) AS
      CASE t WHEN 'ARRAY' THEN 'an array' WHEN 'VARCHAR' THEN 'a string' WHEN 'BOOLEAN' THEN 'a boolean' WHEN 'NULL' THEN 'null' ELSE 'a number' END;

    ${linesOf("core", coreFiles)}
    ${linesOf("cpq", cpqFiles)}
    CREATE TABLE cpq_headers AS SELECT file, text FROM cpq_lines WHERE line = 1 AND text <> ${lit(CPQ_HEADER)};`;
  const transform = `
    -- core: JSON lines, decoded against the schema
    CREATE TABLE core_parsed AS
      SELECT run, file, line, text, json_valid(text) AS valid,
             CASE WHEN json_valid(text) THEN json_type(text) END AS kind
      FROM core_lines;
    CREATE TABLE core_fields AS
      SELECT run, file, line, text,
             json_extract(text, ['$.specversion', '$.id', '$.source', '$.type', '$.time', '$.subject', '$.data.tenant', '$.data.user', '$.data.event', '$.data.service']) AS f
      FROM core_parsed WHERE kind = 'OBJECT';
    CREATE TABLE core_decoded AS
      SELECT run, file, line, text,
             f[1]->>'$' AS specversion, f[2]->>'$' AS id, f[3]->>'$' AS source, f[4]->>'$' AS type, f[5]->>'$' AS time_text,
             f[6]->>'$' AS subject, f[7]->>'$' AS tenant, f[8]->>'$' AS "user", f[9]->>'$' AS event, f[10]->>'$' AS service,
             epoch_ms(try_strptime(f[5]->>'$', ${TIME_FORMATS})) AS ts_ms,
             list_filter([
               string_error('specversion', f[1], false), string_error('id', f[2], false), string_error('source', f[3], false),
               string_error('type', f[4], false),
               coalesce(string_error('time', f[5], false),
                        CASE WHEN try_strptime(f[5]->>'$', ${TIME_FORMATS}) IS NULL THEN 'time: expected timestamp, got ' || f[5]::VARCHAR END),
               string_error('subject', f[6], true), string_error('data.tenant', f[7], false), string_error('data.user', f[8], false),
               string_error('data.event', f[9], false), string_error('data.service', f[10], false)
             ], e -> e IS NOT NULL) AS errors
      FROM core_fields;
    CREATE TABLE core_checked AS
      SELECT d.*, fe.funnel,
             list_filter([
               CASE WHEN specversion <> '1.0' THEN {'rule': 'specversion == "1.0"', 'message': 'unsupported CloudEvents version'} END,
               CASE WHEN type <> 'com.peppa.core.funnel' THEN {'rule': 'type == "com.peppa.core.funnel"', 'message': 'not a funnel event'} END,
               CASE WHEN NOT regexp_full_match(id, '^evt-[0-9]+-[0-9]+$') THEN {'rule': 'id matches "^evt-[0-9]+-[0-9]+$"', 'message': 'malformed event id'} END,
               CASE WHEN fe.code IS NULL THEN {'rule': 'data.event in funnel_events', 'message': 'unknown funnel event'} END,
               CASE WHEN NOT (ts_ms <= ${nowMs}) THEN {'rule': 'time <= now()', 'message': 'event time lies in the future'} END
             ], e -> e IS NOT NULL) AS failed
      FROM core_decoded d LEFT JOIN funnels fe ON fe.code = d.event
      WHERE len(d.errors) = 0;
    CREATE TABLE core_unique AS
      SELECT c.run, c.line, c.id AS event_id, c.tenant AS account_ref, t.account_id, c.funnel, c.service, c.ts_ms
      FROM (SELECT * FROM core_checked WHERE len(failed) = 0 QUALIFY row_number() OVER (PARTITION BY id ORDER BY run, line) = 1) c
      LEFT JOIN tenants t ON t.tenant = c.tenant;

    -- cpq: ";"-separated, a header line first in every file
    CREATE TABLE cpq_cells AS
      SELECT run, file, line, text, string_split(text, ';') AS cells FROM cpq_lines WHERE line > 1;
    CREATE TABLE cpq_decoded AS
      SELECT run, file, line, text, cells[1] AS quote_line, cells[2] AS cpq_account, cells[3] AS stage, cells[4] AS component, cells[5] AS occurred_text,
             epoch_ms(try_strptime(cells[5], ${TIME_FORMATS})) AS ts_ms,
             list_filter([
               CASE WHEN cells[5] = '' THEN 'occurred: missing'
                    WHEN try_strptime(cells[5], ${TIME_FORMATS}) IS NULL THEN 'occurred: expected timestamp, got ' || to_json(cells[5])::VARCHAR END
             ], e -> e IS NOT NULL) AS errors
      FROM cpq_cells WHERE len(cells) = 5;
    CREATE TABLE cpq_checked AS
      SELECT d.*,
             list_filter([
               CASE WHEN NOT regexp_full_match(quote_line, '^Q[0-9]+$') THEN {'rule': 'quote_line matches "^Q[0-9]+$"', 'message': 'malformed quote line'} END,
               CASE WHEN stage NOT IN ('quote_created', 'quote_sent', 'quote_accepted', 'contract_signed')
                    THEN {'rule': 'stage in ["quote_created", "quote_sent", "quote_accepted", "contract_signed"]', 'message': 'unknown quote stage'} END,
               CASE WHEN NOT (ts_ms <= ${nowMs}) THEN {'rule': 'occurred <= now()', 'message': 'event time lies in the future'} END
             ], e -> e IS NOT NULL) AS failed
      FROM cpq_decoded d WHERE len(d.errors) = 0;
    CREATE TABLE cpq_unique AS
      SELECT c.run, c.line, c.quote_line AS event_id, c.cpq_account AS account_ref, a.account_id, c.stage AS funnel, c.component AS service, c.ts_ms
      FROM (SELECT * FROM cpq_checked WHERE len(failed) = 0 QUALIFY row_number() OVER (PARTITION BY quote_line ORDER BY run, line) = 1) c
      LEFT JOIN cpq_accounts a ON a.cpq_account = c.cpq_account;

    -- merge (Core before CPQ in a run: seq orders sessions as the interpreter opens them), and the CRM check
    CREATE TABLE events AS
      SELECT e.*, m.plan, m.account_id IS NOT NULL AS known, date_trunc('month', epoch_ms(e.ts_ms)) AS period
      FROM (SELECT run, line AS seq, 'core' AS origin, * EXCLUDE (run, line) FROM core_unique
            UNION ALL SELECT run, 10000000000 + line, 'cpq', * EXCLUDE (run, line) FROM cpq_unique) e
      LEFT JOIN crm m ON m.account_id = e.account_id;

    -- unknown_accounts -> recon -> unprovisioned (audit) -> reconciliation
    CREATE TABLE unknown_accounts AS
      SELECT run, origin, account_ref, count(*) AS events, min(ts_ms) AS first_at, max(ts_ms) AS last_at, min(seq) AS seq
      FROM events WHERE NOT known GROUP BY run, origin, account_ref;
    ${copyLines(`SELECT json_object('system', origin, 'foreign_id', account_ref, 'events', events,
                   'first_seen', strftime(epoch_ms(first_at), ${ISO_MS}), 'last_seen', strftime(epoch_ms(last_at), ${ISO_MS}))
                 FROM unknown_accounts ORDER BY run, seq`, o("files-reconciliation.jsonl"))}
    ${copyLines(`SELECT json_object('stream', ${lit(STREAM)}, 'run', run, 'step', 'unprovisioned', 'time', strftime(${now}::TIMESTAMP, ${ISO_MS}),
                   'kind', 'unprovisioned_account', 'system', origin, 'foreign_id', account_ref, 'events', events)
                 FROM unknown_accounts ORDER BY run, seq`, o("audit.jsonl"))}

    -- usage (each run) -> billable, funnel_analytics, service_analytics
    CREATE TABLE usage AS
      SELECT run, account_id, period, any_value(plan) AS plan, count(*) AS events, min(seq) AS seq
      FROM events WHERE known GROUP BY run, account_id, period;
    COPY (SELECT account_id, plan, strftime(period, '%Y-%m') AS period, 'funnel-events' AS product, events AS quantity FROM usage ORDER BY run, seq)
      TO ${lit(o("files-billing.csv"))} (FORMAT csv, HEADER true);
    ${copyLines(`SELECT j FROM (
                   SELECT u.run, 0 AS part, u.seq, x.funnel AS k,
                          json_object('account_id', x.account_id, 'period', strftime(x.period, '%Y-%m'), 'funnel', x.funnel, 'events', x.n) AS j
                   FROM (SELECT run, account_id, period, funnel, count(*) AS n FROM events WHERE known GROUP BY ALL) x
                   JOIN usage u USING (run, account_id, period)
                   UNION ALL
                   SELECT u.run, 1, u.seq, x.service,
                          json_object('account_id', x.account_id, 'period', strftime(x.period, '%Y-%m'), 'service', x.service, 'events', x.n)
                   FROM (SELECT run, account_id, period, service, count(*) AS n FROM events WHERE known GROUP BY ALL) x
                   JOIN usage u USING (run, account_id, period))
                 ORDER BY run, part, seq, k`, o("files-analytics.jsonl"))}

    -- rejects, in step order within a run: core, cpq, core_ok, cpq_ok
    ${copyLines(`SELECT j FROM (
                   SELECT run, 0 AS step, line,
                          json_object('step', 'core', 'port', 'invalid', 'run', run,
                            'errors', ['line ' || line || (CASE WHEN NOT valid THEN ': invalid JSON: not valid JSON' ELSE ': expected a JSON object, got ' || json_kind(kind) END)],
                            'file', file, 'line', line, 'record', text) AS j
                   FROM core_parsed WHERE kind IS DISTINCT FROM 'OBJECT'
                   UNION ALL
                   SELECT run, 0, line, json_object('step', 'core', 'port', 'invalid', 'run', run, 'errors', errors, 'file', file, 'line', line, 'record', json(text))
                   FROM core_decoded WHERE len(errors) > 0
                   UNION ALL
                   SELECT run, 1, line, json_object('step', 'cpq', 'port', 'invalid', 'run', run,
                            'errors', ['line ' || line || ': expected 5 cells as in the header, got ' || len(cells)], 'file', file, 'line', line, 'record', text)
                   FROM cpq_cells WHERE len(cells) <> 5
                   UNION ALL
                   SELECT run, 1, line, json_object('step', 'cpq', 'port', 'invalid', 'run', run, 'errors', errors, 'file', file, 'line', line,
                            'record', json_object('quote_line', quote_line, 'cpq_account', cpq_account, 'stage', stage, 'component', component, 'occurred', occurred_text))
                   FROM cpq_decoded WHERE len(errors) > 0
                   UNION ALL
                   SELECT run, 2, line, json_object('step', 'core_ok', 'port', 'invalid', 'run', run, 'errors', to_json(failed),
                            'record', json_object('specversion', specversion, 'id', id, 'source', source, 'type', type, 'time', strftime(epoch_ms(ts_ms), ${ISO_MS}),
                              'subject', subject, 'data.tenant', tenant, 'data.user', "user", 'data.event', event, 'data.service', service))
                   FROM core_checked WHERE len(failed) > 0
                   UNION ALL
                   SELECT run, 3, line, json_object('step', 'cpq_ok', 'port', 'invalid', 'run', run, 'errors', to_json(failed),
                            'record', json_object('quote_line', quote_line, 'cpq_account', cpq_account, 'stage', stage, 'component', component,
                              'occurred', strftime(epoch_ms(ts_ms), ${ISO_MS})))
                   FROM cpq_checked WHERE len(failed) > 0)
                 ORDER BY run, step, line`, o("rejects.jsonl"))}
  `;
  return [load, transform];
}

/** Reads the files and writes the outputs; returns the records read. */
export async function runDuckdb({ data, out, now }: ProgramArgs): Promise<number> {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new Error(`--now is not a timestamp: ${now}`);
  const list = (dir: string, ext: string): string[] =>
    fs.readdirSync(path.join(data, dir)).filter((n) => n.endsWith(ext)).sort().map((n) => path.join(data, dir, n));
  const coreFiles = list("core", ".jsonl");
  const cpqFiles = list("cpq", ".csv");
  fs.mkdirSync(path.join(out, "out"), { recursive: true });

  const db = await DuckDBInstance.create(":memory:");
  const conn: DuckDBConnection = await db.connect();
  try {
    const [load, transform] = pipeline(data, out, nowMs, coreFiles, cpqFiles);
    await conn.run(load);
    const bad = (await conn.runAndReadAll("SELECT file, text FROM cpq_headers")).getRows();
    if (bad.length) throw new Error(`${String(bad[0]![0])}: the header must be ${CPQ_HEADER}, got ${String(bad[0]![1])}`);
    await conn.run(transform);
    const read = (await conn.runAndReadAll("SELECT (SELECT count(*) FROM core_lines) + (SELECT count(*) FROM cpq_lines WHERE line > 1)")).getRows()[0]![0];
    return Number(read);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

if (isMain(import.meta.url)) {
  runDuckdb(parseArgs(process.argv.slice(2), "duckdb-files")).then(
    (read) => console.log(`duckdb: ${read} records read`),
    (e: unknown) => {
      console.error(`duckdb-files: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(3);
    },
  );
}
