/**
 * `platform plan [--stack <name>|all] [--format table|json|markdown]`: for each
 * `Pulumi.<name>.yaml`, synthesizes the program under Pulumi's mock runtime,
 * prices every resource, evaluates the policy pack in process and prints
 * resources by pipeline and type, expected / ceiling / budget, and the policy
 * verdicts. Exit 1 on a mandatory violation, 2 on an invalid stack file.
 */
import { Command } from "commander";
import { isUserError } from "../errors";
import { CliIo } from "../io";
import { Format } from "../lib/format";
import { formatOption } from "../lib/options";
import { PlanReport, renderReport } from "../lib/render";
import { loadStacks, planEnvironment } from "../lib/stacks";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description("Plan every stack offline: resources, expected and ceiling cost against the budget, policy verdicts")
    .option("--stack <name>", "a stack name (Pulumi.<name>.yaml), or all", "all")
    .addOption(formatOption())
    .addHelpText("after", "\nExit codes: 0 no mandatory violation, 1 a mandatory policy violation, 2 bad input (invalid stack file, unknown stack, bad flag).")
    .action(async (opts: { stack: string; format: Format }) => {
      const report: PlanReport = { stacks: [], errors: [] };
      for (const loaded of loadStacks(io.cwd, opts.stack)) {
        if (!loaded.env) {
          io.err(`platform: ${loaded.error}`);
          report.errors.push({ stack: loaded.stack, message: loaded.error ?? "invalid stack file" });
          setExit(2);
          continue;
        }
        let plan;
        try {
          plan = await planEnvironment(io.cwd, loaded.env);
        } catch (err) {
          // The program or a policy config file rejects this stack: one line, exit 2, the other stacks still plan.
          if (!isUserError(err)) throw err;
          io.err(`platform: ${err.message}`);
          report.errors.push({ stack: loaded.stack, message: err.message });
          setExit(2);
          continue;
        }
        report.stacks.push(plan);
        if (plan.mandatoryViolations > 0) setExit(1);
      }
      if (report.stacks.length > 0 || opts.format === "json") io.out(renderReport(report, opts.format));
    });
}
