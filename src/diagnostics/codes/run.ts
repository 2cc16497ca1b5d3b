// Codes of the CLI, I/O and the run: E3000–E3999. Never reuse a retired code.
import type { CodeEntry } from "../codes.js";

export const runCodes = {
  E3001: { severity: "error", title: "cannot read the stream file", retired: "never emitted: the CLI reports an unreadable file in its own words" },
  E3002: { severity: "error", title: "bad compile input from the host", message: "{problem}" },
} as const satisfies Record<string, CodeEntry>;
