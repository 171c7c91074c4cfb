/**
 * `stack.restoreTestMetric`: did the dr stack's scheduled restore test succeed lately? The restore
 * function (runtime/handlers/restoreTest.ts) runs in the DR region while the dr stack's
 * failoverMode is standby and writes BloomDR/RestoreSucceeded or RestoreFailed (as EMF, the other
 * one 0) with the prod stack's backupPrefix as the Prefix dimension.
 */
import {
  BACKUP_METRIC_DIMENSION,
  BACKUP_METRIC_NAMESPACE,
  RESTORE_FAILED_METRIC,
  RESTORE_SUCCEEDED_METRIC,
} from "../../../components/backupMetrics";
import { MetricPoint, ReadinessAws, regionOf } from "./aws";
import { output, StackInput } from "./stackChecks";
import { formatAge, item, ReadinessItem } from "./types";

/**
 * How old the newest successful restore test may be: the default restore schedule is daily
 * (cron(0 6 * * ? *)), plus 2 h for a run that starts late or takes long.
 */
export const RESTORE_TEST_MAX_AGE_MS = 26 * 3_600_000;

/**
 * How far back the metric is read: a week, so a success before days of failures still shows its
 * time (CloudWatch keeps one-minute datapoints for 15 days).
 */
export const RESTORE_TEST_LOOKBACK_MS = 7 * 24 * 3_600_000;

/** One-minute periods (the metric's resolution), so the reported times are the runs' own. */
const PERIOD_SECONDS = 60;

const ID = "stack.restoreTestMetric";
const TITLE = `scheduled restore test succeeded within ${RESTORE_TEST_MAX_AGE_MS / 3_600_000} h (dr stack's metric)`;
const METRIC = `${BACKUP_METRIC_NAMESPACE}/${RESTORE_SUCCEEDED_METRIC}`;

/** 2026-03-08T06:04:00.000Z → "2026-03-08T06:04Z" (the metric's one-minute resolution). */
export function minuteOf(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}

export interface RestoreTestInput {
  /** The prod stack (--stack): its backupPrefix output is the metric's Prefix dimension. */
  prod?: StackInput;
  /** The dr stack (--dr-stack): the restore test's mode, region and function. */
  dr?: StackInput;
  aws: ReadinessAws;
  now: Date;
}

/** The prefix, or why it is unknown. */
function prefixOf(prod: StackInput | undefined): { prefix: string } | { why: string } {
  if (!prod)
    return { why: `the metric's ${BACKUP_METRIC_DIMENSION} dimension is the prod stack's backupPrefix: give --stack` };
  if ("error" in prod)
    return {
      why: `the metric's ${BACKUP_METRIC_DIMENSION} dimension is unknown: stack ${prod.name}'s outputs cannot be read`,
    };
  const prefix = output(prod.outputs, "backupPrefix");
  return prefix
    ? { prefix }
    : {
        why: `stack ${prod.name} has no output backupPrefix (the metric's ${BACKUP_METRIC_DIMENSION} dimension): give the prod stack to --stack`,
      };
}

export async function checkRestoreTestMetric(input: RestoreTestInput): Promise<ReadinessItem> {
  const notChecked = (reason: string) => item(ID, TITLE, "NOT CHECKED", reason);
  const { dr } = input;
  if (!dr)
    return notChecked(
      `no --dr-stack given: name the dr Pulumi stack (its scheduled restore test writes ${METRIC}); backups.restoreTest stands in`,
    );
  if ("error" in dr) return item(ID, TITLE, "FAIL", `cannot read the outputs of dr stack ${dr.name}: ${dr.error}`);
  const mode = output(dr.outputs, "failoverMode");
  if (!mode) return notChecked(`stack ${dr.name} has no output failoverMode: give the dr stack to --dr-stack`);
  if (mode !== "standby")
    return notChecked(`dr stack ${dr.name}'s failoverMode is ${mode}: the scheduled restore test runs in standby only`);
  const prefix = prefixOf(input.prod);
  if ("why" in prefix) return notChecked(prefix.why);

  const region = regionOf(output(dr.outputs, "failoverMasterSecretArn") ?? output(dr.outputs, "sev1TopicArn") ?? "");
  const functionName = output(dr.outputs, "restoreFunctionName") ?? "(no restoreFunctionName output)";
  let series: Record<string, MetricPoint[]>;
  try {
    series = await input.aws.readMetric({
      region,
      namespace: BACKUP_METRIC_NAMESPACE,
      metricNames: [RESTORE_SUCCEEDED_METRIC, RESTORE_FAILED_METRIC],
      dimensions: { [BACKUP_METRIC_DIMENSION]: prefix.prefix },
      stat: "Sum",
      periodSeconds: PERIOD_SECONDS,
      start: new Date(input.now.getTime() - RESTORE_TEST_LOOKBACK_MS),
      end: input.now,
    });
  } catch (err) {
    return item(ID, TITLE, "FAIL", (err as Error).message);
  }
  const verdict = judgeRestoreTest(
    { succeeded: series[RESTORE_SUCCEEDED_METRIC] ?? [], failed: series[RESTORE_FAILED_METRIC] ?? [] },
    input.now,
  );
  const where = `${BACKUP_METRIC_NAMESPACE} ${BACKUP_METRIC_DIMENSION}=${prefix.prefix} in ${region ?? "the default region"}`;
  return verdict.pass
    ? item(ID, TITLE, "PASS", `${where}: ${verdict.reason}`)
    : item(ID, TITLE, "FAIL", `${where}: ${verdict.reason}: see the logs of the restore function ${functionName}`);
}

/**
 * The verdict on the two metrics' Sums (newest first): PASS when the newest run that succeeded is
 * at most RESTORE_TEST_MAX_AGE_MS old and no failure is as new (a failure in the same minute
 * counts against it: their order cannot be told). A period whose Sum is 0 is the other metric's run.
 */
export function judgeRestoreTest(
  series: { succeeded: MetricPoint[]; failed: MetricPoint[] },
  now: Date,
): { pass: boolean; reason: string } {
  const newest = (points: MetricPoint[]) =>
    points
      .filter((p) => p.value > 0)
      .reduce<Date | undefined>((best, p) => (!best || p.timestamp > best ? p.timestamp : best), undefined);
  const success = newest(series.succeeded);
  const failure = newest(series.failed);
  const at = (date: Date) => `${minuteOf(date)} (${formatAge(now.getTime() - date.getTime())} ago)`;
  const lookback = `${RESTORE_TEST_LOOKBACK_MS / 86_400_000} days`;
  const maxAge = `${RESTORE_TEST_MAX_AGE_MS / 3_600_000} h`;
  if (!success && !failure) return { pass: false, reason: `no restore test reported in the last ${lookback}` };
  if (!success) return { pass: false, reason: `last failure ${at(failure!)}; no success in the last ${lookback}` };
  if (failure && failure >= success)
    return { pass: false, reason: `last success ${at(success)}; last failure ${at(failure)}` };
  const before = failure ? `; last failure ${at(failure)}, before it` : "";
  if (now.getTime() - success.getTime() > RESTORE_TEST_MAX_AGE_MS)
    return { pass: false, reason: `last success ${at(success)}, more than ${maxAge} ago${before}` };
  return { pass: true, reason: `last success ${at(success)}${before}` };
}
