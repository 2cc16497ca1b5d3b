import { Transform, type TransformCallback } from "node:stream";
import { completePrefix, findInvalidUtf8, isUtf8, type Utf8Error } from "./utf8.js";

/** Lines from `from` on end with CRLF (or with LF), up to the next run. */
interface EndingRun {
  readonly from: number;
  readonly crlf: boolean;
}

/**
 * Decodes UTF-8 for csv-parse, drops a leading BOM and turns CRLF into LF:
 * csv-parse counts the CR and the LF of a CRLF as separate lines inside quoted
 * cells, so its line numbers are only right on LF text. What the text no longer
 * shows is kept here, by line, for the reader to ask: which lines ended with
 * CRLF (so a quoted CRLF is given back as written), and where bytes were not
 * valid UTF-8 (they reach the parser as U+FFFD; the reader rejects their row).
 * Both are forgotten as the reader moves on (`forget`), so memory stays bounded.
 */
export class LineEndNormalizer extends Transform {
  private first = true;
  private pendingCr = false;
  /** Bytes of a sequence cut by the end of a chunk. */
  private carry: Buffer | undefined;
  /** The line the next byte stands on, the file offset where that line starts, and of the next byte. */
  private line = 1;
  private lineStart = 0;
  private offset = 0;
  private lastByte = -1;
  /** Whether the last byte scanned was a CR, which the next piece's first byte makes a CRLF or a line end of its own. */
  private crAtEnd = false;
  private runs: EndingRun[] = [];
  private invalid: Utf8Error[] = [];
  /** File offsets where lines start: `starts[k]` is line `startsFrom + k - head`'s (earlier ones are forgotten). */
  private starts: number[] = [];
  private startsFrom = 2;
  private head = 0;

