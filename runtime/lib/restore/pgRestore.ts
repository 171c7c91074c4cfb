import { describeToolExit } from "../backup/pgDump";
import { ProcessGroup, StderrTail } from "../postgres/processes";

export interface PgRestoreArgsOptions {
  database: string;
  jobs: number;
  file: string;
  /** Keep the dump's owners and grants (default: --no-owner --no-acl, as the target's roles differ). */
  keepOwnersAndAcl?: boolean;
  /** --verbose: pg_restore reports each item it finishes (rowCounting.ts counts tables as their data lands). */
  verbose?: boolean;
}

/** libpq conninfo quoting: a database name is a value, never parsed as a connection string. */
export function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * pg_restore's arguments: parallel jobs, stop at the first error (a partial restore must not look
 * like a success), never prompt for a password. Host, user and password come from the
 * environment, so argv holds no secret.
 */
export function pgRestoreArgs(options: PgRestoreArgsOptions): string[] {
  if (!Number.isInteger(options.jobs) || options.jobs < 1)
    throw new Error(`jobs must be a positive integer (got ${options.jobs})`);
  return [
    `--dbname=dbname=${conninfoValue(options.database)}`,
    `--jobs=${options.jobs}`,
    ...(options.keepOwnersAndAcl ? [] : ["--no-owner", "--no-acl"]),
    "--exit-on-error",
    "--no-password",
    ...(options.verbose ? ["--verbose"] : []),
    options.file,
  ];
}

/**
 * pg_restore --verbose reports progress as "pg_restore: <what it does>" lines; these are not part
 * of an error's explanation, and would push the cause out of the bounded stderr tail.
 */
export function isProgressLine(line: string): boolean {
  return /^pg_restore: (?!error:|warning:|detail:|hint:|from TOC entry|while PROCESSING)/.test(line);
}

/** The environment for a pg_restore whose verbose lines are parsed: untranslated messages. */
export function untranslated(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: "C", LC_MESSAGES: "C", LANGUAGE: "" };
}

/**
 * Runs pg_restore to completion; rejects with its one-line reason. On abort pg_restore and its
 * parallel workers (one process group) get SIGTERM, which makes them cancel their queries on the
 * server, then SIGKILL after a grace period; it settles only once none of them runs.
 */
export async function runPgRestore(
  programPath: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  secrets: string[],
  signal?: AbortSignal,
  onLine?: (line: string) => void,
): Promise<void> {
  if (signal?.aborted) throw new Error("pg_restore was not started: interrupted");
  const group = new ProcessGroup(programPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  const stderr = new StderrTail();
  let partial = "";
  group.child.stderr!.on("data", (c: Buffer) => {
    if (!onLine) return stderr.push(c);
    const lines = (partial + c.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      onLine(line);
      if (!isProgressLine(line)) stderr.push(`${line}\n`);
    }
  });
  group.child.stderr!.on("end", () => {
    if (partial && onLine && !isProgressLine(partial)) stderr.push(partial);
  });
  const { code, signal: exitSignal, error } = await group.run(signal);
  if (error) throw new Error(`could not start ${programPath}: ${error.message}`);
  if (code !== 0) throw new Error(describeToolExit("pg_restore", code, exitSignal, stderr, secrets));
}
