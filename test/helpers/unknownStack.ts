import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * A stack name no team's stack file can have (generated per run): the example of
 * an unknown stack, so no test depends on which Pulumi.<name>.yaml files exist.
 */
export const UNKNOWN_STACK = `no-such-stack-${randomBytes(4).toString("hex")}`;
if (existsSync(path.join(__dirname, "..", "..", `Pulumi.${UNKNOWN_STACK}.yaml`))) throw new Error(`Pulumi.${UNKNOWN_STACK}.yaml exists: the generated name collided`);
