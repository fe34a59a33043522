/**
 * `platform brake status|release --stack <name>`: what the spend brake has
 * applied to a deployed stack, and undoing it, with the operator's own AWS
 * credentials (AWS SDK v3's default chain). The targets and the plan are read
 * from the deployed brake function's environment, so this acts on exactly
 * what the brake acts on.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { GlueClient } from "@aws-sdk/client-glue";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { QuickSightClient } from "@aws-sdk/client-quicksight";
import { RedshiftServerlessClient } from "@aws-sdk/client-redshift-serverless";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { Command, Option } from "commander";
import { brakeFunctionName } from "../../components/BrakeGuardrail";
import { BRAKE_ACTION_NAMES, BrakeActionName, PlanSchema, TargetsSchema, parseJsonVariable } from "../../functions/spend-brake/plan";
import { BrakeClients, Mode, runActions } from "../../functions/spend-brake/actions";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { columns } from "../lib/format";
import { loadStacks } from "../lib/stacks";

interface BrakeOptions {
  stack: string;
  action?: BrakeActionName;
  format: "table" | "json";
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const brake = program.command("brake").description("Read or release what the spend brake applied to a deployed stack (uses your AWS credentials)");
  for (const [mode, what] of [["status", "Show each brake action's state on the stack's targets (reads only)"], ["release", "Undo the brake's actions (all, or --action), restoring normal operation"]] as const) {
    brake
      .command(mode)
      .description(what)
      .requiredOption("--stack <name>", "the deployed stack (Pulumi.<name>.yaml names its project and region)")
      .addOption(new Option("--action <action>", "only this action").choices([...BRAKE_ACTION_NAMES]))
      .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
      .action(async (opts: BrakeOptions) => {
        const results = await brakeCommand(io, mode, opts);
        if (results.failures.length > 0) setExit(1);
      });
  }
}

async function brakeCommand(io: CliIo, mode: Mode, opts: BrakeOptions) {
  const [loaded] = loadStacks(io.cwd, opts.stack);
  if (!loaded?.env) throw new CliError(loaded?.error ?? `unknown stack ${opts.stack}`);
  const { env } = loaded;
  const region = env.awsRegion;
  const name = brakeFunctionName(env.project, env.stack);
  let variables: Record<string, string | undefined>;
  try {
    const fn = await new LambdaClient({ region }).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    variables = fn.Environment?.Variables ?? {};
  } catch (err) {
    throw new CliError(`brake function ${name} in ${region} cannot be read (${(err as Error).name}: ${(err as Error).message.split("\n")[0]}); is the stack deployed and are AWS credentials set?`);
  }
  let plan, targets;
  try {
    plan = parseJsonVariable("SPEND_BRAKE_PLAN", variables.SPEND_BRAKE_PLAN, PlanSchema);
    targets = parseJsonVariable("SPEND_BRAKE_TARGETS", variables.SPEND_BRAKE_TARGETS, TargetsSchema);
  } catch (err) {
    throw new CliError(`brake function ${name}: ${(err as Error).message}`);
  }
  const actions = opts.action ? [opts.action] : [...new Set(plan.stages.flatMap((s) => s.actions))];
  const clients: BrakeClients = {
    athena: new AthenaClient({ region }),
    glue: new GlueClient({ region }),
    kinesis: new KinesisClient({ region }),
    lambda: new LambdaClient({ region }),
    quicksight: new QuickSightClient({ region }),
    redshift: new RedshiftServerlessClient({ region }),
    s3: new S3Client({ region }),
    scheduler: new SchedulerClient({ region }),
  };
  const r = await runActions({ clients, targets, accountId: variables.ACCOUNT_ID ?? "" }, actions, mode);
  if (opts.format === "json") io.out(JSON.stringify({ stack: env.stack, region, mode, results: r.results, failures: r.failures }, null, 2));
  else {
    io.out(`stack ${env.stack} (${region}): spend brake ${mode}${mode === "release" ? "d" : ""}`);
    io.out(columns(r.results.map((x) => [x.action, x.target, x.state, mode === "status" ? "" : x.changed ? "changed" : "unchanged"]), "  ").join("\n"));
    for (const f of r.failures) io.out(`  FAILED ${f.action}: ${f.error}`);
  }
  return r;
}
