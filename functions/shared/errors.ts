/** Every error the functions raise on purpose extends {@link FunctionError}. */
export class FunctionError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FunctionError";
  }
}

/** A missing or invalid environment variable, raised at cold start. */
export class ConfigurationError extends FunctionError {
  public constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** Some records of a batch could not be applied; carries their sequence numbers. */
export class BatchWriteError extends FunctionError {
  public constructor(
    message: string,
    /** Sequence numbers of the records that were not applied. */
    public readonly failedSequenceNumbers: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BatchWriteError";
  }
}

/** Used by fault injection: the handler "crashes" after its writes were committed. */
export class InjectedCrashError extends FunctionError {
  public constructor(message = "injected crash after a committed write") {
    super(message);
    this.name = "InjectedCrashError";
  }
}
