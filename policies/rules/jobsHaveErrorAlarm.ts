import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import { ECS_TASK_DEFINITION_TYPES, LAMBDA_FUNCTION_TYPES, METRIC_ALARM_TYPES } from "../lib/resourceTypes";
import { knownValue, ofTypes } from "../lib/links";

/** Metric names that count failed runs: Lambda's Errors, Scheduler's TargetErrorCount, custom *Failed metrics. */
export function isErrorMetric(metricName: unknown): boolean {
  return typeof metricName === "string" && /error|fail/i.test(metricName);
}

/** Identifying values of a job: the Lambda function name or the ECS task family. */
function jobIdentifiers(job: PolicyResource): string[] {
  return ["name", "family", "arn"]
    .map((key) => knownValue(job.props, key))
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Fargate tasks have no AWS error metric: their failures arrive as a custom metric the job
 * itself emits (dimension: the backup prefix), so an error alarm created in the same component
 * as the task definition is taken to watch it.
 */
function sameComponent(alarm: PolicyResource, job: PolicyResource): boolean {
  const parent = job.parent;
  return parent !== undefined && parent.type !== STACK_TYPE && alarm.parent?.urn === parent.urn;
}

/** Whether the alarm watches the job: its dimensions depend on the job or name it (or, for ECS, it sits beside it). */
export function alarmWatches(alarm: PolicyResource, job: PolicyResource): boolean {
  if (
    ECS_TASK_DEFINITION_TYPES.includes(job.type as (typeof ECS_TASK_DEFINITION_TYPES)[number]) &&
    sameComponent(alarm, job)
  )
    return true;
  // The engine's property dependencies are authoritative (and known during a preview).
  const viaDependencies = [
    ...(alarm.propertyDependencies?.dimensions ?? []),
    ...(alarm.propertyDependencies?.metricQueries ?? []),
  ];
  if (viaDependencies.length > 0) return viaDependencies.some((d) => d.urn === job.urn);
  const identifiers = jobIdentifiers(job);
  const dimensionValues = [
    ...Object.values((knownValue(alarm.props, "dimensions") as Record<string, unknown> | undefined) ?? {}),
    ...((knownValue(alarm.props, "metricQueries") as any[] | undefined) ?? []).flatMap((q) =>
      Object.values(q?.metric?.dimensions ?? {}),
    ),
  ];
  return dimensionValues.some((value) => identifiers.includes(value as string));
}

function watchesErrors(alarm: PolicyResource): boolean {
  if (isErrorMetric(alarm.props.metricName)) return true;
  return ((alarm.props.metricQueries ?? []) as any[]).some((q) => isErrorMetric(q?.metric?.metricName));
}

/**
 * Every backup or restore job (a Lambda function or a Fargate task definition) must have an
 * alarm on its error metric; the staleness alarm alone would page a day late.
 */
export const jobsHaveErrorAlarm: BloomStackRule = {
  name: "jobs-have-error-alarm",
  description:
    "Every Lambda function and ECS task definition (the dump and restore jobs) must have a CloudWatch MetricAlarm on an error metric (e.g. AWS/Lambda Errors) whose dimensions name it; for an ECS task, an error alarm in the same component counts.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Add an aws.cloudwatch.MetricAlarm { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: fn.name }, threshold: 0, comparisonOperator: "GreaterThanThreshold", alarmActions: [sev2TopicArn] } (DumpJob does this).',
  validateStack: (args, reportViolation) => {
    const jobs = ofTypes(args.resources, [...LAMBDA_FUNCTION_TYPES, ...ECS_TASK_DEFINITION_TYPES]);
    const errorAlarms = ofTypes(args.resources, METRIC_ALARM_TYPES).filter(watchesErrors);
    for (const job of jobs) {
      if (!errorAlarms.some((alarm) => alarmWatches(alarm, job))) {
        reportViolation(`${job.name} has no MetricAlarm on an error metric with a dimension naming it`, job.urn);
      }
    }
  },
};
