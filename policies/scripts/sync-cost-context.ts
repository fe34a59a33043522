/**
 * Copies each stack's region, workload and limits into the cost policies of
 * `policies/config/<stack>.json`. Inside CrossGuard a policy cannot read stack
 * config, so the pack's config carries this copy; a test fails when the two
 * drift. Run after editing a stack file:
 *
 *   npx tsx policies/scripts/sync-cost-context.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { listStackFiles, loadStackFile, readProjectName } from "../../environments";

const COST_POLICIES = ["budget-expected-cost", "budget-ceiling-cost", "budget-early-warning"] as const;
const root = path.resolve(__dirname, "..", "..");
const project = readProjectName(root);

for (const { stack, file } of listStackFiles(root)) {
  const configFile = path.join(root, "policies", "config", `${stack}.json`);
  if (!fs.existsSync(configFile)) continue;
  const env = loadStackFile(file, project);
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  for (const name of COST_POLICIES) {
    const entry = config[name];
    const base = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : { enforcementLevel: entry ?? "advisory" };
    config[name] = { ...base, region: env.awsRegion, workload: env.workload, limits: env.limits };
  }
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  process.stdout.write(`${path.relative(root, configFile)}: cost context from ${path.basename(file)}\n`);
}
