/**
 * Child process of `platform diff`: synthesizes every stack of a project folder
 * (a temporary git worktree at the base ref) with THAT folder's own code, and
 * prints `{ stacks: [...] }` as JSON on stdout. Run as
 * `node --require tsx/cjs synthWorker.ts <projectDir>`.
 */
import * as path from "node:path";

interface WorkerStack {
  stack: string;
  error?: string;
  env?: unknown;
  resources?: unknown[];
}

async function main(dir: string): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const environments = require(path.join(dir, "environments")) as typeof import("../../environments");
  const synth = require(path.join(dir, "platform", "synth")) as typeof import("../../platform/synth");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const out: WorkerStack[] = [];
  const project = environments.readProjectName(dir);
  for (const { stack, file } of environments.listStackFiles(dir)) {
    try {
      const env = environments.loadStackFile(file, project);
      const { resources } = await synth.synthesizeStack(env);
      out.push({ stack, env, resources });
    } catch (err) {
      out.push({ stack, error: err instanceof Error ? err.message.split("\n")[0] : String(err) });
    }
  }
  process.stdout.write(JSON.stringify({ stacks: out }, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
}

main(path.resolve(process.argv[2] ?? ".")).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`);
  process.exit(3);
});
