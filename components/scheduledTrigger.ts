/**
 * EventBridge Scheduler → job: the schedule, its own invoke role, retries and the dead-letter
 * queue that keeps every event the scheduler could not deliver.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, schedulerInvokeLambdaPolicy, schedulerRunTaskPolicy } from "./iamPolicies";

/** Delivery retries; handler failures are Lambda's own async retries and the error alarm. */
export const SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } as const;
/** SQS maximum: two weeks to notice and replay a lost run. */
export const DEAD_LETTER_RETENTION_SECONDS = 1209600;

export type ScheduledTarget =
  | {
      readonly kind: "lambda";
      readonly functionArn: pulumi.Input<string>;
      /** Fields added to the event the function receives, e.g. { action: "status" }. */
      readonly event?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "ecs";
      readonly clusterArn: pulumi.Input<string>;
      readonly taskDefinitionArn: pulumi.Input<string>;
      readonly taskRoleArn: pulumi.Input<string>;
      readonly executionRoleArn: pulumi.Input<string>;
      readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
      readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
      readonly assignPublicIp: boolean;
    };

export interface ScheduledTriggerArgs {
  readonly scheduleExpression: string;
  readonly description: string;
  readonly target: ScheduledTarget;
  /** Default true; a disabled schedule keeps its configuration but never fires. */
  readonly enabled?: boolean;
  /** What must exist before the first run (e.g. the subscription a status check reads). */
  readonly after?: pulumi.Resource[];
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ScheduledTrigger {
  readonly schedule: aws.scheduler.Schedule;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly role: aws.iam.Role;
}

export function createScheduledTrigger(
  name: string,
  args: ScheduledTriggerArgs,
  parent: pulumi.Resource,
): ScheduledTrigger {
  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-dlq`,
    {
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
      tags: args.tags,
    },
    { parent },
  );

  const account = aws.getCallerIdentityOutput({}, { parent });
  const role = new aws.iam.Role(
    `${name}-scheduler-role`,
    {
      assumeRolePolicy: account.accountId.apply((accountId) =>
        JSON.stringify(assumeRolePolicy("scheduler.amazonaws.com", accountId)),
      ),
      tags: args.tags,
    },
    { parent },
  );

  const target = args.target;
  const policy = new aws.iam.RolePolicy(
    `${name}-scheduler-policy`,
    {
      role: role.id,
      policy:
        target.kind === "lambda"
          ? pulumi
              .all([target.functionArn, deadLetterQueue.arn])
              .apply(([functionArn, queueArn]) => JSON.stringify(schedulerInvokeLambdaPolicy(functionArn, queueArn)))
          : pulumi
              .all([
                target.taskDefinitionArn,
                target.clusterArn,
                target.taskRoleArn,
                target.executionRoleArn,
                deadLetterQueue.arn,
              ])
              .apply(([taskDefinitionArn, clusterArn, taskRoleArn, executionRoleArn, deadLetterQueueArn]) =>
                JSON.stringify(
                  schedulerRunTaskPolicy({
                    taskDefinitionArn,
                    clusterArn,
                    taskRoleArn,
                    executionRoleArn,
                    deadLetterQueueArn,
                  }),
                ),
              ),
    },
    { parent },
  );

  const schedule = new aws.scheduler.Schedule(
    `${name}-schedule`,
    {
      description: args.description,
      scheduleExpression: args.scheduleExpression,
      // The staleness math assumes UTC: a DST zone would make one day 23 or 25 hours long.
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      state: args.enabled === false ? "DISABLED" : "ENABLED",
      target: {
        arn: target.kind === "lambda" ? target.functionArn : target.clusterArn,
        roleArn: role.arn,
        retryPolicy: { ...SCHEDULE_RETRY_POLICY },
        deadLetterConfig: { arn: deadLetterQueue.arn },
        ...(target.kind === "ecs"
          ? {
              ecsParameters: {
                taskDefinitionArn: target.taskDefinitionArn,
                launchType: "FARGATE",
                platformVersion: "LATEST",
                taskCount: 1,
                networkConfiguration: {
                  subnets: target.subnetIds,
                  securityGroups: target.securityGroupIds,
                  assignPublicIp: target.assignPublicIp,
                },
              },
            }
          : { input: JSON.stringify({ source: "bloom-dr-schedule", ...target.event }) }),
      },
    },
    { parent, dependsOn: [policy, ...(args.after ?? [])] },
  );
  return { schedule, deadLetterQueue, role };
}
