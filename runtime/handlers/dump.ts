/**
 * Lambda handler of the scheduled dump job (image CMD `runtime/handlers/dump.handler`): reads the
 * source URL from Secrets Manager, streams a backup into the vault, emits EMF metrics, and throws
 * on failure so the invocation counts as an error (the error alarm and the DLQ see it).
 */
import { listBackups } from "../lib/catalog";
import { parseConnectionUrl, redactSecrets } from "../lib/postgres/connectionUrl";
import { runBackup } from "../lib/backup/runBackup";
import { BackupStore } from "../lib/store/types";
import { deadlineSignal, defaultDependencies, HandlerDependencies, LambdaContextLike, logLine } from "./dependencies";

// re-exported so a caller of the bundled file (the bundle test) can build the default wiring
export { defaultDependencies };
import { dumpSettingsFromEnv } from "./environment";
import {
  BACKUP_BYTES_METRIC,
  BACKUP_DURATION_METRIC,
  BACKUP_FAILED_METRIC,
  BACKUP_METRIC_DIMENSION,
  BACKUP_SUCCEEDED_METRIC,
  backupAgeSeconds,
  emfLine,
  LAST_BACKUP_AGE_METRIC,
  Metric,
} from "./metrics";
import { sourceUrlFromSecret } from "./secrets";

export interface DumpOutcome {
  ok: true;
  id: string;
  store: string;
  bytes: number;
  durationMs: number;
  snapshotAt: string;
}

/** The handler's core: everything but the wiring to the real environment. */
export async function runDumpJob(deps: HandlerDependencies): Promise<DumpOutcome> {
  const settings = dumpSettingsFromEnv(deps.env);
  const store = deps.openStore(settings.storeSpec, { kmsKeyId: settings.kmsKeyId, env: deps.env });
  const dimensions = { [BACKUP_METRIC_DIMENSION]: settings.prefix };
  const secrets: string[] = [];
  try {
    const dbUrl = sourceUrlFromSecret(await deps.readSecret(settings.sourceUrlSecretArn), settings.sourceUrlSecretArn);
    secrets.push(dbUrl, parseConnectionUrl(dbUrl).password);
    const result = await runBackup({
      dbUrl,
      store,
      label: "scheduled",
      signal: deps.signal,
      now: deps.now,
      env: deps.env,
    });
    const now = deps.now();
    const outcome: DumpOutcome = {
      ok: true,
      id: result.id,
      store: store.describe(),
      bytes: result.manifest.dump.bytes,
      durationMs: result.durationMs,
      snapshotAt: result.manifest.snapshotAt,
    };
    deps.writeLine(
      emfLine({
        metrics: [
          { name: BACKUP_SUCCEEDED_METRIC, value: 1, unit: "Count" },
          { name: BACKUP_FAILED_METRIC, value: 0, unit: "Count" },
          { name: BACKUP_BYTES_METRIC, value: outcome.bytes, unit: "Bytes" },
          { name: BACKUP_DURATION_METRIC, value: outcome.durationMs, unit: "Milliseconds" },
          { name: LAST_BACKUP_AGE_METRIC, value: backupAgeSeconds(outcome.snapshotAt, now), unit: "Seconds" },
        ],
        dimensions,
        timestamp: now,
        properties: { backupId: outcome.id },
      }),
    );
    deps.writeLine(logLine("backup.complete", { ...outcome }));
    return outcome;
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
    const now = deps.now();
    // the staleness alarm keeps seeing the true age of the newest good backup while runs fail
    const age = await newestBackupAgeSeconds(store, now);
    // the Fargate runner has no AWS/Lambda Errors metric: its error alarm watches BackupFailed
    const metrics: Metric[] = [
      { name: BACKUP_SUCCEEDED_METRIC, value: 0, unit: "Count" },
      { name: BACKUP_FAILED_METRIC, value: 1, unit: "Count" },
    ];
    if (age !== undefined) metrics.push({ name: LAST_BACKUP_AGE_METRIC, value: age, unit: "Seconds" });
    deps.writeLine(emfLine({ metrics, dimensions, timestamp: now }));
    deps.writeLine(logLine("backup.failed", { store: store.describe(), reason }));
    throw new Error(`backup to ${store.describe()} failed: ${reason}`);
  }
}

/** Age of the newest complete backup, or undefined when there is none or the store cannot be read. */
export async function newestBackupAgeSeconds(store: BackupStore, now: Date): Promise<number | undefined> {
  try {
    const [newest] = await listBackups(store);
    return newest ? backupAgeSeconds(newest.snapshotAt, now) : undefined;
  } catch {
    return undefined;
  }
}

export async function handler(_event?: unknown, context?: LambdaContextLike): Promise<DumpOutcome> {
  const deadline = deadlineSignal(context);
  try {
    return await runDumpJob(defaultDependencies(process.env, deadline.signal));
  } finally {
    deadline.dispose();
  }
}
