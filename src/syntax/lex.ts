// Lexing with diagnostics. Malformed literals are reported here once, then handed
// to the parser as well-formed tokens so one mistake does not cascade.
import type { IToken, TokenType } from "chevrotain";
import { createTokenInstance } from "../../grammar/chevrotain.js";
import * as T from "../../grammar/tokens.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { message, type Message } from "../diagnostics/codes.js";
import type { Comment } from "./ast.js";
import { LineIndex, tokenSpan } from "./span.js";
import { decodeString } from "./strings.js";

export interface Lexed {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
  /** Decoded string values by token start offset. */
  readonly strings: ReadonlyMap<number, string>;
  /** Start offsets of literal tokens that were malformed: the AST gets an ErrorExpr there. */
  readonly malformed: ReadonlySet<number>;
}

function retype(t: IToken, type: TokenType): IToken {
  return createTokenInstance(type, t.image, t.startOffset, t.endOffset ?? t.startOffset, t.startLine ?? 1, t.endLine ?? 1, t.startColumn ?? 1, t.endColumn ?? 1);
}

function badNumberMessage(image: string): { message: Message; hint?: string } {
  const unit = /^[0-9_]+([A-Za-z]+)$/.exec(image);
  if (unit) return { message: message("E0004.unit", { unit: unit[1]!, text: image }), hint: "a duration is a whole number glued to `ms`, `s`, `m`, `h` or `d`, like `30d`" };
  if (/^[0-9_]+\.[0-9_]+[A-Za-z]+$/.test(image)) return { message: message("E0004.fraction", { text: image }), hint: "use a smaller unit, like `90m` for an hour and a half" };
  return { message: message("E0004.number", { text: image }) };
}

export function lex(text: string, file: string, lines: LineIndex): Lexed {
  const result = T.streamLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const strings = new Map<number, string>();
  const malformed = new Set<number>();
  // A single-quoted string is one mistake: its closing quote is not reported again.
  let closingQuote = -1;
  for (const e of result.errors) {
    if (e.offset === closingQuote) continue;
    const bad = text.slice(e.offset, e.offset + e.length);
    const shown = bad.length > 20 ? `${bad.slice(0, 17)}...` : bad;
    const plural = [...bad].length > 1 ? "characters" : "character";
    const quoted = bad.startsWith("'") ? /^'([^'\n]*)'/.exec(text.slice(e.offset)) : null;
    if (quoted) closingQuote = e.offset + quoted[0].length - 1;
    const hint = bad.startsWith("'") ? { hint: `strings are written in double quotes${quoted ? `: ${JSON.stringify(quoted[1])}` : ""}` } : {};
    diagnostics.push(diagnostic(file, message("E0001", { what: plural, text: shown }), lines.span(e.offset, e.offset + e.length), hint));
  }
  const tokens = result.tokens.map((t) => {
    switch (t.tokenType) {
      case T.StringLiteral:
      case T.UnterminatedString: {
        const closed = t.tokenType === T.StringLiteral;
        const { value, bad } = decodeString(t.image, closed);
        strings.set(t.startOffset, value);
        for (const b of bad) {
          diagnostics.push(diagnostic(file, message("E0003", { escape: b.text }), lines.span(t.startOffset + b.start, t.startOffset + b.end), {
            hint: b.text.startsWith("\\u") ? "write a code point as `\\u{1F600}`" : "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`",
          }));
        }
        if (closed) return t;
        diagnostics.push(diagnostic(file, message("E0002", {}), lines.span(t.startOffset, t.startOffset + 1), {
          label: "this string has no closing `\"` on its line",
        }));
        return retype(t, T.StringLiteral);
      }
      case T.UnterminatedQuotedName:
        diagnostics.push(diagnostic(file, message("E0005", {}), lines.span(t.startOffset, t.startOffset + 1), {
          label: "this name has no closing back-quote on its line",
        }));
        return retype(t, T.QuotedName);
      case T.BadNumber: {
        malformed.add(t.startOffset);
        const { message: m, hint } = badNumberMessage(t.image);
        diagnostics.push(diagnostic(file, m, tokenSpan(t), hint === undefined ? {} : { hint }));
        return retype(t, T.IntegerLiteral);
      }
      case T.IntegerLiteral: {
        // An int is 64-bit: a literal past 2^63 - 1 is a mistake here, not a wrong value at run time.
        const digits = t.image.replace(/_/g, "").replace(/^0+(?=.)/, "");
        if (digits.length > 19 || (digits.length === 19 && digits > "9223372036854775807")) {
          malformed.add(t.startOffset);
          const shown = t.image.length > 30 ? `${t.image.slice(0, 27)}...` : t.image;
          diagnostics.push(diagnostic(file, message("E0004.intRange", { text: shown }), tokenSpan(t), {
            hint: "an int is 64-bit, at most 9223372036854775807; a larger number can be a decimal, written with `.0`",
          }));
        }
        return t;
      }
      default:
        return t;
    }
  });
  const comments: Comment[] = (result.groups["comments"] ?? []).map((c) => ({ kind: "Comment", text: c.image, span: tokenSpan(c) }));
  return { tokens, comments, diagnostics, strings, malformed };
}
