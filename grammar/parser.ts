// The grammar of `.stream` files (docs/language.md sections 2–4 and 9) as a chevrotain
// CstParser without embedded actions; src/syntax/build-ast.ts turns the CST
// into the typed AST. Error recovery is on, so one pass finds every mistake.
import type { IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
import { CstParser, EOF, tokenMatcher } from "./chevrotain.js";
import * as T from "./tokens.js";
import { parserMessages } from "./messages.js";

/** How deeply brackets, calls, `if`, `not`, unary `-`, `<…>` types and `run` blocks may nest
 * (docs/language.md, "Limits"). Each such level costs the recursive-descent parser up to 13
 * rules, and chevrotain's error recovery walks the grammar along the whole rule stack again:
 * at 64 levels that overflowed the call stack, at 32 it is far from it. */
export const MAX_NESTING = 32;

/** Rules each of whose invocations is one level of nesting. */
const nestingRules = ["parenthesized", "call", "listLiteral", "recordLiteral", "indexSuffix", "ifExpression", "typeRef", "braced", "testBlock"];
/** Rules that are one level when they recur directly (`not not x`, `- -x`). */
const prefixRules = ["notExpression", "unary"];

export class StreamParser extends CstParser {
  /** The tokens at which nesting went past MAX_NESTING, in the order found (parse.ts reports them). */
  public tooDeep: IToken[] = [];
  private nestingShort = new Set<number>();
  private prefixShort = new Set<number>();

  /**
   * `validate` runs chevrotain's checks of the grammar itself (ambiguities,
   * left recursion, …), which take most of the construction time and can only
   * fail when the grammar is edited: the parser a process uses skips them, and
   * spec/syntax/grammar.spec.ts builds one with them.
   */
  constructor(errorMessageProvider: IParserErrorMessageProvider = parserMessages, validate = true) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full", errorMessageProvider, skipValidations: !validate });
    this.performSelfAnalysis();
    // chevrotain keeps the live rule stack as short numeric names; see `room`.
    const short = (this as unknown as { fullRuleNameToShort: Record<string, number> }).fullRuleNameToShort;
    for (const r of nestingRules) this.nestingShort.add(short[r]!);
    for (const r of prefixRules) this.prefixShort.add(short[r]!);
  }

  /**
   * A gate before each nesting construct that begins with the tokens `first`: whether one more
 * level stays within MAX_NESTING.
   * It counts the nesting rules on chevrotain's live rule stack (which chevrotain keeps right
   * through error recovery), so no counter of ours can drift. Past the limit it records the token
   * and refuses, which ends the recursion; parse.ts turns the record into E0015.
   */
  private room(...first: TokenType[]): boolean {
    // chevrotain asks every gate of an alternation; only the alternative that would be taken counts.
    if (!first.every((t, i) => this.isA(this.LA(i + 1), t))) return true;
    const self = this as unknown as { RULE_STACK: number[]; RULE_STACK_IDX: number };
    let depth = 0;
    for (let i = 0; i <= self.RULE_STACK_IDX; i++) {
      const r = self.RULE_STACK[i]!;
      if (this.nestingShort.has(r) || (this.prefixShort.has(r) && self.RULE_STACK[i - 1] === r)) depth++;
    }
    if (depth < MAX_NESTING) return true;
    const at = this.LA(1);
    if (!this.tooDeep.includes(at)) this.tooDeep.push(at);
    return false;
  }

  /**
   * Parses `tokens` as one statement of a block (to find mistakes that recovery
   * skipped): the errors, and a token left over after the statement as one more.
   */
  public parseStatement(tokens: IToken[], rule: "statement" | "rule" | "aggregateField" | "routeBranch"): IRecognitionException[] {
    this.input = tokens;
    this[rule]();
    const errors = [...this.errors];
    const rest = this.LA(1);
    if (!errors.length && rest.tokenType !== EOF) {
      errors.push({ name: "NotAllInputParsedException", message: `unexpected \`${rest.image}\``, token: rest, resyncedTokens: [], context: { ruleStack: [rule], ruleOccurrenceStack: [] } });
    }
    return errors;
  }

  /** A token that begins a new line after the last consumed one. */
  private startsLine(): boolean {
    const next = this.LA(1);
    return next.tokenType !== EOF && next.startLine! > (this.LA(0).endLine ?? 0);
  }

  private isA(token: { tokenType: TokenType }, type: TokenType): boolean {
    return tokenMatcher(token as never, type);
  }

  public streamFile = this.RULE("streamFile", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  public declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.streamDecl) },
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.triggerDecl) },
      { ALT: () => this.SUBRULE(this.sourceDecl) },
      { ALT: () => this.SUBRULE(this.tableDecl) },
      { ALT: () => this.SUBRULE(this.validateDecl) },
      { ALT: () => this.SUBRULE(this.mapDecl) },
      { ALT: () => this.SUBRULE(this.enrichDecl) },
      { ALT: () => this.SUBRULE(this.dedupDecl) },
      { ALT: () => this.SUBRULE(this.mergeDecl) },
      { ALT: () => this.SUBRULE(this.routeDecl) },
      { ALT: () => this.SUBRULE(this.aggregateDecl) },
      { ALT: () => this.SUBRULE(this.auditDecl) },
      { ALT: () => this.SUBRULE(this.sinkDecl) },
      { ALT: () => this.SUBRULE(this.testDecl) },
      { ALT: () => this.SUBRULE(this.strayDecl) },
    ]);
  });

  /** Tokens that do not start a declaration: a misspelled keyword or debris after an
   * error. It runs to the next line that begins with a name, so each line is judged once. */
  public strayDecl = this.RULE("strayDecl", () => {
    this.SUBRULE(this.strayToken);
    this.MANY({
      GATE: () => !(this.startsLine() && this.isA(this.LA(1), T.Name)),
      DEF: () => this.SUBRULE2(this.strayToken),
    });
  });

  public strayToken = this.RULE("strayToken", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Loose) },
      { ALT: () => this.CONSUME(T.RCurly) },
      { GATE: () => this.room(T.LCurly), ALT: () => this.SUBRULE(this.braced) },
    ]);
  });

  public braced = this.RULE("braced", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([
      { ALT: () => this.CONSUME(T.Loose) },
      { ALT: () => this.CONSUME(T.DeclKeyword) },
      { GATE: () => this.room(T.LCurly), ALT: () => this.SUBRULE(this.braced) },
    ]));
    this.CONSUME(T.RCurly);
  });

  public streamDecl = this.RULE("streamDecl", () => {
    this.CONSUME(T.Stream);
    this.CONSUME(T.Name);
  });

  public paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Name);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.expression);
    });
  });

  public constDecl = this.RULE("constDecl", () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Name);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression);
  });

  public triggerDecl = this.RULE("triggerDecl", () => {
    this.CONSUME(T.Trigger);
    this.CONSUME(T.Count);
    this.SUBRULE(this.expression);
  });

  public sourceDecl = this.RULE("sourceDecl", () => {
    this.CONSUME(T.Source);
    this.CONSUME(T.Name);
    this.OR([
      { ALT: () => { this.SUBRULE(this.fileOrigin); this.SUBRULE(this.schemaBlock); } },
      { ALT: () => { this.SUBRULE(this.simulateOrigin); this.SUBRULE(this.assignBlock); } },
      { ALT: () => this.SUBRULE2(this.schemaBlock) },
    ]);
  });

  public fileOrigin = this.RULE("fileOrigin", () => {
    this.CONSUME(T.From);
    this.CONSUME(T.Name);
    this.CONSUME(T.StringLiteral);
    this.OPTION(() => { this.CONSUME(T.Batch); this.SUBRULE(this.expression); });
    this.OPTION2(() => { this.CONSUME(T.Delimiter); this.CONSUME2(T.StringLiteral); });
  });

  public simulateOrigin = this.RULE("simulateOrigin", () => {
    this.CONSUME(T.Simulate);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Per);
    this.CONSUME(T.Run);
    this.OPTION(() => { this.CONSUME(T.Seed); this.SUBRULE2(this.expression); });
  });

  public tableDecl = this.RULE("tableDecl", () => {
    this.CONSUME(T.Table);
    this.CONSUME(T.Name);
    this.SUBRULE(this.fileOrigin);
    this.CONSUME(T.Key);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Name) });
    this.SUBRULE(this.schemaBlock);
  });

  public schemaBlock = this.RULE("schemaBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => { this.SUBRULE(this.schemaField); this.SUBRULE(this.separator); });
    this.CONSUME(T.RCurly);
  });

  public schemaField = this.RULE("schemaField", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Dot, DEF: () => this.CONSUME(T.Name) });
    this.SUBRULE(this.typeRef);
    this.OPTION(() => this.CONSUME(T.Question));
    this.OPTION2(() => { this.CONSUME(T.Assign); this.SUBRULE(this.expression); });
  });

  public typeRef = this.RULE("typeRef", () => {
    this.CONSUME(T.Name);
    this.OPTION({
      GATE: () => this.room(T.Lt),
      DEF: () => {
        this.CONSUME(T.Lt);
        this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.typeRef) });
        this.CONSUME(T.Gt);
      },
    });
  });

  /** Items in blocks may be separated by newlines, spaces, `,` or `;`. */
  public separator = this.RULE("separator", () => {
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
  });

  public validateDecl = this.RULE("validateDecl", () => {
    this.CONSUME(T.Validate);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.CONSUME(T.LCurly);
    this.MANY(() => { this.SUBRULE(this.rule); this.SUBRULE(this.separator); });
    this.CONSUME(T.RCurly);
  });

  public rule = this.RULE("rule", () => {
    this.CONSUME(T.Require);
    this.SUBRULE(this.expression);
    this.OPTION(() => { this.CONSUME(T.Else); this.CONSUME(T.StringLiteral); });
  });

  public mapDecl = this.RULE("mapDecl", () => {
    this.CONSUME(T.MapKw);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.OPTION(() => this.SUBRULE(this.forEach));
    this.SUBRULE(this.assignBlock);
  });

  public forEach = this.RULE("forEach", () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Each);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Name) });
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
  });

  public enrichDecl = this.RULE("enrichDecl", () => {
    this.CONSUME(T.Enrich);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.SUBRULE(this.assignBlock);
  });

  public auditDecl = this.RULE("auditDecl", () => {
    this.CONSUME(T.Audit);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.SUBRULE(this.assignBlock);
  });

  public assignBlock = this.RULE("assignBlock", () => {
    this.CONSUME(T.LCurly);
    // A declaration keyword not followed by `=` ends the block: the `}` is missing.
    this.MANY({
      GATE: () => !this.isA(this.LA(1), T.DeclKeyword) || this.isA(this.LA(2), T.Assign),
      DEF: () => { this.SUBRULE(this.statement); this.SUBRULE(this.separator); },
    });
    this.CONSUME(T.RCurly);
  });

  public statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Let); this.CONSUME(T.Name); this.CONSUME(T.Assign); this.SUBRULE(this.expression); } },
      { ALT: () => { this.CONSUME2(T.Name); this.CONSUME2(T.Assign); this.SUBRULE2(this.expression); } },
    ]);
  });

  public dedupDecl = this.RULE("dedupDecl", () => {
    this.CONSUME(T.Dedup);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.OPTION(() => { this.CONSUME(T.Within); this.SUBRULE2(this.expression); });
  });

  public mergeDecl = this.RULE("mergeDecl", () => {
    this.CONSUME(T.Merge);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.inputRef) });
  });

  public routeDecl = this.RULE("routeDecl", () => {
    this.CONSUME(T.Route);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.routeBranch) },
        { ALT: () => this.SUBRULE(this.routeElse) },
      ]);
      this.SUBRULE(this.separator);
    });
    this.CONSUME(T.RCurly);
  });

  public routeBranch = this.RULE("routeBranch", () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Arrow);
    this.CONSUME(T.Name);
  });

  public routeElse = this.RULE("routeElse", () => {
    this.CONSUME(T.Else);
    this.CONSUME(T.Arrow);
    this.CONSUME(T.Name);
  });

  public aggregateDecl = this.RULE("aggregateDecl", () => {
    this.CONSUME(T.Aggregate);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.SUBRULE(this.inputRef);
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.aggregateKey) });
    this.OPTION2(() => this.SUBRULE(this.eventTime));
    this.OPTION(() => {
      this.CONSUME(T.Flush);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE(this.flushTrigger) });
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => { this.SUBRULE(this.aggregateField); this.SUBRULE(this.separator); });
    this.CONSUME(T.RCurly);
  });

  /** `event time EXPR [lateness DURATION]`: the aggregate's clock is its watermark. */
  public eventTime = this.RULE("eventTime", () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.Time);
    this.SUBRULE(this.expression);
    this.OPTION(() => { this.CONSUME(T.Lateness); this.SUBRULE2(this.expression); });
  });

  public aggregateKey = this.RULE("aggregateKey", () => {
    this.CONSUME(T.Name);
    this.OPTION(() => { this.CONSUME(T.Assign); this.SUBRULE(this.expression); });
  });

  public flushTrigger = this.RULE("flushTrigger", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Each); this.CONSUME(T.Run); } },
      { ALT: () => { this.CONSUME(T.After); this.SUBRULE(this.expression); this.CONSUME(T.Idle); } },
      { ALT: () => { this.CONSUME(T.At); this.SUBRULE2(this.expression); } },
      { ALT: () => { this.CONSUME(T.When); this.SUBRULE3(this.expression); } },
    ]);
  });

  public aggregateField = this.RULE("aggregateField", () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression);
    this.OPTION(() => { this.CONSUME(T.By); this.SUBRULE2(this.expression); });
  });

  public sinkDecl = this.RULE("sinkDecl", () => {
    this.CONSUME(T.Sink);
    this.CONSUME(T.Name);
    this.CONSUME(T.From);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.inputRef) });
    this.CONSUME(T.To);
    this.CONSUME2(T.Name);
    this.CONSUME(T.StringLiteral);
  });

  public inputRef = this.RULE("inputRef", () => {
    this.CONSUME(T.Name);
    this.OPTION(() => { this.CONSUME(T.Dot); this.CONSUME2(T.Name); });
  });

  public testDecl = this.RULE("testDecl", () => {
    this.CONSUME(T.Test);
    this.CONSUME(T.StringLiteral);
    this.SUBRULE(this.testBlock);
  });

  public testBlock = this.RULE("testBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => { this.SUBRULE(this.testStatement); this.SUBRULE(this.separator); });
    this.CONSUME(T.RCurly);
  });

  public testStatement = this.RULE("testStatement", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Now); this.CONSUME(T.StringLiteral); } },
      { ALT: () => { this.CONSUME(T.Given); this.CONSUME(T.Name); this.SUBRULE(this.listLiteral); } },
      {
        ALT: () => {
          this.CONSUME(T.Expect);
          this.SUBRULE(this.inputRef);
          this.OR2([
            { ALT: () => { this.CONSUME(T.Count); this.SUBRULE(this.expression); } },
            { ALT: () => this.SUBRULE2(this.listLiteral) },
          ]);
        },
      },
      { GATE: () => this.room(T.Run), ALT: () => { this.CONSUME(T.Run); this.SUBRULE(this.testBlock); } },
    ]);
  });

  // ------------------------------------------------------------ expressions, loosest first

  public expression = this.RULE("expression", () => {
    this.OR([
      { GATE: () => this.room(T.If), ALT: () => this.SUBRULE(this.ifExpression) },
      { ALT: () => this.SUBRULE(this.coalesceExpression) },
    ]);
  });

  public ifExpression = this.RULE("ifExpression", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression);
  });

  public coalesceExpression = this.RULE("coalesceExpression", () => {
    this.SUBRULE(this.orExpression);
    this.MANY(() => { this.CONSUME(T.Coalesce); this.SUBRULE2(this.orExpression); });
  });

  public orExpression = this.RULE("orExpression", () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => { this.CONSUME(T.Or); this.SUBRULE2(this.andExpression); });
  });

  public andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => { this.CONSUME(T.And); this.SUBRULE2(this.notExpression); });
  });

  public notExpression = this.RULE("notExpression", () => {
    this.OR([
      { GATE: () => this.room(T.Not), ALT: () => { this.CONSUME(T.Not); this.SUBRULE(this.notExpression); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  public comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => this.OR([
      { ALT: () => { this.SUBRULE(this.comparisonOperator); this.SUBRULE2(this.additive); } },
      { ALT: () => { this.CONSUME(T.In); this.SUBRULE3(this.additive); } },
      { ALT: () => { this.CONSUME(T.Matches); this.SUBRULE4(this.additive); } },
      { ALT: () => { this.CONSUME(T.Between); this.SUBRULE5(this.additive); this.CONSUME(T.And); this.SUBRULE6(this.additive); } },
    ]));
  });

  public comparisonOperator = this.RULE("comparisonOperator", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.EqEq) },
      { ALT: () => this.CONSUME(T.NotEq) },
      { ALT: () => this.CONSUME(T.LtEq) },
      { ALT: () => this.CONSUME(T.GtEq) },
      { ALT: () => this.CONSUME(T.Lt) },
      { ALT: () => this.CONSUME(T.Gt) },
    ]);
  });

  public additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  public multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }, { ALT: () => this.CONSUME(T.Percent) }]);
      this.SUBRULE2(this.unary);
    });
  });

  public unary = this.RULE("unary", () => {
    this.OR([
      { GATE: () => this.room(T.Minus), ALT: () => { this.CONSUME(T.Minus); this.SUBRULE(this.unary); } },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  public postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.OR([
      { ALT: () => this.SUBRULE(this.memberSuffix) },
      { GATE: () => this.room(T.LBracket), ALT: () => this.SUBRULE(this.indexSuffix) },
    ]));
  });

  public memberSuffix = this.RULE("memberSuffix", () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Name);
  });

  public indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  public primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.IntegerLiteral) },
      { ALT: () => this.CONSUME(T.DecimalLiteral) },
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { GATE: () => this.room(T.Name, T.LParen), ALT: () => this.SUBRULE(this.call) },
      // A name before `(` is a call, even where the call is refused for nesting too deep.
      { GATE: () => !this.isA(this.LA(2), T.LParen), ALT: () => this.CONSUME(T.Name) },
      { GATE: () => this.room(T.LParen), ALT: () => this.SUBRULE(this.parenthesized) },
      { GATE: () => this.room(T.LBracket), ALT: () => this.SUBRULE(this.listLiteral) },
      { GATE: () => this.room(T.LCurly), ALT: () => this.SUBRULE(this.recordLiteral) },
    ]);
  });

  public call = this.RULE("call", () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RParen);
  });

  public parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  public listLiteral = this.RULE("listLiteral", () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.SUBRULE(this.expression);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  public recordLiteral = this.RULE("recordLiteral", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => { this.SUBRULE(this.recordField); this.SUBRULE(this.separator); });
    this.CONSUME(T.RCurly);
  });

  public recordField = this.RULE("recordField", () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });
}

let parser: StreamParser | undefined;

/**
 * The one parser of the process, built when first asked for (building it runs
 * the grammar analysis, which a process that never parses should not pay for).
 */
export function streamParser(): StreamParser {
  return (parser ??= new StreamParser(parserMessages, false));
}

/** Whether streamParser() has built the parser yet (a spec checks that importing does not). */
export const parserBuilt = (): boolean => parser !== undefined;
