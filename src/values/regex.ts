// Regular expressions for `matches`: RE2 syntax via re2js, linear time.
import { RE2JS } from "re2js";
import { fastRegex } from "./regex-fast.js";

export type CompiledRegex = { readonly ok: true; readonly test: (s: string) => boolean } | { readonly ok: false; readonly message: string };

/** Compiles an RE2 pattern. `test` searches anywhere in the string unless the pattern is anchored (`^…$`). */
export function compileRegex(pattern: string): CompiledRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true, test: fastRegex(pattern) ?? ((s: string) => re.test(s)) };
}
