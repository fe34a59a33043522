/**
 * A stack file that breaks a rule. `message` is the one line users see, e.g.
 * `Pulumi.dev.yaml: platform:budget.monthlyUsd must be a positive number (got -5)`.
 */
import { UserInputError } from "../model/errors";
export class ConfigError extends UserInputError {
  public override readonly name: string = "ConfigError";

  public constructor(
    message: string,
    /** The stack file named in the message. */
    public readonly file: string,
    /** Every problem found, one line each (the message shows the first). */
    public readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}
