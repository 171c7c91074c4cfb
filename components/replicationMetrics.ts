/**
 * The CloudWatch metrics the replication status check emits (EMF log lines from
 * runtime/handlers/replicate.ts, `status` action) and the lag alarm watches. Pure (no @pulumi
 * import), like ./backupMetrics.ts: both sides import the same names, so the alarm can never
 * watch a metric nobody writes.
 */
export { BACKUP_METRIC_NAMESPACE as REPLICATION_METRIC_NAMESPACE } from "./backupMetrics";

/** Dimension: the subscription on the failover database ("<dr stack>/<subscription>"). */
export const REPLICATION_METRIC_DIMENSION = "Subscription";
/** Seconds the failover database is behind the primary (the RPO of a failover right now). */
export const REPLICATION_LAG_SECONDS_METRIC = "ReplicationLagSeconds";
/** Bytes of WAL the subscription has not yet applied, when the source was reachable. */
export const REPLICATION_LAG_BYTES_METRIC = "ReplicationLagBytes";
/** Tables whose subscription state is not "ready" (r), or 1 when the subscription is disabled. */
export const REPLICATION_TABLES_NOT_SYNCING_METRIC = "ReplicationTablesNotSyncing";
/** 1 per status run that reached the database: the heartbeat ("status not reporting"). */
export const REPLICATION_STATUS_COMPLETED_METRIC = "ReplicationStatusCompleted";
