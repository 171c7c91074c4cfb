/**
 * Everything the local platform starts (clusters, temporary directories) registers a synchronous
 * teardown here, so that an exception, process exit, Ctrl-C or SIGTERM leaves nothing behind.
 * Teardowns run newest first; each runs at most once.
 *
 * A teardown registered with `onSignals: false` (child process groups) runs on process exit and
 * whenever the signal handlers of the others run, but does not itself install signal handlers:
 * a command that handles SIGINT by aborting its work (the CLI) keeps doing so.
 */
type Teardown = () => void;

const pending = new Map<number, Teardown>();
let nextId = 1;
let exitHooked = false;
let signalsHooked = false;

function runAll(): void {
  const ids = [...pending.keys()].sort((a, b) => b - a);
  for (const id of ids) {
    const teardown = pending.get(id);
    pending.delete(id);
    try {
      teardown?.();
    } catch {
      // best effort: one failed teardown must not stop the others
    }
  }
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", runAll);
}

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      runAll();
      // re-raise with the default handler so the exit status says which signal ended us
      process.kill(process.pid, signal);
    });
  }
}

/** Registers a teardown; returns the function that unregisters it once it ran normally. */
export function registerTeardown(teardown: Teardown, options: { onSignals?: boolean } = {}): () => void {
  hookExit();
  if (options.onSignals ?? true) hookSignals();
  const id = nextId++;
  pending.set(id, teardown);
  return () => {
    pending.delete(id);
  };
}

/** Number of teardowns not yet run (for tests that check nothing leaks). */
export function pendingTeardowns(): number {
  return pending.size;
}
