// Closures with type feedback of their own. V8 keeps one type feedback per function
// text: every closure one factory makes (every `a == b` of a stream, say) shares it,
// so a call inside that closure sees every child of every such node, cannot be
// inlined, and the whole tree of an expression runs as generic calls. A copy of the
// factory compiled from its own text gives the closures it makes feedback of their
// own, for the one expression node (or step) they serve.
//
// A copied factory is compiled outside its module, so it may use nothing but its
// parameters and globals. Every factory is declared with `siteFactory`, and
// spec/values/per-site.spec.ts checks each declared one's text for free names;
// spec/runtime/no-codegen.spec.ts compares the copies' results with the originals'.
import { generated } from "./record-maker.js";

const declared: Array<(...args: never[]) => unknown> = [];
const known = new WeakSet<object>();

/** Declares `factory` as one `perSite` may copy (at module level, so the specs see them all). */
export function siteFactory<F extends (...args: never[]) => unknown>(factory: F): F {
  declared.push(factory);
  known.add(factory);
  return factory;
}

/** Every factory declared so far (for the specs). */
export const siteFactories = (): ReadonlyArray<(...args: never[]) => unknown> => declared;

/** A fresh copy of `factory` (or the factory itself where code cannot be generated). */
export function perSite<F extends (...args: never[]) => unknown>(factory: F): F {
  if (!known.has(factory)) throw new Error("internal: perSite was given a factory not declared with siteFactory");
  return generated<() => F>([], [], `return (${factory.toString()});`)?.() ?? factory;
}
