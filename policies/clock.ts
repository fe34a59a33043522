/**
 * The date policies judge "deprecated" against. Real time by default; the
 * offline evaluator and tests pin it (`EvaluateOptions.now`, {@link withClock}).
 */
let pinned: Date | undefined;

/** Today as `YYYY-MM-DD` (UTC). */
export function today(): string {
  return (pinned ?? new Date()).toISOString().slice(0, 10);
}

/**
 * Runs `fn` with the clock pinned to `now`, then restores it; an async `fn`
 * keeps the clock pinned until its promise settles.
 */
export function withClock<T>(now: Date | undefined, fn: () => T): T {
  const previous = pinned;
  if (now !== undefined) pinned = now;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    pinned = previous;
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => (pinned = previous)) as T;
  pinned = previous;
  return result;
}
