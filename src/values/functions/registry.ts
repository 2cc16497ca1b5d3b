// Every built-in function, by name, in the order of docs/language.md's table.
import type { BuiltinDef } from "./def.js";
import { textFunctions } from "./text.js";
import { numberFunctions } from "./numbers.js";
import { conversionFunctions } from "./conversion.js";
import { timeFunctions } from "./time.js";
import { aggregateFunctions, otherFunctions, simulateFunctions } from "./other.js";

export type { FunctionDef, BuiltinDef, CheckResult, Param, Example, FrameNeed, CallFrame, CallSite, Compiled, Faults, FunctionGroup } from "./def.js";
export { sig, checkArgs, unifyArgs, numericParam, anyParam, scalarParam, listParam, compileCall } from "./def.js";

const all = [...textFunctions, ...numberFunctions, ...conversionFunctions, ...timeFunctions, ...otherFunctions, ...simulateFunctions, ...aggregateFunctions];

export const builtins: ReadonlyMap<string, BuiltinDef> = new Map(all.map((f) => [f.name, f] as const));
