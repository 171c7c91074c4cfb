/**
 * The custom CloudWatch metrics the backup handler emits (as Embedded Metric Format log lines)
 * and the alarms watch. This module is pure (no @pulumi import) so the runtime can import the same
 * constants: if the names drifted apart the staleness alarm would watch a metric nobody writes.
 */
export const BACKUP_METRIC_NAMESPACE = "BloomDR";
/** 1 per completed backup (written after latest.json). */
export const BACKUP_SUCCEEDED_METRIC = "BackupSucceeded";
/** Age of the newest complete backup at the end of a run, in seconds. */
export const LAST_BACKUP_AGE_METRIC = "LastBackupAgeSeconds";
/** 1 per successful scheduled restore test in the DR stack. */
export const RESTORE_SUCCEEDED_METRIC = "RestoreSucceeded";
/** Dimension that separates several bloom-dr deployments in one account: the backup prefix. */
export const BACKUP_METRIC_DIMENSION = "Prefix";
/**
 * 1 per failed backup run, emitted by the handler before it exits non-zero. The Fargate runner
 * has no AWS/Lambda Errors metric, so its error alarm watches this one.
 */
export const BACKUP_FAILED_METRIC = "BackupFailed";
/** 1 per failed scheduled restore test. */
export const RESTORE_FAILED_METRIC = "RestoreFailed";
