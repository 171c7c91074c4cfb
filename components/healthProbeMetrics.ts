/**
 * The CloudWatch metrics the health probe emits (as EMF log lines) and its alarms watch. Pure (no
 * @pulumi import), like ./backupMetrics.ts beside it: the handler and components/healthProbeAlarms.ts
 * import the same names, so an alarm can never watch a metric nobody writes.
 */
export { BACKUP_METRIC_NAMESPACE as HEALTH_METRIC_NAMESPACE } from "./backupMetrics";

/** Dimension: which database the probe watches ("<neon project>/<database>"), one per deployment. */
export const HEALTH_METRIC_DIMENSION = "Database";
/** 1 per run that reached the point of trying both endpoints: the heartbeat ("probe not reporting"). */
export const PROBE_COMPLETED_METRIC = "ProbeCompleted";
/** 1 per run that could not even start (its secret unreadable): the probe's failure, not the database's. */
export const PROBE_FAILED_METRIC = "ProbeFailed";
/** How many endpoints (direct, pooled) answered select 1: 0 is the SEV-1 "unreachable through both". */
export const ENDPOINTS_UP_METRIC = "EndpointsUp";
/** 1 when exactly one of the two endpoints fails while the other works (SEV-3). */
export const ENDPOINTS_DEGRADED_METRIC = "EndpointsDegraded";
/** Client sessions / usable connections × 100 (100 when the server refused the probe for lack of slots). */
export const CONNECTION_USAGE_METRIC = "ConnectionUsagePercent";

// For dashboards only (no alarm watches them).
export const DIRECT_UP_METRIC = "DirectUp";
export const POOLED_UP_METRIC = "PooledUp";
export const DIRECT_LATENCY_METRIC = "DirectLatencyMs";
export const POOLED_LATENCY_METRIC = "PooledLatencyMs";
export const CONNECTIONS_USED_METRIC = "ConnectionsUsed";
export const MAX_CONNECTIONS_METRIC = "MaxConnections";
