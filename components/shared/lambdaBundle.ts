/**
 * Bundles a handler with esbuild from inside the Pulumi program, so
 * `pulumi up` needs no manual build step. Bundles are cached per process
 * (several stacks are synthesized in one CLI run).
 */
import * as path from "node:path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";

/** The Lambda runtime every function uses (nodejs20.x is deprecated). */
export const LAMBDA_NODE_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

/** How every function is bundled (also used by the processor bench, so it times the code as shipped). */
export const LAMBDA_BUILD_OPTIONS: Readonly<esbuild.BuildOptions> = {
  bundle: true,
  platform: "node",
  target: ESBUILD_TARGET,
  format: "cjs",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "silent",
  // Keep the handler's own `handler` export reachable by the runtime.
  mainFields: ["module", "main"],
};

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const cache = new Map<string, string>();

/** Source of the bundled handler for `functions/<name>/index.ts`. */
export function bundleSource(functionName: string): string {
  const cached = cache.get(functionName);
  if (cached !== undefined) return cached;
  const entry = path.join(REPO_ROOT, "functions", functionName, "index.ts");
  const result = esbuild.buildSync({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [entry], write: false });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  cache.set(functionName, file.text);
  return file.text;
}

/** A deployable archive (`index.js`, handler `index.handler`). */
export function functionArchive(functionName: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleSource(functionName)) });
}
