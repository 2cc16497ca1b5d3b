// The checker's result: every step with its resolved inputs and port schemas,
// every expression's type, and what every name refers to. The planner reads it.
import type * as A from "../syntax/ast.js";
import type { Schema, Type } from "../values/types.js";
import type { FunctionDef } from "../values/functions/registry.js";
import type { PortFate } from "../model/ports.js";

/** What a name (or a dotted field path) in an expression refers to. */
export type Resolution =
  /** A field of the step's input record (dotted schema fields keep their dotted name). */
  | { readonly kind: "field"; readonly name: string }
  /** A `let`, an earlier assignment in the same block, or a `for each` variable. */
  | { readonly kind: "local"; readonly name: string }
  | { readonly kind: "const"; readonly name: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "table"; readonly name: string };

/** A step's input: the producing step and one of its ports (`main` for the main port). */
export interface ResolvedInput {
  readonly step: string;
  readonly port: string;
  readonly schema: Schema;
  readonly ref: A.InputRef;
}

export interface StepInfo {
  readonly name: string;
  readonly decl: A.StepDecl;
  readonly inputs: ReadonlyArray<ResolvedInput>;
  /** Output ports in a stable order; `main` is the step's own name. */
  readonly ports: ReadonlyMap<string, Schema>;
}

export interface TableInfo {
  readonly name: string;
  readonly decl: A.TableDecl;
  readonly schema: Schema;
  readonly keys: ReadonlyArray<string>;
}

export interface ParamInfo {
  readonly name: string;
  readonly decl: A.ParamDecl;
  readonly type: Type;
}

export interface ConstInfo {
  readonly name: string;
  readonly decl: A.ConstDecl;
  readonly type: Type;
}

export interface CheckedStream {
  readonly ast: A.StreamFile;
  /** The file's text (rules are reported by their source text). */
  readonly source: string;
  readonly name: string;
  readonly triggerCount?: A.Expr;
  readonly params: ReadonlyMap<string, ParamInfo>;
  readonly consts: ReadonlyMap<string, ConstInfo>;
  readonly tables: ReadonlyMap<string, TableInfo>;
  /** Steps in a topological order (every input before its consumers). */
  readonly steps: ReadonlyArray<StepInfo>;
  /** Ports no step consumes, keyed `STEP.PORT`, and where their records go. */
  readonly unconsumed: ReadonlyMap<string, PortFate>;
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly refs: ReadonlyMap<A.Expr, Resolution>;
  readonly functions: ReadonlyMap<string, FunctionDef>;
  readonly tests: ReadonlyArray<A.TestDecl>;
}
