// String literal escapes: decoding what the user wrote and re-escaping for the printer.
export interface BadEscape {
  /** Offsets relative to the opening quote. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Decodes the body of `"…"` (`image` with its quotes); reports escapes it cannot read. */
export function decodeString(image: string, closed: boolean): { value: string; bad: BadEscape[] } {
  const body = image.slice(1, closed ? -1 : undefined);
  let value = "";
  const bad: BadEscape[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") { value += c; continue; }
    const next = body[i + 1];
    const at = i + 1;
    if (next === '"' || next === "\\") { value += next; i++; }
    else if (next === "n") { value += "\n"; i++; }
    else if (next === "t") { value += "\t"; i++; }
    else if (next === "u") {
      const m = /^u\{([0-9A-Fa-f]{1,6})\}/.exec(body.slice(i + 1));
      const code = m ? parseInt(m[1]!, 16) : NaN;
      if (m && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) { value += String.fromCodePoint(code); i += m[0].length; }
      else {
        const len = /^u(\{[^}"\s]*\}?)?/.exec(body.slice(i + 1))![0].length + 1;
        bad.push({ start: at, end: at + len, text: body.slice(i, i + len) });
        i += len - 1;
      }
    } else {
      const len = next === undefined ? 1 : 2;
      bad.push({ start: at, end: at + len, text: body.slice(i, i + len) });
      i += len - 1;
    }
  }
  return { value, bad };
}

/** `"…"` with the escapes the language knows; other control characters as `\u{…}`. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}
