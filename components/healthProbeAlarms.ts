/**
 * What the health probe's alarms watch and when they fire, as data: the SEV-1 "unreachable through
 * both endpoints for N probes", the SEV-3 "one endpoint down" and "connections above the
 * threshold", and the SEV-2 "probe not reporting". Pure, so every number is table-tested.
 *
 * Missing data: the endpoint alarms ignore it (a probe that could not run says nothing about the
 * database, and must neither page SEV-1 nor clear an alarm); the heartbeat alarm treats it as
 * breaching, which is how a silent probe becomes an alarm of its own.
 */
import {
  CONNECTION_USAGE_METRIC,
  ENDPOINTS_DEGRADED_METRIC,
  ENDPOINTS_UP_METRIC,
  PROBE_COMPLETED_METRIC,
} from "./healthProbeMetrics";
import { scheduleIntervalSeconds } from "./schedules";

export interface HealthProbeAlarmSettings {
  /** Scheduler expression of the probe, e.g. "rate(1 minute)". */
  readonly schedule: string;
  /** Consecutive probes that must fail before an alarm fires. */
  readonly failuresToAlarm: number;
  /** Connection usage (percent of the usable slots) at or above which SEV-3 fires. */
  readonly connectionUsagePercent: number;
}

export type ProbeAlarmKey = "unreachable" | "degraded" | "connections" | "silent";

export interface ProbeAlarmSpec {
  readonly key: ProbeAlarmKey;
  readonly severity: "sev1" | "sev2" | "sev3";
  readonly description: string;
  readonly metricName: string;
  readonly statistic: "Maximum" | "Minimum" | "Sum";
  readonly comparisonOperator: "LessThanThreshold" | "GreaterThanOrEqualToThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: "ignore" | "breaching";
}

/** CloudWatch: period × evaluation periods may not exceed one day. */
export const MAX_EVALUATION_SECONDS = 86_400;
/** The heartbeat waits at least this long: EMF metrics can arrive a minute or two late. */
export const MIN_SILENCE_SECONDS = 300;

const minutes = (seconds: number) => `${Math.round(seconds / 6) / 10} min`;

/** The probe's interval as a CloudWatch period: whole minutes, at least one. */
export function probePeriodSeconds(schedule: string): number {
  const interval = scheduleIntervalSeconds(schedule);
  if (interval > 3600)
    throw new Error(
      `health probe schedule "${schedule}" runs less than hourly (every ${interval} s): a SEV-1 must be seen within minutes; use rate(1 minute) to rate(60 minutes)`,
    );
  return Math.max(60, Math.ceil(interval / 60) * 60);
}

export function healthProbeAlarmSpecs(settings: HealthProbeAlarmSettings, database: string): ProbeAlarmSpec[] {
  const n = settings.failuresToAlarm;
  if (!Number.isInteger(n) || n < 1) throw new Error(`failuresToAlarm must be a whole number ≥ 1 (got ${n})`);
  const pct = settings.connectionUsagePercent;
  if (!Number.isInteger(pct) || pct < 1 || pct > 100)
    throw new Error(`connectionUsagePercent must be a whole number from 1 to 100 (got ${pct})`);
  const period = probePeriodSeconds(settings.schedule);
  if (period * n > MAX_EVALUATION_SECONDS)
    throw new Error(
      `failuresToAlarm ${n} × the probe's ${period} s period is ${period * n} s, longer than CloudWatch's ${MAX_EVALUATION_SECONDS} s evaluation limit`,
    );
  const window = minutes(period * n);
  const everyProbe = { periodSeconds: period, evaluationPeriods: n, datapointsToAlarm: n } as const;
  const silence = Math.max(MIN_SILENCE_SECONDS, period * n);
  return [
    {
      key: "unreachable",
      severity: "sev1",
      description: `bloom-dr SEV-1: ${database} unreachable through both endpoints (direct and pooled) for ${n} consecutive probes (${window}); run bloom-dr diagnose, then the playbook's SEV-1 "Database Unavailable"`,
      metricName: ENDPOINTS_UP_METRIC,
      statistic: "Maximum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      ...everyProbe,
      treatMissingData: "ignore",
    },
    {
      key: "degraded",
      severity: "sev3",
      description: `bloom-dr SEV-3: one endpoint of ${database} (direct or pooled) failing while the other works, ${n} probes in a row (${window}); the app may need the other URL (playbook SEV-1 Opción A step 2); bloom-dr diagnose names the stage`,
      metricName: ENDPOINTS_DEGRADED_METRIC,
      statistic: "Minimum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      ...everyProbe,
      treatMissingData: "ignore",
    },
    {
      key: "connections",
      severity: "sev3",
      description: `bloom-dr SEV-3: ${database} connection usage at or above ${pct}% of the usable connections for ${n} probes (${window}); at 100% new sessions are refused (playbook SEV-1 Opción A step 3)`,
      metricName: CONNECTION_USAGE_METRIC,
      statistic: "Minimum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: pct,
      ...everyProbe,
      treatMissingData: "ignore",
    },
    {
      key: "silent",
      severity: "sev2",
      description: `bloom-dr SEV-2: the health probe of ${database} has not completed a run in ${minutes(silence)}: nothing would detect a SEV-1 outage; check the probe's logs and its secret`,
      metricName: PROBE_COMPLETED_METRIC,
      statistic: "Sum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      periodSeconds: Math.ceil(silence / 60) * 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "breaching",
    },
  ];
}
