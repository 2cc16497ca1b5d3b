// Every built-in function, by name. The checker uses `check`, the expression
// compiler `impl` (absent for functions it implements itself).
import type { FunctionDef } from "./def.js";
import { textFunctions } from "./text.js";
import { numberFunctions } from "./numbers.js";
import { conversionFunctions } from "./conversion.js";
import { timeFunctions } from "./time.js";
import { aggregateFunctions, otherFunctions, simulateFunctions } from "./other.js";

export type { FunctionDef, CheckResult, Param } from "./def.js";
export { sig, checkArgs, unifyArgs, numericParam, anyParam, scalarParam, listParam } from "./def.js";

/** A safety net for totality: an implementation that throws anyway (a bug, or an engine limit) gives null. */
function total(f: FunctionDef): FunctionDef {
  const impl = f.impl;
  if (!impl) return f;
  return {
    ...f,
    impl: (...args) => {
      try {
        return impl(...args);
      } catch {
        return null;
      }
    },
  };
}

const all = [...textFunctions, ...numberFunctions, ...conversionFunctions, ...timeFunctions, ...otherFunctions, ...simulateFunctions, ...aggregateFunctions];

export const builtins: ReadonlyMap<string, FunctionDef> = new Map(all.map((f) => [f.name, total(f)] as const));

/** The implementations without the safety net, for tests that prove they do not need it. */
export const rawBuiltins: ReadonlyMap<string, FunctionDef> = new Map(all.map((f) => [f.name, f] as const));
