import { spawn } from "node:child_process";
import { redactSecrets } from "../postgres/connectionUrl";

/**
 * Runs the operator's follow-up command (e.g. `npx prisma migrate deploy`) through the shell,
 * which is acceptable here because the operator wrote it; the target's URL is passed as
 * DATABASE_URL rather than spliced into the text. Its output goes to our stderr, so that a
 * --json result on stdout stays parseable. On abort the whole process group is terminated.
 */
export function runThenCommand(
  command: string,
  targetUrl: string,
  env: NodeJS.ProcessEnv,
  secrets: string[],
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new Error(redactSecrets(`the --then command (${command}) was not started: interrupted`, secrets)));
    const child = spawn(command, {
      shell: true,
      detached: true,
      env: { ...env, DATABASE_URL: targetUrl },
      stdio: ["ignore", 2, 2],
    });
    const onAbort = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) =>
      reject(new Error(redactSecrets(`could not run the --then command: ${err.message}`, secrets))),
    );
    child.on("close", (code, exitSignal) => {
      signal?.removeEventListener("abort", onAbort);
      if (code === 0) return resolve();
      const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
      reject(new Error(redactSecrets(`the --then command (${command}) ${how}`, secrets)));
    });
  });
}
