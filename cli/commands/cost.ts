/**
 * `platform cost resource --type <token> --props '<json>' --usage '<json>' [--region <r>]`:
 * the public way to price one resource before writing it. Prints
 * `{ "monthlyUsd": n, "lines": [ {component, quantity, unit, unitPriceUsd, monthlyUsd} ] }`.
 * A bad type token, invalid JSON or an unknown usage key is a CliError (exit 2).
 */
import { Command } from "commander";
import { CostError, priceResource, PRICED_REGIONS } from "../../cost";
import { CliError } from "../errors";
import { CliIo } from "../io";

export const DEFAULT_COST_REGION = "us-east-1";

interface ResourceOptions {
  type: string;
  props: string;
  usage: string;
  region: string;
}

export function register(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  const cost = program.command("cost").description("Price AWS resources with the platform's cost engine (docs/cost.md)");
  cost
    .command("resource")
    .description("Price one resource from its type token, inputs and monthly usage")
    .requiredOption("--type <token>", "Pulumi type token, e.g. aws:lambda/function:Function")
    .option("--props <json>", "resource inputs as JSON (camelCase, as in @pulumi/aws)", "{}")
    .option("--usage <json>", "monthly usage as JSON, keys per type in docs/cost.md", "{}")
    .option("--region <region>", `AWS region whose prices apply (priced: ${PRICED_REGIONS.join(", ")})`, DEFAULT_COST_REGION)
    .addHelpText("after", '\nExample:\n  platform cost resource --type aws:lambda/function:Function --props \'{"memorySize":512}\' --usage \'{"monthly_requests":3000000,"request_duration_ms":1000}\'')
    .action((opts: ResourceOptions) => {
      const props = parseObject("--props", opts.props);
      const usage = parseObject("--usage", opts.usage);
      try {
        const { monthlyUsd, lines } = priceResource({ type: opts.type, props, usage: usage as Record<string, number>, region: opts.region });
        const out = {
          monthlyUsd: tidy(monthlyUsd),
          lines: lines.map((l) => ({ component: l.component, quantity: tidy(l.quantity), unit: l.unit, unitPriceUsd: l.unitPriceUsd, monthlyUsd: tidy(l.monthlyUsd) })),
        };
        io.out(JSON.stringify(out, null, 2));
      } catch (err) {
        if (err instanceof CostError) throw new CliError(err.message);
        throw err;
      }
    });
}

function parseObject(flag: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CliError(`${flag} is not valid JSON (got ${truncate(text)})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new CliError(`${flag} must be a JSON object (got ${truncate(text)})`);
  return v as Record<string, unknown>;
}

/** 12 significant digits: hides binary noise (0.6000000000000001) without losing any price digit. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function truncate(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}
