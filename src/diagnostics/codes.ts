// The one registry of stable diagnostic codes. Each area keeps its own range in
// codes/; a spec checks that no code appears twice.
import { syntaxCodes } from "./codes/syntax.js";
import { checkCodes } from "./codes/check.js";
import { runCodes } from "./codes/run.js";

export interface CodeEntry {
  readonly severity: "error" | "warning";
  readonly title: string;
}

export const codes: Readonly<Record<Code, CodeEntry>> = { ...syntaxCodes, ...checkCodes, ...runCodes };

export type Code = keyof typeof syntaxCodes | keyof typeof checkCodes | keyof typeof runCodes;

export const codeInfo = (code: Code): CodeEntry => codes[code];
