/**
 * Every error the cost engine throws extends {@link CostError}. They carry
 * `exitCode = 2` so the CLI prints them as one line (bad input), and their
 * message is the line users read.
 */
import { UserInputError } from "../model/errors";
export class CostError extends UserInputError {
  public override readonly name: string = "CostError";
}

/** The price catalogue has no prices for this region. Never falls back to another region. */
export class UnknownRegionError extends CostError {
  public override readonly name = "UnknownRegionError";
  public constructor(
    public readonly region: string,
    public readonly known: readonly string[],
  ) {
    super(`region ${region} is not in the price catalogue (known: ${known.join(", ")})`);
  }
}

/** A usage key the resource type does not accept. */
export class UnknownUsageKeyError extends CostError {
  public override readonly name = "UnknownUsageKeyError";
  public constructor(
    public readonly type: string,
    public readonly key: string,
    public readonly accepted: readonly string[],
    where = "",
  ) {
    super(
      `${where}usage key "${key}" is not known for ${type} (accepted: ${accepted.length > 0 ? accepted.join(", ") : "none, the type is not billed by usage"})`,
    );
  }
}

/** A type token the engine cannot price: malformed, or with no estimator and not known to be free. */
export class UnknownTypeError extends CostError {
  public override readonly name = "UnknownTypeError";
  public constructor(public readonly type: string, reason: string) {
    super(`type ${JSON.stringify(type)} ${reason}`);
  }
}

/** A usage file that cannot be read or breaks its schema. */
export class UsageFileError extends CostError {
  public override readonly name = "UsageFileError";
  public constructor(message: string, public readonly file: string) {
    super(message);
  }
}

/** A usage value that is not a finite number of zero or more. */
export class InvalidUsageError extends CostError {
  public override readonly name = "InvalidUsageError";
}

/** A priced prop whose value AWS would not accept (cost/propRules.ts). */
export class InvalidPropError extends CostError {
  public override readonly name = "InvalidPropError";
}
