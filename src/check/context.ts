// State shared by the checks of one stream file: its declarations by name,
// the side tables they fill, and the diagnostics they report.
import type * as A from "../syntax/ast.js";
import { diagnostic, type Diagnostic, type DiagnosticOptions } from "../diagnostics/diagnostic.js";
import { message, type Message, type MessageArgs, type MessageId } from "../diagnostics/codes.js";
import type { Type } from "../values/types.js";
import type { FunctionDef } from "../values/functions/registry.js";
import type { ConstInfo, ParamInfo, Resolution, TableInfo } from "./checked.js";

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<A.Expr, Type>();
  readonly refs = new Map<A.Expr, Resolution>();
  readonly params = new Map<string, ParamInfo>();
  readonly consts = new Map<string, ConstInfo>();
  readonly tables = new Map<string, TableInfo>();
  readonly usedTables = new Set<string>();
  /** An input failed to resolve: the graph is incomplete, so "not consumed" would be noise. */
  unresolvedInputs = false;
  /** Every named declaration, for duplicate and "did you mean" checks. */
  readonly named = new Map<string, A.Decl & { readonly name: A.Ident }>();

  constructor(
    readonly file: string,
    readonly functions: ReadonlyMap<string, FunctionDef>,
    /** The text of declarations that failed to parse (already reported). */
    private readonly brokenDecls: ReadonlyArray<string> = [],
    /** Declarations that parsed only with recovery (a syntax error inside, already reported). */
    private readonly damagedDecls: ReadonlyArray<A.Span> = [],
  ) {}

  /**
   * Whether `span` lies in a declaration with a syntax error: what recovery made of it is a
   * guess, so checking it would report the guess (an empty format, a keyword read as a type)
   * rather than the user's text. Its outputs are open schemas for the same reason.
   */
  inDamagedDecl(span: A.Span): boolean {
    return this.damagedDecls.some((d) => span.start >= d.start && span.start <= d.end);
  }

  /**
   * Whether a name stands in a declaration that failed to parse: a step named
   * there is probably declared there, so "unknown step" would repeat the syntax error.
   */
  namedInBrokenDecl(name: string): boolean {
    const word = new RegExp(`(^|[^A-Za-z0-9_\`])${name.replace(/[^A-Za-z0-9_]/g, "\\$&")}($|[^A-Za-z0-9_\`])`);
    return this.brokenDecls.some((text) => word.test(text));
  }

  /** Reports the registry message `id` filled with `args`. */
  report<Id extends MessageId>(id: Id, args: MessageArgs<Id>, span: A.Span, options?: DiagnosticOptions): void {
    this.reportMessage(message(id, args), span, options);
  }

  reportMessage(m: Message, span: A.Span, options?: DiagnosticOptions): void {
    if (this.inDamagedDecl(span)) return;
    this.diagnostics.push(diagnostic(this.file, m, span, options));
  }

  /**
   * Runs one check (of a declaration, a step, a test). A check that crashes is
   * a defect of ours: it becomes one internal diagnostic at `span`, and the
   * other checks still run.
   */
  isolated<R>(span: A.Span, check: () => R): R | undefined {
    try {
      return check();
    } catch (error) {
      this.report("E1999.check", { reason: error instanceof Error ? error.message : String(error) }, span);
      return undefined;
    }
  }
}
