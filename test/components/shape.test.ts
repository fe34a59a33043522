/**
 * The shape of components/: thin constructors and small stage builders (no
 * function, method or constructor over 100 lines, measured by the TypeScript
 * parser). Import boundaries are test/architecture/layers.test.ts's.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "../helpers/stacks";

const COMPONENTS = path.join(REPO_ROOT, "components");
const MAX_FUNCTION_LINES = 100;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every function-like node with a body: its length in lines and where it starts. */
function functionLengths(file: string): { lines: number; at: string }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { lines: number; at: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ lines: last - first + 1, at: `${path.relative(REPO_ROOT, file)}:${first + 1}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("components/ shape", () => {
  const files = sourceFiles(COMPONENTS);

  it(`has no function or constructor over ${MAX_FUNCTION_LINES} lines`, () => {
    // prepare
    assert.ok(files.length > 20);
    // act
    const tooLong = files.flatMap(functionLengths).filter((f) => f.lines > MAX_FUNCTION_LINES);
    // assess
    assert.deepEqual(tooLong, []);
  });
});
