/**
 * The layers of the code base, measured on the files themselves (not on the
 * lint config that encodes them): every relative import of every non-test
 * TypeScript file, resolved to the top-level folder it lands in.
 *   model/  <-  environments/ cost/ policies/ components/ functions/  <-  platform/  <-  cli/
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const SKIP = new Set(["node_modules", "test", ".git", "bin", "dist"]);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

/** Relative module specifiers of a file: imports, re-exports, require() and import(). */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")))
      found.push(node.arguments[0].text);
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith("."));
}

const topOf = (file: string) => path.relative(ROOT, file).split(path.sep)[0];

/** Every edge `from -> to` between two different top-level folders, with the file that makes it. */
function edges(): { from: string; to: string; file: string }[] {
  return sourceFiles(ROOT).flatMap((file) =>
    specifiers(file)
      .map((spec) => ({ from: topOf(file), to: topOf(path.resolve(path.dirname(file), spec)), file: path.relative(ROOT, file) }))
      .filter((e) => e.from !== e.to),
  );
}

const MIDDLE = ["environments", "cost", "policies", "components", "functions"];

describe("architecture: layers point one way", () => {
  const all = edges();

  it("measures a real import graph (the walk finds cross-folder edges)", () => {
    assert.ok(all.some((e) => e.from === "platform" && e.to === "model"), "expected platform/ to import model/");
    assert.ok(all.some((e) => e.from === "cli" && e.to === "platform"), "expected cli/ to import platform/");
  });
  it("model/ imports no other folder of the project", () => {
    assert.deepEqual(all.filter((e) => e.from === "model"), []);
  });
  it("environments/, cost/, policies/, components/ and functions/ never import platform/ or cli/", () => {
    assert.deepEqual(all.filter((e) => MIDDLE.includes(e.from) && (e.to === "platform" || e.to === "cli")), []);
  });
  it("nothing outside cli/ imports cli/", () => {
    assert.deepEqual(all.filter((e) => e.to === "cli"), []);
  });
});