  /** `offset`: where in the file the first byte given stands, less the lines before it (their LFs). */
  constructor(offset = 0) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: "utf8" });
    this.offset = offset;
  }

  /** Whether line `line` ended with CRLF. */
  endsWithCrlf(line: number): boolean {
    let crlf = false;
    for (const r of this.runs) {
      if (r.from > line) break;
      crlf = r.crlf;
    }
    return crlf;
  }

  /** The first invalid UTF-8 on lines `from` to `to`, if any. */
  invalidOn(from: number, to: number): Utf8Error | undefined {
    for (const e of this.invalid) {
      if (e.line > to) break;
      if (e.line >= from) return e;
    }
    return undefined;
  }

  /** The file offset where line `line` starts (just after the LF that ends line `line - 1`), or -1 if no LF ends that line yet. */
  startOf(line: number): number {
    const k = this.head + line - this.startsFrom;
    return k >= this.head && k < this.starts.length ? this.starts[k]! : -1;
  }

  /** Drops what is known about lines before `line`. */
  forget(line: number): void {
    const drop = Math.min(line - this.startsFrom, this.starts.length - this.head);
    if (drop > 0) {
      this.head += drop;
      this.startsFrom += drop;
      // Compacted now and then, not at every row.
      if (this.head > 4096 && this.head * 2 > this.starts.length) {
        this.starts = this.starts.slice(this.head);
        this.head = 0;
      }
    }
    let keep = 0;
    while (keep + 1 < this.runs.length && this.runs[keep + 1]!.from <= line) keep++;
    if (keep > 0) this.runs = this.runs.slice(keep);
    if (this.invalid.length > 0 && this.invalid[0]!.line < line) this.invalid = this.invalid.filter((e) => e.line >= line);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const buf = this.carry !== undefined ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completePrefix(buf);
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : undefined;
    this.emitText(this.decode(buf.subarray(0, cut)), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    // A sequence still cut at the end of input is truncated: decode() reports it.
    const rest = this.carry;
    this.carry = undefined;
    this.emitText(rest !== undefined ? this.decode(rest) : "", true);
    done();
  }

  /** Decodes a piece of whole sequences, keeping line ends and bad bytes on record. */
  private decode(piece: Buffer): string {
    const valid = isUtf8(piece);
    let text = valid ? piece.toString("utf8") : "";
    let from = 0;
    for (let i = 0; ; ) {
      const bad = valid ? undefined : findInvalidUtf8(piece, i);
      const stop = bad === undefined ? piece.length : i + bad.offset;
      this.scanLines(piece, from, stop);
      from = stop;
      if (bad === undefined) {
        if (!valid) text += piece.toString("utf8", i);
        break;
      }
      const fileOffset = this.offset + stop;
      const last = this.invalid[this.invalid.length - 1];
      if (last === undefined || last.line !== this.line) {
        this.invalid.push({ line: this.line, lineOffset: fileOffset - this.lineStart, fileOffset, bytes: bad.bytes });
      }
      text += piece.toString("utf8", i, stop) + "\ufffd";
      // One byte at a time past a bad sequence: the text only has to show where it was.
      i = stop + 1;
      this.scanLines(piece, from, i);
      from = i;
    }
    this.offset += piece.length;
    return text;
  }

  /**
   * Counts the line ends in `piece[from, to)` and notes whether each is CRLF. A CR that no LF
   * follows ends a line too: csv-parse counts it as one (its `info.lines`), whatever the record
   * delimiter, so the lines asked about here are numbered as csv-parse numbers them.
   */
  private scanLines(piece: Buffer, from: number, to: number): void {
    if (this.crAtEnd && from < piece.length) {
      // The previous piece ended with a CR: the byte after it says whether it was a CRLF. It is
      // settled before anything on the line after it is noted (a bad byte right after the CR).
      this.crAtEnd = false;
      if (piece[from] !== 10) this.lineEnd(from, false);
    }
    if (from >= to) return;
    let lf = piece.indexOf(10, from);
    let cr = piece.indexOf(13, from);
    for (;;) {
      if (lf >= to) lf = -1;
      if (cr >= to) cr = -1;
      if (lf < 0 && cr < 0) break;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 >= piece.length) this.crAtEnd = true;
        else if (piece[cr + 1] !== 10) this.lineEnd(cr + 1, false);
        cr = piece.indexOf(13, cr + 1);
      } else {
        this.lineEnd(lf + 1, (lf > 0 ? piece[lf - 1] : this.lastByte) === 13);
        lf = piece.indexOf(10, lf + 1);
      }
    }
    this.lastByte = piece[to - 1]!;
  }

  /** A line ends just before `next` (an index into the piece being scanned). */
  private lineEnd(next: number, crlf: boolean): void {
    const run = this.runs[this.runs.length - 1];
    if (run === undefined || run.crlf !== crlf) this.runs.push({ from: this.line, crlf });
    this.line++;
    this.lineStart = this.offset + next;
    this.starts.push(this.lineStart);
  }

  private emitText(decoded: string, last: boolean): void {
    let text = (this.pendingCr ? "\r" : "") + decoded;
    this.pendingCr = false;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!last && text.endsWith("\r")) {
      this.pendingCr = true;
      text = text.slice(0, -1);
    }
    text = text.replace(/\r\n/g, "\n");
    if (text.length > 0) this.push(text);
  }
}

/**
 * A piece of input cut after its last LF: `whole` is the held bytes and the piece up to and
 * including that LF, `tail` what follows it. Without an LF the piece is held in `pending`
 * (undefined is returned), so a line split over pieces is read whole. The readers split
 * `whole` into lines in place.
 */
export function cutAtLastLf(pending: Buffer[], chunk: Buffer | string): { whole: Buffer; tail: Buffer } | undefined {
  const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  const lastLf = buf.lastIndexOf(10);
  if (lastLf < 0) {
    pending.push(buf);
    return undefined;
  }
  const head = buf.subarray(0, lastLf + 1);
  const whole = pending.length > 0 ? Buffer.concat([...pending, head]) : head;
  return { whole, tail: buf.subarray(lastLf + 1) };
}
