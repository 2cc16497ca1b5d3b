// Codes of the checker: E1000–E1999 (names, ports, graph), E2000–E2999 (types),
// W1000– (warnings). Never reuse a retired code.
import type { CodeEntry } from "../codes.js";

export const checkCodes = {
  E1001: { severity: "error", title: "duplicate declaration" },
} as const satisfies Record<string, CodeEntry>;
