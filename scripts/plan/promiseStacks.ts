/**
 * The Pulumi SDK captures a stack trace for every output promise it creates
 * (`runtime/debuggable.debuggablePromise`), kept only to print leaked promises when the program
 * exits with `PULUMI_DEBUG_PROMISE_LEAKS` set. Under source maps (jest, tsx) each capture maps
 * every frame, and for a whole stack that was half of a mock run's CPU time. Mock runs never
 * report leaks, so the capture is made with an empty trace; everything else about the promise is
 * the SDK's own. Idempotent; does nothing when leak debugging is asked for.
 */
export function skipPromiseStackTraces(): void {
  // require, not import: the SDK's modules call debuggablePromise through this exports object,
  // which must be the one changed (an import namespace is read-only)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debugPromiseLeaks: boolean;
    debuggablePromise: (<T>(promise: Promise<T>, context: unknown) => Promise<T>) & { withoutStack?: true };
  };
  if (debuggable.debugPromiseLeaks || debuggable.debuggablePromise.withoutStack) return;
  const capture = debuggable.debuggablePromise;
  const withoutStack = <T>(promise: Promise<T>, context: unknown): Promise<T> => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return capture(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = Object.assign(withoutStack, { withoutStack: true as const });
}
