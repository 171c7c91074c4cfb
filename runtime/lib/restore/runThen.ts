import { ProcessGroup } from "../postgres/processes";
import { redactSecrets } from "../postgres/connectionUrl";

/**
 * Runs the operator's follow-up command (e.g. `npx prisma migrate deploy`) through the shell,
 * which is acceptable here because the operator wrote it; the target's URL is passed as
 * DATABASE_URL rather than spliced into the text. Its output goes to our stderr, so that a
 * --json result on stdout stays parseable. The shell leads a process group of its own: on abort
 * the whole group (the shell and everything it started) gets SIGTERM, then SIGKILL after a grace
 * period, and this settles only once none of them runs; nothing it started outlives it either.
 */
export async function runThenCommand(
  command: string,
  targetUrl: string,
  env: NodeJS.ProcessEnv,
  secrets: string[],
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted)
    throw new Error(redactSecrets(`the --then command (${command}) was not started: interrupted`, secrets));
  const group = new ProcessGroup(command, [], {
    shell: true,
    env: { ...env, DATABASE_URL: targetUrl },
    stdio: ["ignore", 2, 2],
  });
  const { code, signal: exitSignal, error } = await group.run(signal);
  if (error) throw new Error(redactSecrets(`could not run the --then command: ${error.message}`, secrets));
  if (code === 0) return;
  const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
  throw new Error(redactSecrets(`the --then command (${command}) ${how}`, secrets));
}
