/**
 * `platform plan [--stack <name>|all]`: synthesizes each stack under Pulumi's
 * mock runtime and prints its resources. (Cost and guardrail verdicts join as
 * the cost engine and policy pack land.)
 */
import { Command } from "commander";
import { ConfigError, listStackFiles, loadStackFile, readProjectName } from "../../environments";
import { synthesizeStack } from "../../platform/synth";
import { CliError } from "../errors";
import { CliIo } from "../io";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description("Synthesize every stack offline and print its resources")
    .option("--stack <name>", "a stack name, or all", "all")
    .action(async (opts: { stack: string }) => {
      const project = readProjectName(io.cwd);
      const stacks = listStackFiles(io.cwd);
      const selected = opts.stack === "all" ? stacks : stacks.filter((s) => s.stack === opts.stack);
      if (selected.length === 0) throw new CliError(`unknown stack ${opts.stack} (stacks: ${stacks.map((s) => s.stack).join(", ")})`);
      for (const { file } of selected) {
        let env;
        try {
          env = loadStackFile(file, project);
        } catch (err) {
          if (err instanceof ConfigError) {
            io.err(`platform: ${err.message}`);
            setExit(2);
            continue;
          }
          throw err;
        }
        const { resources } = await synthesizeStack(env);
        io.out(`stack ${env.stack} (${env.awsRegion}): ${resources.length} resources`);
        for (const r of resources) io.out(`  ${r.type}  ${r.name}`);
      }
    });
}
