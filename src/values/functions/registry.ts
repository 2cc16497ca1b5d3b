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

export const builtins: ReadonlyMap<string, FunctionDef> = new Map(
  [...textFunctions, ...numberFunctions, ...conversionFunctions, ...timeFunctions, ...otherFunctions, ...simulateFunctions, ...aggregateFunctions].map(
    (f) => [f.name, f] as const,
  ),
);
