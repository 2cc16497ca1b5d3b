// The factories perSite copies are compiled outside their modules: a name they take
// from their module (an import, a helper beside them) would be a ReferenceError on the
// first record that reaches it. Every declared factory's text is checked here for names
// that are neither its own (parameters, locals) nor globals.
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../../src/index.js";
import { perSite, siteFactories, siteFactory } from "../../src/values/per-site.js";

// The interpreter's own, before this spec declares any.
const factories = [...siteFactories()];
const GLOBALS = new Set(["undefined", "NaN", "Infinity", "Map", "Set", "Array", "Object", "Number", "String", "Math", "Error"]);

/** The names `text` uses without declaring them, other than globals. */
function freeNames(text: string): string[] {
  const file = ts.createSourceFile("factory.js", `(${text});`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) declared.add(node.name.text);
    if (ts.isIdentifier(node)) {
      const p = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(p) && p.name === node) || (ts.isPropertyAssignment(p) && p.name === node);
      const isDeclaration = (ts.isParameter(p) || ts.isVariableDeclaration(p) || ts.isBindingElement(p)) && p.name === node;
      if (!isPropertyName && !isDeclaration) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...used].filter((n) => !declared.has(n) && !GLOBALS.has(n)).sort();
}

test("the interpreter declares its factories", () => {
  assert.ok(factories.length >= 10, `only ${factories.length} factories declared`);
});

test("every declared factory uses only its parameters, its locals and globals", () => {
  for (const f of factories) assert.equal(freeNames(f.toString()), [], f.toString());
});

test("the check finds a name a factory takes from its module", () => {
  const helper = (x: number): number => x + 1;
  const leaky = siteFactory((a: number) => () => helper(a));
  assert.equal(freeNames(leaky.toString()), ["helper"]);
  // And such a copy fails when called, which is what the check guards against.
  assert.throws(() => perSite(leaky)(1)(), (e: unknown) => e instanceof ReferenceError);
});

test("a copy computes what the factory does, and perSite refuses an undeclared factory", () => {
  const add = siteFactory((a: number, b: number) => (c: number) => a + b + c);
  assert.is(perSite(add)(1, 2)(3), 6);
  assert.is.not(perSite(add), add);
  assert.throws(() => perSite((a: number) => () => a), /not declared with siteFactory/);
});

test.run();
