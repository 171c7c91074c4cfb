/**
 * The scheduled restore test of the DR stack: the backup image with the restoreTest handler, in the
 * failover VPC, reading the newest backup from the prod vault (read-only) and restoring it into
 * the standby instance, with an error alarm.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { restoreJobPolicy } from "./iamPolicies";
import { RESTORE_SUCCEEDED_METRIC } from "./backupMetrics";
import { deadLetterAlarm, lambdaErrorAlarm, stalenessAlarm } from "./jobAlarms";
import { HANDLER_COMMANDS, restoreJobEnvironment } from "./jobEnvironment";
import { createLambdaIdentity, imageFunctionInputs } from "./lambdaIdentity";
import { createScheduledTrigger } from "./scheduledTrigger";
import { stalenessPeriodSeconds } from "./schedules";

export const RESTORE_JOB_DEFAULTS = {
  timeoutSeconds: 900,
  memorySizeMb: 3008,
  ephemeralStorageMb: 10240,
  logRetentionDays: 90,
  /** A restore test may take the whole Lambda timeout; an hour covers it with room to spare. */
  stalenessGraceMinutes: 60,
} as const;

export interface RestoreJobArgs {
  readonly imageUri: pulumi.Input<string>;
  readonly vaultBucketName: pulumi.Input<string>;
  readonly vaultBucketArn: pulumi.Input<string>;
  readonly vaultKeyArn: pulumi.Input<string>;
  readonly backupPrefix: pulumi.Input<string>;
  readonly masterSecretArn: pulumi.Input<string>;
  readonly masterSecretKeyArn: pulumi.Input<string>;
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly database: string;
  readonly smokeQuery?: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly schedule: string;
  /**
   * Enabled only in standby: restoring into the live database (active) would destroy it, and into
   * a replica would destroy its subscription. The function gets the mode, and refuses outside standby.
   */
  readonly mode: "standby" | "replica" | "active";
  /** Reserve one concurrent execution (needs 11+ unreserved executions in the account). */
  readonly reserveConcurrency: boolean;
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface RestoreJob {
  readonly function: aws.lambda.Function;
  readonly schedule: aws.scheduler.Schedule;
  readonly errorAlarm: aws.cloudwatch.MetricAlarm;
}

export function createRestoreJob(name: string, args: RestoreJobArgs, parent: pulumi.Resource): RestoreJob {
  const opts = { parent };
  const enabled = args.mode === "standby";
  const tags = args.tags;
  const { logGroup, role, rolePolicy } = createLambdaIdentity(
    name,
    {
      logRetentionDays: RESTORE_JOB_DEFAULTS.logRetentionDays,
      tags,
      policy: (logGroupArn) =>
        pulumi
          .all([
            args.vaultBucketArn,
            args.backupPrefix,
            args.vaultKeyArn,
            args.masterSecretArn,
            args.masterSecretKeyArn,
            logGroupArn,
          ])
          .apply(([bucketArn, prefix, vaultKeyArn, masterSecretArn, masterSecretKeyArn, logGroupArn]) =>
            JSON.stringify(
              restoreJobPolicy({ bucketArn, prefix, vaultKeyArn, masterSecretArn, masterSecretKeyArn, logGroupArn }),
            ),
          ),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    `${name}-function`,
    {
      description: "bloom-dr scheduled restore test (newest backup into the standby)",
      ...imageFunctionInputs({ role, logGroup }, args.imageUri, HANDLER_COMMANDS.restoreTest),
      timeout: RESTORE_JOB_DEFAULTS.timeoutSeconds,
      memorySize: RESTORE_JOB_DEFAULTS.memorySizeMb,
      ephemeralStorage: { size: RESTORE_JOB_DEFAULTS.ephemeralStorageMb },
      ...(args.reserveConcurrency ? { reservedConcurrentExecutions: 1 } : {}),
      vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
      environment: {
        variables: pulumi
          .all([args.vaultBucketName, args.backupPrefix, args.vaultKeyArn, args.masterSecretArn, args.host, args.port])
          .apply(([bucket, prefix, kmsKeyArn, targetSecretArn, targetHost, targetPort]) =>
            restoreJobEnvironment({
              bucket,
              prefix,
              kmsKeyArn,
              targetSecretArn,
              targetHost,
              targetPort,
              targetDatabase: args.database,
              smokeQuery: args.smokeQuery,
              failoverMode: args.mode,
            }),
          ),
      },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );
  const trigger = createScheduledTrigger(
    name,
    {
      scheduleExpression: args.schedule,
      description: "bloom-dr: restore the newest backup into the standby and validate it",
      target: { kind: "lambda", functionArn: fn.arn },
      enabled,
      tags,
    },
    parent,
  );
  const context = { topicArn: args.alarmTopicArn, parent, tags };
  const errorAlarm = lambdaErrorAlarm(
    `${name}-errors`,
    fn.name,
    "bloom-dr restore test failed: the newest backup may not be restorable (SEV-2)",
    context,
  );
  if (enabled) {
    // A restore test that silently stops running is a backup nobody has proven restorable.
    // Not while active or replica: the schedule is off on purpose then.
    const period = stalenessPeriodSeconds(args.schedule, RESTORE_JOB_DEFAULTS.stalenessGraceMinutes);
    stalenessAlarm(
      `${name}-staleness`,
      RESTORE_SUCCEEDED_METRIC,
      args.backupPrefix,
      period,
      `bloom-dr: no successful restore test within ${period} s (schedule ${args.schedule}) (SEV-2)`,
      context,
    );
  }
  deadLetterAlarm(
    `${name}-dlq-messages`,
    trigger.deadLetterQueue.name,
    "bloom-dr: a scheduled restore test could not be started (SEV-2)",
    context,
  );
  return { function: fn, schedule: trigger.schedule, errorAlarm };
}
