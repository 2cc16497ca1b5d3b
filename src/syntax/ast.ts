// The typed AST of a `.stream` file. Every node is readonly, discriminated on
// `kind`, and carries the span of source text it came from.

import type { Span } from "../diagnostics/span.js";

export type { Span };

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  /** Written in back-quotes in the source. */
  readonly quoted: boolean;
  readonly span: Span;
}

// ---------------------------------------------------------------- types

/** `string`, `list<int>`, `map<decimal>`; the checker validates names and arity. */
export interface TypeRef {
  readonly kind: "TypeRef";
  readonly name: Ident;
  readonly args: ReadonlyArray<TypeRef>;
  readonly span: Span;
}

/** `FIELD TYPE[?] [= LITERAL]`; a dotted field reads a nested value. */
export interface SchemaField {
  readonly kind: "SchemaField";
  readonly path: ReadonlyArray<Ident>;
  readonly type: TypeRef;
  readonly optional: boolean;
  readonly default?: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export type BinaryOp =
  | "??" | "or" | "and"
  | "==" | "!=" | "<" | "<=" | ">" | ">="
  | "in"
  | "+" | "-" | "*" | "/" | "%";

export type Expr =
  | StringLit
  | IntLit
  | DecimalLit
  | BoolLit
  | NullLit
  | DurationLit
  | ListLit
  | RecordLit
  | NameRef
  | Member
  | Index
  | Call
  | Unary
  | Binary
  | Matches
  | Between
  | IfExpr
  | ErrorExpr;

export interface StringLit { readonly kind: "StringLit"; readonly value: string; readonly span: Span }
/** `value` is exact: a number while safe (|n| <= 2^53 - 1), else a bigint (lex.ts refuses more than 64 bits). */
export interface IntLit { readonly kind: "IntLit"; readonly value: number | bigint; readonly text: string; readonly span: Span }
/** A literal with a fraction; kept as text so it stays exact. */
export interface DecimalLit { readonly kind: "DecimalLit"; readonly text: string; readonly span: Span }
export interface BoolLit { readonly kind: "BoolLit"; readonly value: boolean; readonly span: Span }
export interface NullLit { readonly kind: "NullLit"; readonly span: Span }
export type DurationUnit = "ms" | "s" | "m" | "h" | "d";
export interface DurationLit {
  readonly kind: "DurationLit";
  readonly amount: number;
  readonly unit: DurationUnit;
  /** The duration in milliseconds. */
  readonly ms: number;
  readonly text: string;
  readonly span: Span;
}
export interface ListLit { readonly kind: "ListLit"; readonly items: ReadonlyArray<Expr>; readonly span: Span }
export interface RecordLitField { readonly kind: "RecordLitField"; readonly name: Ident; readonly value: Expr; readonly span: Span }
export interface RecordLit { readonly kind: "RecordLit"; readonly fields: ReadonlyArray<RecordLitField>; readonly span: Span }

/** A bare name: a field of the input record, a `let`, a const, a param, a table or a `for each` variable. */
export interface NameRef { readonly kind: "NameRef"; readonly name: Ident; readonly span: Span }
/** `object.field` */
export interface Member { readonly kind: "Member"; readonly object: Expr; readonly field: Ident; readonly span: Span }
/** `object[key]` or `table[k1, k2]` */
export interface Index { readonly kind: "Index"; readonly object: Expr; readonly keys: ReadonlyArray<Expr>; readonly span: Span }
export interface Call { readonly kind: "Call"; readonly callee: Ident; readonly args: ReadonlyArray<Expr>; readonly span: Span }
export interface Unary { readonly kind: "Unary"; readonly op: "-" | "not"; readonly operand: Expr; readonly span: Span }
export interface Binary {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Span of the operator token, for diagnostics. */
  readonly opSpan: Span;
  readonly span: Span;
}
/** `subject matches "RE"` (RE2 syntax). */
export interface Matches { readonly kind: "Matches"; readonly subject: Expr; readonly pattern: Expr; readonly span: Span }
/** `value between low and high` (inclusive). */
export interface Between { readonly kind: "Between"; readonly value: Expr; readonly low: Expr; readonly high: Expr; readonly span: Span }
export interface IfExpr { readonly kind: "If"; readonly cond: Expr; readonly then: Expr; readonly otherwise: Expr; readonly span: Span }
/** Stands where an expression failed to parse, so later statements are still checked. */
export interface ErrorExpr { readonly kind: "ErrorExpr"; readonly span: Span }

// ---------------------------------------------------------------- statements in blocks

/** `let X = EXPR`: names a value without making it a field. */
export interface LetStmt { readonly kind: "Let"; readonly name: Ident; readonly value: Expr; readonly span: Span }
/** `FIELD = EXPR` */
export interface AssignStmt { readonly kind: "Assign"; readonly target: Ident; readonly value: Expr; readonly span: Span }
export type BlockStmt = LetStmt | AssignStmt;

/** `NAME` or `NAME.PORT` */
export interface InputRef { readonly kind: "InputRef"; readonly name: Ident; readonly port?: Ident; readonly span: Span }

// ---------------------------------------------------------------- declarations

export interface StreamDecl { readonly kind: "Stream"; readonly name: Ident; readonly span: Span }
export interface ParamDecl { readonly kind: "Param"; readonly name: Ident; readonly type: TypeRef; readonly default?: Expr; readonly span: Span }
export interface ConstDecl { readonly kind: "Const"; readonly name: Ident; readonly value: Expr; readonly span: Span }
export interface TriggerDecl { readonly kind: "Trigger"; readonly count: Expr; readonly span: Span }


/** `from FORMAT "PATH" [batch N] [delimiter ";"]`; the format name is checked by the checker. */
export interface FileOrigin {
  readonly kind: "FileOrigin";
  readonly format: Ident;
  readonly path: StringLit;
  readonly batch?: Expr;
  readonly delimiter?: StringLit;
  readonly span: Span;
}
/** `simulate N per run [seed S]` */
export interface SimulateOrigin { readonly kind: "SimulateOrigin"; readonly count: Expr; readonly seed?: Expr; readonly span: Span }
/** No `from`: records handed in by the host or `--input`. */
export interface HostOrigin { readonly kind: "HostOrigin"; readonly span: Span }

export interface SourceDecl {
  readonly kind: "Source";
  readonly name: Ident;
  readonly origin: FileOrigin | SimulateOrigin | HostOrigin;
  /** The declared schema (file and host sources). Empty for `simulate`. */
  readonly schema: ReadonlyArray<SchemaField>;
  /** The generated fields (`simulate` only). */
  readonly fields: ReadonlyArray<BlockStmt>;
  readonly span: Span;
}

export interface TableDecl {
  readonly kind: "Table";
  readonly name: Ident;
  readonly origin: FileOrigin;
  readonly keys: ReadonlyArray<Ident>;
  readonly schema: ReadonlyArray<SchemaField>;
  readonly span: Span;
}

/** `require EXPR [else "MESSAGE"]` */
export interface Rule { readonly kind: "Rule"; readonly expr: Expr; readonly message?: StringLit; readonly span: Span }
export interface ValidateDecl { readonly kind: "Validate"; readonly name: Ident; readonly input: InputRef; readonly rules: ReadonlyArray<Rule>; readonly span: Span }

/** `for each K, V in EXPR` (a map: key and value) or `for each X in EXPR` (a list: the item). */
export interface ForEach { readonly kind: "ForEach"; readonly vars: ReadonlyArray<Ident>; readonly over: Expr; readonly span: Span }
export interface MapDecl {
  readonly kind: "Map";
  readonly name: Ident;
  readonly input: InputRef;
  readonly forEach?: ForEach;
  readonly body: ReadonlyArray<BlockStmt>;
  readonly span: Span;
}
export interface EnrichDecl { readonly kind: "Enrich"; readonly name: Ident; readonly input: InputRef; readonly body: ReadonlyArray<BlockStmt>; readonly span: Span }
export interface DedupDecl {
  readonly kind: "Dedup";
  readonly name: Ident;
  readonly input: InputRef;
  readonly keys: ReadonlyArray<Expr>;
  readonly within?: Expr;
  readonly span: Span;
}
export interface MergeDecl { readonly kind: "Merge"; readonly name: Ident; readonly inputs: ReadonlyArray<InputRef>; readonly span: Span }

/** `when EXPR -> PORT` */
export interface RouteBranch { readonly kind: "RouteBranch"; readonly when: Expr; readonly port: Ident; readonly span: Span }
export interface RouteDecl {
  readonly kind: "Route";
  readonly name: Ident;
  readonly input: InputRef;
  readonly branches: ReadonlyArray<RouteBranch>;
  /** `else -> PORT` */
  readonly otherwise?: Ident;
  readonly span: Span;
}

/** `FIELD` or `NAME = EXPR` in `aggregate … by`. */
export interface AggregateKey { readonly kind: "AggregateKey"; readonly name: Ident; readonly expr?: Expr; readonly span: Span }
export type FlushTrigger =
  | { readonly kind: "FlushEachRun"; readonly span: Span }
  | { readonly kind: "FlushAfterIdle"; readonly idle: Expr; readonly span: Span }
  | { readonly kind: "FlushAt"; readonly at: Expr; readonly span: Span }
  | { readonly kind: "FlushWhen"; readonly cond: Expr; readonly span: Span };
/** `FIELD = AGG [by EXPR]`; with `by`, a map from each value of EXPR to the aggregate over its records. */
export interface AggregateField { readonly kind: "AggregateField"; readonly name: Ident; readonly value: Expr; readonly by?: Expr; readonly span: Span }
/** `event time EXPR [lateness DURATION]`: the aggregate's clock is its watermark (the largest event time seen, minus `lateness`). */
export interface EventTime { readonly kind: "EventTime"; readonly at: Expr; readonly lateness?: Expr; readonly span: Span }
export interface AggregateDecl {
  readonly kind: "Aggregate";
  readonly name: Ident;
  readonly input: InputRef;
  readonly keys: ReadonlyArray<AggregateKey>;
  /** Absent: the aggregate's clock is the run clock. */
  readonly eventTime?: EventTime;
  /** Empty means the default, `each run`. */
  readonly flush: ReadonlyArray<FlushTrigger>;
  readonly fields: ReadonlyArray<AggregateField>;
  readonly span: Span;
}

export interface AuditDecl { readonly kind: "Audit"; readonly name: Ident; readonly input: InputRef; readonly body: ReadonlyArray<BlockStmt>; readonly span: Span }
export interface SinkDecl {
  readonly kind: "Sink";
  readonly name: Ident;
  readonly inputs: ReadonlyArray<InputRef>;
  readonly format: Ident;
  readonly path: StringLit;
  readonly span: Span;
}

// ---------------------------------------------------------------- tests (docs/language.md section 9, "Tests")

export interface TestNow { readonly kind: "TestNow"; readonly value: StringLit; readonly span: Span }
/** `given SOURCE [records]` or `given TABLE [rows]` */
export interface TestGiven { readonly kind: "TestGiven"; readonly target: Ident; readonly records: Expr; readonly span: Span }
/** `expect SINK [records]`, `expect SINK count N`, `expect rejects …`, `expect STEP.PORT …` */
export interface TestExpect {
  readonly kind: "TestExpect";
  readonly target: InputRef;
  readonly records?: Expr;
  readonly count?: Expr;
  readonly span: Span;
}
export interface TestRun { readonly kind: "TestRun"; readonly body: ReadonlyArray<TestStmt>; readonly span: Span }
export type TestStmt = TestNow | TestGiven | TestExpect | TestRun;
export interface TestDecl { readonly kind: "Test"; readonly title: StringLit; readonly body: ReadonlyArray<TestStmt>; readonly span: Span }

/** Stands where a declaration failed to parse. */
export interface ErrorDecl { readonly kind: "ErrorDecl"; readonly span: Span }

export type Decl =
  | StreamDecl
  | ParamDecl
  | ConstDecl
  | TriggerDecl
  | SourceDecl
  | TableDecl
  | ValidateDecl
  | MapDecl
  | EnrichDecl
  | DedupDecl
  | MergeDecl
  | RouteDecl
  | AggregateDecl
  | AuditDecl
  | SinkDecl
  | TestDecl
  | ErrorDecl;

/** A step that produces records: the declarations that other steps may name as input. */
export type StepDecl =
  | SourceDecl
  | ValidateDecl
  | MapDecl
  | EnrichDecl
  | DedupDecl
  | MergeDecl
  | RouteDecl
  | AggregateDecl
  | AuditDecl
  | SinkDecl;

export interface StreamFile {
  readonly kind: "StreamFile";
  /** The file name as given (for diagnostics). */
  readonly filename: string;
  readonly decls: ReadonlyArray<Decl>;
  /** `# …` comments with their spans, so the printer can keep them. */
  readonly comments: ReadonlyArray<Comment>;
  readonly span: Span;
}

export interface Comment { readonly kind: "Comment"; readonly text: string; readonly span: Span }
