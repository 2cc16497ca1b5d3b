// Tokens of the stream language. Keywords are soft: every keyword that may also
// name a field belongs to the `Name` category, so the parser accepts it wherever
// a name is expected. Expression keywords (`if`, `and`, `true`, …) are reserved;
// back-quotes (`` `if` ``) make them names.
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

/** Anything that can stand where a name is expected. */
export const Name = createToken({ name: "Name", pattern: Lexer.NA });
/** Keywords that start a declaration; the parser resynchronises on them. */
export const DeclKeyword = createToken({ name: "DeclKeyword", pattern: Lexer.NA });
/** Every token but braces and declaration keywords: what a stray declaration may hold. */
export const Loose = createToken({ name: "Loose", pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name, Loose] });
export const QuotedName = createToken({ name: "QuotedName", pattern: /`[^`\n\r]*`/, categories: [Name, Loose] });
/** Lexed so the error points at the opening back-quote; lex.ts turns it into a QuotedName. */
export const UnterminatedQuotedName = createToken({ name: "UnterminatedQuotedName", pattern: /`[^`\n\r]*/, categories: [Name, Loose] });

function keyword(word: string, categories: TokenType[]): TokenType {
  const name = `Kw${word[0]!.toUpperCase()}${word.slice(1)}`;
  return createToken({ name, pattern: word, longer_alt: Identifier, categories });
}
const decl = (word: string) => keyword(word, [Name, DeclKeyword]);
const soft = (word: string) => keyword(word, [Name, Loose]);
const hard = (word: string) => keyword(word, [Loose]);

export const Stream = decl("stream");
export const Param = decl("param");
export const Const = decl("const");
export const Trigger = decl("trigger");
export const Source = decl("source");
export const Table = decl("table");
export const Validate = decl("validate");
export const MapKw = decl("map");
export const Enrich = decl("enrich");
export const Dedup = decl("dedup");
export const Merge = decl("merge");
export const Route = decl("route");
export const Aggregate = decl("aggregate");
export const Audit = decl("audit");
export const Sink = decl("sink");
export const Test = decl("test");

export const Count = soft("count");
export const From = soft("from");
export const Batch = soft("batch");
export const Delimiter = soft("delimiter");
export const Simulate = soft("simulate");
export const Per = soft("per");
export const Run = soft("run");
export const Seed = soft("seed");
export const Key = soft("key");
export const Require = soft("require");
export const Let = soft("let");
export const For = soft("for");
export const Each = soft("each");
export const By = soft("by");
export const Within = soft("within");
export const When = soft("when");
export const Flush = soft("flush");
export const After = soft("after");
export const Idle = soft("idle");
export const At = soft("at");
export const Event = soft("event");
export const Time = soft("time");
export const Lateness = soft("lateness");
export const To = soft("to");
export const Now = soft("now");
export const Given = soft("given");
export const Expect = soft("expect");

export const If = hard("if");
export const Then = hard("then");
export const Else = hard("else");
export const And = hard("and");
export const Or = hard("or");
export const Not = hard("not");
export const In = hard("in");
export const Matches = hard("matches");
export const Between = hard("between");
export const True = hard("true");
export const False = hard("false");
export const Null = hard("null");

export const declKeywords: ReadonlyArray<TokenType> = [Stream, Param, Const, Trigger, Source, Table, Validate, MapKw, Enrich, Dedup, Merge, Route, Aggregate, Audit, Sink, Test];
export const softKeywords: ReadonlyArray<TokenType> = [Count, From, Batch, Delimiter, Simulate, Per, Run, Seed, Key, Require, Let, For, Each, By, Within, When, Flush, After, Idle, At, Event, Time, Lateness, To, Now, Given, Expect];
export const hardKeywords: ReadonlyArray<TokenType> = [If, Then, Else, And, Or, Not, In, Matches, Between, True, False, Null];

const punct = (name: string, pattern: string) => createToken({ name, pattern, categories: [Loose] });
export const Arrow = punct("Arrow", "->");
export const Coalesce = punct("Coalesce", "??");
export const EqEq = punct("EqEq", "==");
export const NotEq = punct("NotEq", "!=");
export const LtEq = punct("LtEq", "<=");
export const GtEq = punct("GtEq", ">=");
export const Lt = punct("Lt", "<");
export const Gt = punct("Gt", ">");
export const Assign = punct("Assign", "=");
export const Plus = punct("Plus", "+");
export const Minus = punct("Minus", "-");
export const Star = punct("Star", "*");
export const Slash = punct("Slash", "/");
export const Percent = punct("Percent", "%");
export const Dot = punct("Dot", ".");
export const Comma = punct("Comma", ",");
export const Semicolon = punct("Semicolon", ";");
export const Colon = punct("Colon", ":");
export const Question = punct("Question", "?");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LCurly = createToken({ name: "LCurly", pattern: "{" });
export const RCurly = createToken({ name: "RCurly", pattern: "}" });

export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, categories: [Loose] });
/** A string that runs to the end of the line; lex.ts reports it and turns it into a StringLiteral. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/, categories: [Loose] });
// A number must not run into letters, digits or a dot: `30x` and `1.5.2` are BadNumber.
export const DurationLiteral = createToken({ name: "DurationLiteral", pattern: /[0-9][0-9_]*(?:ms|s|m|h|d)(?![A-Za-z0-9_.])/, categories: [Loose] });
export const DecimalLiteral = createToken({ name: "DecimalLiteral", pattern: /[0-9][0-9_]*\.[0-9][0-9_]*(?![A-Za-z0-9_.])/, categories: [Loose] });
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: /[0-9][0-9_]*(?![A-Za-z0-9_.])/, categories: [Loose] });
/** Lexed so it can be reported as one mistake; lex.ts turns it into an IntegerLiteral. */
export const BadNumber = createToken({ name: "BadNumber", pattern: /[0-9][A-Za-z0-9_.]*/, categories: [Loose] });

export const allTokens: TokenType[] = [
  WhiteSpace, Comment,
  Name, DeclKeyword, Loose,
  ...declKeywords, ...softKeywords, ...hardKeywords,
  Identifier, QuotedName, UnterminatedQuotedName,
  StringLiteral, UnterminatedString,
  DurationLiteral, DecimalLiteral, IntegerLiteral, BadNumber,
  Arrow, Coalesce, EqEq, NotEq, LtEq, GtEq, Lt, Gt, Assign,
  Plus, Minus, Star, Slash, Percent, Dot, Comma, Semicolon, Colon, Question,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly,
];

/** How the lexer is built; `validate` runs chevrotain's checks of the token patterns (spec/syntax/grammar.spec.ts does). */
export const newStreamLexer = (validate = true): Lexer => new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: !validate });

let lexer: Lexer | undefined;

/**
 * The lexer of the process, built on its first use (building it analyses every
 * token pattern, which a process that never lexes should not pay for), without
 * the pattern checks, which only an edit of this file can make fail.
 */
export const streamLexer: Pick<Lexer, "tokenize"> = {
  tokenize: (text, initialMode) => (lexer ??= newStreamLexer(false)).tokenize(text, initialMode),
};

/** What a user calls a token kind, for messages: "`from`", "a name", "a string". */
export function describeTokenType(type: TokenType): string {
  const pattern = type.PATTERN;
  if (type.name.startsWith("Kw") && typeof pattern === "string") return `\`${pattern}\``;
  switch (type) {
    case Name: case Identifier: case QuotedName: return "a name";
    case StringLiteral: return "a string";
    case IntegerLiteral: return "a whole number";
    case DecimalLiteral: return "a number";
    case DurationLiteral: return "a duration";
    case DeclKeyword: return "a declaration";
    default: return typeof pattern === "string" ? `\`${pattern}\`` : type.name;
  }
}
