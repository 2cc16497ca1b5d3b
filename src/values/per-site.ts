// Closures with type feedback of their own. V8 keeps one type feedback per function
// text: every closure one factory makes (every `a == b` of a stream, say) shares it,
// so a call inside that closure sees every child of every such node, cannot be
// inlined, and the whole tree of an expression runs as generic calls. A copy of the
// factory compiled from its own text gives the closures it makes feedback of their
// own, for the one expression node they serve.
//
// A factory copied this way must use nothing but its parameters and globals (it is
// compiled outside its module), and must not name inner functions (a bundler's
// helper could be wrapped around them); every such factory is run by the specs, and
// spec/runtime/no-codegen.spec.ts compares it with the original's results.
import { generated } from "./record-maker.js";

/** A fresh copy of `factory` (or the factory itself where code cannot be generated). */
export function perSite<F extends (...args: never[]) => unknown>(factory: F): F {
  return generated<() => F>([], [], `return (${factory.toString()});`)?.() ?? factory;
}
