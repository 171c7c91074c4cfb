/**
 * The alarms of the scheduled jobs. Each one notifies the given topic on ALARM and on OK, so the
 * on-call sees both the failure and the recovery.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_METRIC_DIMENSION, BACKUP_METRIC_NAMESPACE } from "./backupMetrics";

/** Errors are judged over five minutes: a failed run shows up at most five minutes late. */
export const ERROR_ALARM_PERIOD_SECONDS = 300;

export interface AlarmContext {
  readonly topicArn: pulumi.Input<string>;
  readonly parent: pulumi.Resource;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What an alarm watches. */
interface Metric {
  readonly namespace: string;
  readonly metricName: pulumi.Input<string>;
  readonly dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly statistic: "Sum" | "Maximum";
}

/** When it fires, over one evaluation period against a threshold of 1. */
interface Condition {
  readonly periodSeconds: number;
  readonly comparisonOperator: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly treatMissingData: "breaching" | "notBreaching";
}

/** At least one failure in five minutes; no data means nothing failed. */
const ANY_FAILURE: Condition = {
  periodSeconds: ERROR_ALARM_PERIOD_SECONDS,
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  treatMissingData: "notBreaching",
};

/** A metric the handlers publish through EMF, per backup prefix. */
function backupMetric(metricName: string, prefix: pulumi.Input<string>): Metric {
  return {
    namespace: BACKUP_METRIC_NAMESPACE,
    metricName,
    dimensions: { [BACKUP_METRIC_DIMENSION]: prefix },
    statistic: "Sum",
  };
}

function jobAlarm(name: string, description: string, metric: Metric, condition: Condition, context: AlarmContext) {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      alarmDescription: description,
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: metric.dimensions,
      statistic: metric.statistic,
      period: condition.periodSeconds,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: condition.comparisonOperator,
      treatMissingData: condition.treatMissingData,
      alarmActions: [context.topicArn],
      okActions: [context.topicArn],
      tags: context.tags,
    },
    { parent: context.parent },
  );
}

/** Any Lambda error (≥ 1 in five minutes). No invocations is not an error: staleness covers that. */
export function lambdaErrorAlarm(
  name: string,
  functionName: pulumi.Input<string>,
  description: string,
  context: AlarmContext,
) {
  const metric: Metric = {
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: functionName },
    statistic: "Sum",
  };
  return jobAlarm(name, description, metric, ANY_FAILURE, context);
}

/** Any failure the handler reported through its EMF metric (≥ 1 in five minutes). */
export function reportedFailureAlarm(
  name: string,
  metricName: string,
  prefix: pulumi.Input<string>,
  description: string,
  context: AlarmContext,
) {
  return jobAlarm(name, description, backupMetric(metricName, prefix), ANY_FAILURE, context);
}

/**
 * No success within one schedule interval plus the grace: the RPO is being exceeded. Missing data
 * is breaching, because a job that never runs writes no data points at all.
 */
export function stalenessAlarm(
  name: string,
  metricName: string,
  prefix: pulumi.Input<string>,
  periodSeconds: number,
  description: string,
  context: AlarmContext,
) {
  const noSuccess: Condition = {
    periodSeconds,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
  };
  return jobAlarm(name, description, backupMetric(metricName, prefix), noSuccess, context);
}

/** A schedule whose target could not be started ends up in the dead-letter queue. */
export function deadLetterAlarm(
  name: string,
  queueName: pulumi.Input<string>,
  description: string,
  context: AlarmContext,
) {
  const metric: Metric = {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queueName },
    statistic: "Maximum",
  };
  return jobAlarm(name, description, metric, ANY_FAILURE, context);
}
