// Codes of the lexer and parser: E0001–E0099. Never reuse a retired code.
import type { CodeEntry } from "../codes.js";

export const syntaxCodes = {
  E0001: { severity: "error", title: "unexpected character" },
  E0002: { severity: "error", title: "unterminated string" },
  E0003: { severity: "error", title: "bad escape in a string" },
  E0004: { severity: "error", title: "bad duration or number" },
  E0005: { severity: "error", title: "unterminated back-quoted name" },
  E0010: { severity: "error", title: "unexpected token" },
  E0011: { severity: "error", title: "missing token" },
  E0012: { severity: "error", title: "unknown declaration" },
  E0013: { severity: "error", title: "unclosed block" },
  E0014: { severity: "error", title: "unexpected end of file" },
  E0015: { severity: "error", title: "nesting too deep" },
  E0016: { severity: "error", title: "expression too deep" },
  E0099: { severity: "error", title: "internal error in the parser" },
} as const satisfies Record<string, CodeEntry>;
