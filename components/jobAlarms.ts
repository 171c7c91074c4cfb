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

function notify(context: AlarmContext) {
    return { alarmActions: [context.topicArn], okActions: [context.topicArn], tags: context.tags };
}

/** Any Lambda error (≥ 1 in five minutes). No invocations is not an error: staleness covers that. */
export function lambdaErrorAlarm(name: string, functionName: pulumi.Input<string>, description: string, context: AlarmContext) {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: description,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        period: ERROR_ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        ...notify(context),
    }, { parent: context.parent });
}

/** Any failure the handler reported through its EMF metric (≥ 1 in five minutes). */
export function reportedFailureAlarm(name: string, metricName: string, prefix: pulumi.Input<string>, description: string, context: AlarmContext) {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: description,
        namespace: BACKUP_METRIC_NAMESPACE,
        metricName,
        dimensions: { [BACKUP_METRIC_DIMENSION]: prefix },
        statistic: "Sum",
        period: ERROR_ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        ...notify(context),
    }, { parent: context.parent });
}

/**
 * No success within one schedule interval plus the grace: the RPO is being exceeded. Missing data
 * is breaching, because a job that never runs writes no data points at all.
 */
export function stalenessAlarm(name: string, metricName: string, prefix: pulumi.Input<string>, periodSeconds: number, description: string, context: AlarmContext) {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: description,
        namespace: BACKUP_METRIC_NAMESPACE,
        metricName,
        dimensions: { [BACKUP_METRIC_DIMENSION]: prefix },
        statistic: "Sum",
        period: periodSeconds,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        ...notify(context),
    }, { parent: context.parent });
}

/** A schedule whose target could not be started ends up in the dead-letter queue. */
export function deadLetterAlarm(name: string, queueName: pulumi.Input<string>, description: string, context: AlarmContext) {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: description,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName },
        statistic: "Maximum",
        period: ERROR_ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        ...notify(context),
    }, { parent: context.parent });
}
