// Codes of the lexer and parser: E0001–E0099. Never reuse a retired code.
// Where the parser library words the message, the template passes it through.
import type { CodeEntry } from "../codes.js";

export const syntaxCodes = {
  E0001: { severity: "error", title: "unexpected character", message: "unexpected {what} `{text}`" },
  E0002: { severity: "error", title: "unterminated string", message: "unterminated string" },
  E0003: { severity: "error", title: "bad escape in a string", message: "unknown escape `{escape}` in a string" },
  E0004: {
    severity: "error",
    title: "bad duration or number",
    messages: {
      unit: "unknown duration unit `{unit}` in `{text}`",
      fraction: "a duration must be a whole number: `{text}`",
      number: "malformed number `{text}`",
      intRange: "the whole number `{text}` is beyond the 64-bit range of int",
    },
  },
  E0005: { severity: "error", title: "unterminated back-quoted name", message: "unterminated back-quoted name" },
  E0010: {
    severity: "error",
    title: "unexpected token",
    messages: { token: "unexpected `{token}`", declaration: "unexpected `{token}`, expected a declaration", parser: "{parserMessage}" },
  },
  E0011: {
    severity: "error",
    title: "missing token",
    messages: { assign: "expected `=` after the field name `{name}`, found {found}", parser: "{parserMessage}" },
  },
  E0012: { severity: "error", title: "unknown declaration", message: "unknown declaration `{name}`" },
  E0013: {
    severity: "error",
    title: "unclosed block",
    messages: { atEnd: "missing `}`: the file ends inside a block", before: "missing `}` before {found}" },
  },
  E0014: { severity: "error", title: "unexpected end of file", message: "unexpected end of file: {parserMessage}" },
  E0015: { severity: "error", title: "nesting too deep", message: "nesting too deep here (limit {limit} levels)" },
  E0016: { severity: "error", title: "expression too deep", message: "expression too deep here (limit {limit} levels)" },
  E0017: { severity: "error", title: "`=` where `==` was meant", message: "`=` cannot compare; a comparison is written `==`" },
  E0099: { severity: "error", title: "internal error in the parser", message: "internal error in the parser: {reason}", internal: true },
} as const satisfies Record<string, CodeEntry>;
