import { spawn, StdioOptions } from "node:child_process";
import { redactSecrets } from "../postgres/connectionUrl";
import { shellQuote } from "./prismaMigrations";

/**
 * Where the migration command's output goes: straight through (its stdout to ours), onto our
 * stderr (with --json, whose stdout is the one JSON object), or captured (tests).
 */
export type Passthrough = "stdout" | "stderr" | "capture";

export interface CommandOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not start (not found, not executable) or was interrupted. */
  error?: string;
  /** stdout and stderr interleaved, only with "capture". */
  output?: string;
}

/** The command line for messages: shell-quoted words, passwords in URLs replaced by ***. */
export function describeCommand(argv: readonly string[]): string {
  return redactSecrets(argv.map(shellQuote).join(" "));
}

/**
 * Runs the migration command with explicit argv (no shell), its input and output passed through,
 * and resolves with how it ended; it never rejects. On abort the command gets SIGTERM (and
 * SIGKILL if it is still there 10 s later).
 */
export function runMigrationCommand(
  argv: readonly string[],
  options: { passthrough: Passthrough; env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal },
): Promise<CommandOutcome> {
  const stdio: StdioOptions =
    options.passthrough === "capture"
      ? ["ignore", "pipe", "pipe"]
      : ["inherit", options.passthrough === "stdout" ? "inherit" : 2, "inherit"];
  const shown = describeCommand(argv);
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, error: `interrupted before ${shown} started` });
      return;
    }
    const child = spawn(argv[0], argv.slice(1), { stdio, env: options.env ?? process.env, cwd: options.cwd });
    let output = "";
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      interrupted = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      killTimer.unref();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let finished = false;
    // a command that cannot start emits "error" and may emit "close" too: report it once
    const finish = (outcome: CommandOutcome) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve(options.passthrough === "capture" ? { ...outcome, output } : outcome);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "ENOENT"
          ? `${argv[0]} was not found: install it or give its path`
          : err.code === "EACCES"
            ? `${argv[0]} is not executable: check its permissions`
            : err.message;
      finish({ exitCode: null, signal: null, error: redactSecrets(`could not start ${shown}: ${why}`) });
    });
    child.on("close", (code, signal) => {
      finish({
        exitCode: code,
        signal,
        ...(interrupted ? { error: `${shown} was interrupted (${signal ?? `exit ${code}`})` } : {}),
      });
    });
  });
}

/** One line: how the command ended, or undefined when it succeeded. */
export function commandFailure(argv: readonly string[], outcome: CommandOutcome): string | undefined {
  if (outcome.error) return outcome.error;
  if (outcome.exitCode === 0) return undefined;
  const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
  return `${describeCommand(argv)} ${how}`;
}
