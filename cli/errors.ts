/**
 * An error the user caused (bad flag, unreadable file, invalid stack config):
 * printed as one line on stderr, never with a stack trace.
 */
export class CliError extends Error {
  public override readonly name = "CliError";
  public constructor(
    message: string,
    /** 2 = bad input (the default); 1 = a guardrail verdict. */
    public readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Anything carrying an exit code (ConfigError, CliError...) counts as a user error. */
export function isUserError(err: unknown): err is Error & { exitCode: number } {
  return err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === "number";
}
