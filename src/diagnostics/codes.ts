// The one registry of stable diagnostic codes, as TypeScript's message
// catalogue: each code has one meaning, a title, and a message template (or a
// few named wordings of that meaning) that call sites fill with named
// arguments. Each area keeps its own range in codes/; spec/diagnostics checks
// that codes are unique and that every live code is emitted by a golden case.
import { syntaxCodes } from "./codes/syntax.js";
import { checkCodes } from "./codes/check.js";
import { runCodes } from "./codes/run.js";

export interface CodeEntry {
  readonly severity: "error" | "warning";
  readonly title: string;
  /** The message template: `{name}` is filled from the argument `name`. */
  readonly message?: string;
  /** Several wordings of the code's one meaning, by name: the message id is `CODE.NAME`. */
  readonly messages?: Readonly<Record<string, string>>;
  /** A code no longer emitted, and why; its number is never given to another meaning. */
  readonly retired?: string;
  /** A defect of ours (a crash caught at its node), not a mistake in the stream. */
  readonly internal?: true;
}

const registry = { ...syntaxCodes, ...checkCodes, ...runCodes };
type Registry = typeof registry;

export type Code = keyof Registry;

export const codes: Readonly<Record<Code, CodeEntry>> = registry;

export const codeInfo = (code: Code): CodeEntry => codes[code];

/** The page that explains every code (generated from this registry by scripts/codes-doc.ts). */
export const CODES_PAGE = "docs/codes.md";

/** Where a code is explained: `docs/codes.md#e1002` (the page gives each code that anchor). */
export const codeDocs = (code: string): string => `${CODES_PAGE}#${code.toLowerCase()}`;

/** A message of the registry: `E1004`, or `E2001.order` for a code with several wordings. */
export type MessageId = {
  [C in Code]: Registry[C] extends { readonly message: string }
    ? C
    : Registry[C] extends { readonly messages: infer M }
      ? `${C}.${keyof M & string}`
      : never;
}[Code];

type TemplateOf<Id extends MessageId> = Id extends `${infer C extends Code}.${infer F}`
  ? Registry[C] extends { readonly messages: infer M }
    ? M[F & keyof M]
    : never
  : Id extends Code
    ? Registry[Id] extends { readonly message: infer S }
      ? S
      : never
    : never;

type Placeholders<S> = S extends `${string}{${infer K}}${infer Rest}` ? K | Placeholders<Rest> : never;

/** The named arguments a message's template needs. */
export type MessageArgs<Id extends MessageId> = { readonly [K in Placeholders<TemplateOf<Id>>]: string | number };

/** A filled message: its code and its text. */
export interface Message {
  readonly code: Code;
  readonly text: string;
}

/** The template of a message id. */
export function template(id: MessageId): string {
  const dot = id.indexOf(".");
  const entry = codes[(dot < 0 ? id : id.slice(0, dot)) as Code];
  const t = dot < 0 ? entry.message : entry.messages?.[id.slice(dot + 1)];
  if (t === undefined) throw new Error(`no message ${id} in the registry`);
  return t;
}

/** Fills the template of `id` with `args`. */
export function message<Id extends MessageId>(id: Id, args: MessageArgs<Id>): Message {
  const values = args as Readonly<Record<string, string | number>>;
  const text = template(id).replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
  return { code: id.slice(0, 5) as Code, text };
}
