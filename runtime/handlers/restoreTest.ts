/**
 * Lambda handler of the DR stack's continuous restore test (image command override
 * `runtime/handlers/restoreTest.handler`): restores the newest backup into the standby with
 * --clean, validates every table's row count and an optional smoke query, records which backup
 * the standby now holds (promote's fast path), emits EMF metrics, and throws on any failure so
 * the invocation counts as an error. It refuses a database marked serving whatever FAILOVER_MODE
 * says (runStandbyRestore): defence in depth behind the stack's own refusal.
 */
import { parseConnectionUrl, redactSecrets } from "../lib/postgres/connectionUrl";
import { runStandbyRestore } from "../lib/restore/standbyRestore";
import { deadlineSignal, defaultDependencies, HandlerDependencies, LambdaContextLike, logLine } from "./dependencies";

// re-exported so a caller of the bundled file (the bundle test) can build the default wiring
export { defaultDependencies };
import { restoreTestSettingsFromEnv } from "./environment";
import {
  BACKUP_METRIC_DIMENSION,
  backupAgeSeconds,
  emfLine,
  Metric,
  RESTORE_DURATION_METRIC,
  RESTORE_FAILED_METRIC,
  RESTORE_SUCCEEDED_METRIC,
  RESTORE_VALIDATED_TABLES_METRIC,
  RESTORED_BACKUP_AGE_METRIC,
} from "./metrics";
import { urlFromRdsMasterSecret } from "./secrets";

export interface RestoreTestOutcome {
  ok: true;
  backupId: string;
  snapshotAt: string;
  target: { host: string; port: number; database: string };
  phases: { connectMs: number; downloadMs: number; restoreMs: number; validateMs: number };
  totalMs: number;
  tables: number;
  rows: number;
  smokeQueryRows?: number;
}

export async function runRestoreTest(deps: HandlerDependencies): Promise<RestoreTestOutcome> {
  const settings = restoreTestSettingsFromEnv(deps.env);
  const store = deps.openStore(settings.storeSpec, { env: deps.env });
  const dimensions = { [BACKUP_METRIC_DIMENSION]: settings.prefix };
  const secrets: string[] = [];
  try {
    const targetUrl = urlFromRdsMasterSecret(
      await deps.readSecret(settings.targetSecretArn),
      settings.targetSecretArn,
      settings.target,
    );
    secrets.push(targetUrl, parseConnectionUrl(targetUrl).password);
    const { restore: result, smokeQueryRows } = await runStandbyRestore({
      store,
      targetUrl,
      jobs: settings.jobs,
      smokeQuery: settings.smokeQuery,
      signal: deps.signal,
      env: deps.env,
      now: deps.now,
    });
    const now = deps.now();
    const tables = Object.values(result.tables);
    const outcome: RestoreTestOutcome = {
      ok: true,
      backupId: result.manifest.id,
      snapshotAt: result.manifest.snapshotAt,
      target: { host: settings.target.host, port: settings.target.port, database: settings.target.database },
      phases: {
        connectMs: result.phases.connectMs,
        downloadMs: result.phases.downloadMs,
        restoreMs: result.phases.restoreMs,
        validateMs: result.phases.validateMs,
      },
      totalMs: result.totalMs,
      tables: tables.length,
      rows: tables.reduce((sum, t) => sum + t.actual, 0),
      ...(smokeQueryRows !== undefined ? { smokeQueryRows } : {}),
    };
    deps.writeLine(
      emfLine({
        metrics: [
          { name: RESTORE_SUCCEEDED_METRIC, value: 1, unit: "Count" },
          { name: RESTORE_FAILED_METRIC, value: 0, unit: "Count" },
          { name: RESTORE_DURATION_METRIC, value: result.totalMs, unit: "Milliseconds" },
          { name: RESTORE_VALIDATED_TABLES_METRIC, value: tables.length, unit: "Count" },
          {
            name: RESTORED_BACKUP_AGE_METRIC,
            value: backupAgeSeconds(result.manifest.snapshotAt, now),
            unit: "Seconds",
          },
        ],
        dimensions,
        timestamp: now,
        properties: { backupId: outcome.backupId },
      }),
    );
    deps.writeLine(logLine("restore-test.complete", { ...outcome }));
    return outcome;
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
    const now = deps.now();
    const metrics: Metric[] = [
      { name: RESTORE_SUCCEEDED_METRIC, value: 0, unit: "Count" },
      { name: RESTORE_FAILED_METRIC, value: 1, unit: "Count" },
    ];
    deps.writeLine(emfLine({ metrics, dimensions, timestamp: now }));
    deps.writeLine(logLine("restore-test.failed", { store: store.describe(), target: settings.target.host, reason }));
    throw new Error(
      `restore test of ${store.describe()} into ${settings.target.host}/${settings.target.database} failed: ${reason}`,
    );
  }
}

export async function handler(_event?: unknown, context?: LambdaContextLike): Promise<RestoreTestOutcome> {
  const deadline = deadlineSignal(context);
  try {
    return await runRestoreTest(defaultDependencies(process.env, deadline.signal));
  } finally {
    deadline.dispose();
  }
}
