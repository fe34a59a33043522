/**
 * The Pulumi program (`pulumi up -s dev|prod`). The stack file is the single
 * source of truth: invalid config stops here, before any resource is declared,
 * with one line naming the file, the key, the value and the rule.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadFromPulumi } from "./environments";
import { deployPlatform } from "./platform/program";

function load() {
  try {
    return loadFromPulumi();
  } catch (err) {
    // RunError ends the program with the message alone, no stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

export const outputs = deployPlatform(load());
