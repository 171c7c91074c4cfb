/**
 * What the replica's alarms watch and when they fire, as data: the lag beyond the threshold, a
 * table (or the whole subscription) not replicating, and the status check gone silent. All SEV-2:
 * the primary still serves, but a failover now would lose more than the replica promises. Pure,
 * so every number is table-tested.
 *
 * Missing data: the lag and sync alarms ignore it (a check that could not run says nothing about
 * the subscription, and must neither fire nor clear); the heartbeat treats it as breaching, which
 * is how a silent check becomes an alarm of its own.
 */
import {
  REPLICATION_LAG_SECONDS_METRIC,
  REPLICATION_STATUS_COMPLETED_METRIC,
  REPLICATION_TABLES_NOT_SYNCING_METRIC,
} from "./replicationMetrics";
import { scheduleIntervalSeconds } from "./schedules";

export interface ReplicationAlarmSettings {
  /** Scheduler expression of the status check, e.g. "rate(5 minutes)". */
  readonly statusSchedule: string;
  /** Seconds behind the primary at which the lag alarm fires (failover.replicaMaxLagSeconds). */
  readonly maxLagSeconds: number;
}

export type ReplicationAlarmKey = "lag" | "not-syncing" | "silent";

export interface ReplicationAlarmSpec {
  readonly key: ReplicationAlarmKey;
  readonly description: string;
  readonly metricName: string;
  readonly statistic: "Maximum" | "Sum";
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly treatMissingData: "ignore" | "breaching";
}

/** Status runs the heartbeat waits for before it fires: EMF metrics can arrive a minute or two late. */
export const SILENT_RUNS = 3;

const minutes = (seconds: number) => `${Math.round(seconds / 6) / 10} min`;

/** The status check's interval as a CloudWatch period: whole minutes, at least one, at most an hour. */
export function statusPeriodSeconds(schedule: string): number {
  const interval = scheduleIntervalSeconds(schedule);
  if (interval > 3600)
    throw new Error(
      `replication status schedule "${schedule}" runs less than hourly (every ${interval} s): lag must be seen within minutes; use rate(1 minute) to rate(60 minutes)`,
    );
  return Math.max(60, Math.ceil(interval / 60) * 60);
}

export function replicationAlarmSpecs(
  settings: ReplicationAlarmSettings,
  subscription: string,
): ReplicationAlarmSpec[] {
  const max = settings.maxLagSeconds;
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxLagSeconds must be a whole number ≥ 1 (got ${max})`);
  const period = statusPeriodSeconds(settings.statusSchedule);
  const silence = period * SILENT_RUNS;
  return [
    {
      key: "lag",
      description: `bloom-dr SEV-2: the replica ${subscription} is more than ${max} s behind the Neon primary: a failover now would lose that much; bloom-dr replicate status shows the lag and its cause (README: "Standby or replica?")`,
      metricName: REPLICATION_LAG_SECONDS_METRIC,
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: max,
      periodSeconds: period,
      treatMissingData: "ignore",
    },
    {
      key: "not-syncing",
      description: `bloom-dr SEV-2: a table of the replica ${subscription} is not replicating, or the subscription is disabled: its changes are missing on the replica; bloom-dr replicate status lists the tables (a schema change on the primary not applied to the replica: bloom-dr migrate run --also)`,
      metricName: REPLICATION_TABLES_NOT_SYNCING_METRIC,
      statistic: "Maximum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      periodSeconds: period,
      treatMissingData: "ignore",
    },
    {
      key: "silent",
      description: `bloom-dr SEV-2: the status check of the replica ${subscription} has not completed a run in ${minutes(silence)}: its lag is unobserved; read the replicate function's log group (its secrets, the route to Neon)`,
      metricName: REPLICATION_STATUS_COMPLETED_METRIC,
      statistic: "Sum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      periodSeconds: silence,
      treatMissingData: "breaching",
    },
  ];
}
