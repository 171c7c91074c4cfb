/**
 * The shape every `bloom-dr` subcommand has: declared here, listed in commands/index.ts; program.ts
 * builds the commander program (parsing, dispatch, --help) from it. A spec file imports only light
 * modules at the top; run() loads the engine with `await import(...)` (bloom-dr --help stays fast).
 */

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  /** Placeholder in usage lines, e.g. "URL". */
  value?: string;
  required?: boolean;
  multiple?: boolean;
  short?: string;
  default?: string | boolean;
}

export interface CommandIO {
  /** True when --json was given: results go to stdout as one JSON object, no human text. */
  readonly json: boolean;
  /** True when stderr is a terminal: progress lines are drawn in place. */
  readonly interactive: boolean;
  /** Progress for humans on stderr (terminal only, never in --json mode). */
  progress(text: string): void;
  /** Informational line on stderr (kept in --json mode, which reserves stdout). */
  info(text: string): void;
  /** The command's result: `human` text on stdout, or `data` as JSON with --json. */
  result(data: Record<string, unknown>, human: string): void;
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  io: CommandIO;
  /** Aborted on SIGINT/SIGTERM so that long operations clean up before the process exits. */
  signal: AbortSignal;
}

export interface CliCommand {
  /** One or two words: "backup", "pitr recover". */
  name: string;
  summary: string;
  /** Extra help text: examples, exit codes, notes. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Extra words are a usage error, unless the last positional takes the `rest` of them. */
  positionals?: {
    name: string;
    description: string;
    optional?: boolean;
    rest?: boolean;
    /** Given after `--` (a command line passed through untouched): shown last in the usage line. */
    afterDashes?: boolean;
  }[];
  /** Returns the exit code: 0 only when the operation and its own checks fully succeeded. */
  run(ctx: CommandContext): Promise<number>;
}

/** A failure the user can fix: printed as one line without a stack trace, exit code 1 (or given). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === "string" ? v : undefined;
}

export function requiredOption(ctx: CommandContext, name: string, hint: string): string {
  const v = stringOption(ctx, name);
  if (!v) throw new UsageError(`--${name} is required: ${hint}`);
  return v;
}

export function positiveIntegerOption(ctx: CommandContext, name: string, fallback: number): number {
  const raw = stringOption(ctx, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new UsageError(`--${name} must be a whole number ≥ 1 (got "${raw}")`);
  return Number(raw);
}
