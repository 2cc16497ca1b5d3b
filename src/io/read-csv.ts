import { parse, type CsvError, type Info } from "csv-parse";
import { pipeline, type Readable } from "node:stream";
import { describeError, ioError, type ReadItem, type RejectItem } from "./item.js";
import { LineEndNormalizer } from "./line-ends.js";

export interface CsvOptions {
  /** Cell delimiter, `,` by default. */
  readonly delimiter?: string;
}

/** The line a raw CSV record starts on, from the line it ends on (csv-parse's info.lines). */
function startLine(endLine: number, raw: string | undefined): number {
  if (raw === undefined) return endLine;
  const body = raw.replace(/^\n+/, "").replace(/\n$/, "");
  let breaks = 0;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) breaks++;
  return Math.max(1, endLine - breaks);
}

function rowText(raw: string | undefined): string {
  return (raw ?? "").replace(/^\n+/, "").replace(/\n$/, "");
}

/**
 * CSV with a header row, streamed. Values stay strings (an empty cell is ""). A row
 * whose cell count differs from the header's, or that csv-parse cannot read, becomes
 * a reject with the line it starts on, and reading goes on. Quotes inside unquoted
 * cells are taken literally (relax_quotes); an unclosed quote swallows the rest of
 * the file into one reject, as no reader can tell where that cell was meant to end.
 */
export async function* readCsv(input: Readable, file: string, options: CsvOptions = {}): AsyncGenerator<ReadItem> {
  const skipped: RejectItem[] = [];
  const parser = parse({
    delimiter: options.delimiter ?? ",",
    info: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const end = typeof err?.lines === "number" ? err.lines : 0;
      const line = startLine(end, raw);
      skipped.push({ kind: "reject", file, line, reason: `line ${line}: malformed CSV: ${err?.message ?? "unreadable row"}`, text: rowText(raw) });
      return undefined;
    },
  });
  let streamError: unknown;
  pipeline(input, new LineEndNormalizer(), parser, (e) => {
    if (e) streamError ??= e;
  });
  // Skipped rows are reported by callback, possibly ahead of records still buffered;
  // merging by line keeps the items in file order.
  function* skippedBefore(line: number): Generator<RejectItem> {
    while (skipped.length > 0 && skipped[0]!.line < line) yield skipped.shift()!;
  }
  let header: ReadonlyArray<string> | undefined;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
      const line = startLine(row.info.lines, row.raw);
      yield* skippedBefore(line);
      if (header === undefined) {
        const seen = new Set<string>();
        for (const name of row.record) {
          if (seen.has(name)) {
            yield { kind: "error", error: ioError(`${file} line ${line}: the header names column "${name}" twice`, file, line) };
            return;
          }
          seen.add(name);
        }
        header = row.record;
        continue;
      }
      if (row.record.length !== header.length) {
        yield {
          kind: "reject", file, line,
          reason: `line ${line}: expected ${header.length} cells as in the header, got ${row.record.length}`,
          text: rowText(row.raw),
        };
        continue;
      }
      const record: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) Object.defineProperty(record, header[i]!, { value: row.record[i]!, enumerable: true, writable: true, configurable: true });
      yield { kind: "record", file, line, record };
    }
  } catch (e) {
    streamError ??= e;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  yield* skippedBefore(Number.POSITIVE_INFINITY);
  if (streamError !== undefined) yield { kind: "error", error: ioError(`cannot read ${file}: ${describeError(streamError)}`, file) };
}
