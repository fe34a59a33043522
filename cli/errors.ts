import { isUserInputError, UserInputError } from "../model/errors";
/**
 * An error the user caused (bad flag, unreadable file, invalid stack config):
 * printed as one line on stderr, never with a stack trace.
 */
export class CliError extends UserInputError {
  public override readonly name: string = "CliError";
}

/** Every error a user caused (ConfigError, CliError, SourceError...) extends UserInputError. */
export const isUserError = isUserInputError;
