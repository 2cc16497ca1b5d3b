// chevrotain's runtime, from the single-file build its package ships
// (lib/chevrotain.mjs, lodash inlined) rather than its package entry, which
// loads lodash-es as some 600 ES modules: 0.03 s of CPU instead of 0.7 s at every
// start of `interpret`. Every runtime use of chevrotain goes through this module,
// so token types and parsers all come from one copy. Types still come from the
// package's own declarations. Should a later chevrotain stop shipping that file,
// the package entry is loaded instead: slower, the same API.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type * as Chevrotain from "chevrotain";

const bundle = new URL("../chevrotain.mjs", import.meta.resolve("chevrotain"));
const chevrotain = (fs.existsSync(fileURLToPath(bundle)) ? await import(bundle.href) : await import("chevrotain")) as typeof Chevrotain;

export const { EOF, createToken, createTokenInstance, tokenMatcher, generateCstDts, createSyntaxDiagramsCode } = chevrotain;
// The classes, as values and as types.
export const CstParser = chevrotain.CstParser;
export type CstParser = Chevrotain.CstParser;
export const Lexer = chevrotain.Lexer;
export type Lexer = Chevrotain.Lexer;
