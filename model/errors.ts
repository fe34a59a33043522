/**
 * The one base class of every error a user caused: a bad flag, an unreadable
 * or invalid file, a stack file that breaks a rule. Its message is the one line
 * the CLI prints on stderr (never a stack trace), and it carries the exit code.
 */
export class UserInputError extends Error {
  public override readonly name: string = "UserInputError";

  public constructor(
    message: string,
    /** 2 = bad input (the default); 1 = a guardrail verdict. */
    public readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** True for every error a user caused (see {@link UserInputError}). */
export function isUserInputError(err: unknown): err is UserInputError {
  return err instanceof UserInputError;
}
