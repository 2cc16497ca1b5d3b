// Codes of the CLI, I/O and the run: E3000–E3999. Never reuse a retired code.
import type { CodeEntry } from "../codes.js";

export const runCodes = {
  E3001: { severity: "error", title: "cannot read the stream file" },
  E3002: { severity: "error", title: "bad compile input from the host" },
} as const satisfies Record<string, CodeEntry>;
