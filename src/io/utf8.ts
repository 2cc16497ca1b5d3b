// UTF-8 as the readers take it: strictly. Valid text is checked by the native
// `isUtf8` over whole chunks; only a chunk that fails is walked byte by byte, to
// say where. Overlong forms, encoded surrogates (ED A0..BF), code points past
// U+10FFFF, truncated sequences and stray continuation bytes are all invalid.
import { isUtf8 } from "node:buffer";

export { isUtf8 };

/** An invalid sequence: its offset in the bytes given and up to 4 of its bytes, in hex. */
export interface InvalidUtf8 {
  readonly offset: number;
  readonly bytes: string;
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, "0");

/** Length of the well-formed sequence starting at `i`, or 0 (Unicode table 3-7). */
function sequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  if (b < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > end) return 0;
  const c = buf[i + 1]!;
  if (c < lo || c > hi) return 0;
  for (let k = 2; k < n; k++) {
    const d = buf[i + k]!;
    if (d < 0x80 || d > 0xbf) return 0;
  }
  return n;
}

/** How many bytes at `i` to show for the bad sequence there: its lead and the continuation bytes its form announces. */
function badLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  const n = b >= 0xc0 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf7 ? 4 : 1;
  let k = 1;
  while (k < n && i + k < end && buf[i + k]! >= 0x80 && buf[i + k]! <= 0xbf) k++;
  return k;
}

/** The first invalid sequence in `buf[from, to)`, or undefined; its offset counts from `from`. */
export function findInvalidUtf8(buf: Uint8Array, from = 0, to = buf.length): InvalidUtf8 | undefined {
  for (let i = from; i < to; ) {
    const n = sequenceLength(buf, i, to);
    if (n === 0) {
      const shown: string[] = [];
      for (let k = i, e = i + badLength(buf, i, to); k < e; k++) shown.push(hex(buf[k]!));
      return { offset: i - from, bytes: shown.join(" ") };
    }
    i += n;
  }
  return undefined;
}

/**
 * How many leading bytes of `buf` end on a sequence boundary: a sequence cut by
 * the chunk's end is left for the next chunk (at most 3 bytes).
 */
export function completePrefix(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** Where a bad sequence stands: its line, and 0-based byte offsets in that line and in the file. */
export interface Utf8Error {
  readonly line: number;
  readonly lineOffset: number;
  readonly fileOffset: number;
  readonly bytes: string;
}

/** The words of a reject for invalid UTF-8 (after the reject's "line N: "). */
export function invalidUtf8Reason(e: Utf8Error): string {
  return `invalid UTF-8 at byte offset ${e.lineOffset} of line ${e.line} (${e.fileOffset} in the file): ${e.bytes}`;
}
