/**
 * CloudWatch Embedded Metric Format: a JSON log line that CloudWatch Logs turns into metrics, so
 * the handlers need no PutMetricData permission and no network call to publish them.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { BACKUP_METRIC_NAMESPACE } from "../../components/backupMetrics";

// The alarms (components/) watch the names shared through components/backupMetrics.ts; these
// extra ones are for dashboards only, so they live here.
export const BACKUP_BYTES_METRIC = "BackupBytes";
export const BACKUP_DURATION_METRIC = "BackupDurationMs";
export const RESTORE_DURATION_METRIC = "RestoreDurationMs";
export const RESTORE_VALIDATED_TABLES_METRIC = "RestoreValidatedTables";
/** Age of the backup the restore test restored: how far behind the standby is. */
export const RESTORED_BACKUP_AGE_METRIC = "RestoredBackupAgeSeconds";

// the names the alarms watch, re-exported so the handlers import every metric name from here
export {
  BACKUP_FAILED_METRIC,
  BACKUP_METRIC_DIMENSION,
  BACKUP_METRIC_NAMESPACE,
  BACKUP_SUCCEEDED_METRIC,
  LAST_BACKUP_AGE_METRIC,
  RESTORE_FAILED_METRIC,
  RESTORE_SUCCEEDED_METRIC,
} from "../../components/backupMetrics";

export type MetricUnit = "Count" | "Bytes" | "Milliseconds" | "Seconds" | "Percent";

export interface Metric {
  name: string;
  value: number;
  unit: MetricUnit;
}

export interface MetricEvent {
  metrics: Metric[];
  /** Dimension name → value; every metric of the event is published under all of them together. */
  dimensions: Record<string, string>;
  timestamp: Date;
  /** Extra fields kept in the log line (searchable in Logs Insights) but not published as metrics. */
  properties?: Record<string, string | number | boolean>;
  namespace?: string;
}

/** One EMF log line (no trailing newline). Throws on a non-finite value: CloudWatch would drop the whole line. */
export function emfLine(event: MetricEvent): string {
  for (const m of event.metrics) {
    if (!Number.isFinite(m.value))
      throw new Error(
        `metric ${m.name} has a non-finite value (${m.value}): refusing to emit a line CloudWatch would reject`,
      );
  }
  const dimensionNames = Object.keys(event.dimensions);
  const root: Record<string, unknown> = {
    _aws: {
      Timestamp: event.timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: event.namespace ?? BACKUP_METRIC_NAMESPACE,
          Dimensions: [dimensionNames],
          Metrics: event.metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...event.properties,
    ...event.dimensions,
  };
  for (const m of event.metrics) root[m.name] = m.value;
  return JSON.stringify(root);
}

/** Seconds between a backup's snapshot and now (never negative: clocks of two machines may differ slightly). */
export function backupAgeSeconds(snapshotAt: string, now: Date): number {
  const at = Date.parse(snapshotAt);
  if (Number.isNaN(at)) throw new Error(`backup snapshot time "${snapshotAt}" is not an ISO-8601 date`);
  return Math.max(0, Math.round((now.getTime() - at) / 1000));
}
