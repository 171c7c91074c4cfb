/**
 * Entry point of the dump job on ECS Fargate (`node runtime/handlers/dumpTask.js`), for databases
 * whose dump outlasts Lambda's 15 minutes: the same core as the Lambda handler; the exit code is
 * what ECS and EventBridge see (0 only for a complete, catalogued backup).
 */
import { redactSecrets } from "../lib/postgres/connectionUrl";
import { defaultDependencies, HandlerDependencies } from "./dependencies";
import { runDumpJob } from "./dump";

export async function runDumpTask(
  makeDependencies: (signal: AbortSignal) => HandlerDependencies = (signal) => defaultDependencies(process.env, signal),
): Promise<number> {
  const controller = new AbortController();
  // ECS sends SIGTERM on StopTask and waits stopTimeout (30 s by default) before SIGKILL
  const onSigterm = () => controller.abort(new Error("interrupted by SIGTERM (the task was stopped)"));
  process.once("SIGTERM", onSigterm);
  process.once("SIGINT", onSigterm);
  try {
    await runDumpJob(makeDependencies(controller.signal));
    return 0;
  } catch (err) {
    process.stderr.write(`bloom-dr dump task: ${redactSecrets(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  } finally {
    process.removeListener("SIGTERM", onSigterm);
    process.removeListener("SIGINT", onSigterm);
  }
}

if (require.main === module) {
  runDumpTask().then((code) => {
    process.exitCode = code;
  });
}
