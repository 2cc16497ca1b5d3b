// How `npm run bench` decides that a run of the interpreter and of the hand-written
// program agree: the same records of each output in the same order, each the same
// JSON text (so field order and value types count, not only deep equality), and the
// same numbers of late records and of open usage sessions.
import { isDeepStrictEqual } from "node:util";
import type { HandOutputs } from "./handwritten.js";

export const OUTPUTS = ["billing", "analytics", "reconciliation"] as const;

/** Where two runs' outputs differ, or [] when they are equal: records as JSON text, so field order counts too. */
export function differences(hand: HandOutputs, interp: HandOutputs): string[] {
  const out: string[] = [];
  for (const k of OUTPUTS) {
    if (isDeepStrictEqual(hand[k], interp[k]) && JSON.stringify(hand[k]) === JSON.stringify(interp[k])) continue;
    const i = hand[k].findIndex((r, j) => JSON.stringify(r) !== JSON.stringify(interp[k][j]));
    const at = i < 0 ? Math.min(hand[k].length, interp[k].length) : i;
    out.push(
      `${k} differs (hand-written ${hand[k].length} records, interpreter ${interp[k].length}), first at record ${at + 1}:\n` +
        `  hand-written: ${JSON.stringify(hand[k][at] ?? null)}\n  interpreter:  ${JSON.stringify(interp[k][at] ?? null)}`,
    );
  }
  if (hand.late !== interp.late) out.push(`late records differ: hand-written ${hand.late}, interpreter ${interp.late}`);
  if (hand.openSessions !== interp.openSessions) out.push(`open usage sessions differ: hand-written ${hand.openSessions}, interpreter ${interp.openSessions}`);
  return out;
}
