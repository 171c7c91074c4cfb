import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupImage } from "./backupImage";
import { BACKUP_FAILED_METRIC, BACKUP_SUCCEEDED_METRIC } from "./backupMetrics";
import { createFargateRunner, FargateNetworkArgs } from "./fargateRunner";
import { assumeRolePolicy, dumpJobPolicy } from "./iamPolicies";
import { deadLetterAlarm, lambdaErrorAlarm, reportedFailureAlarm, stalenessAlarm } from "./jobAlarms";
import { FARGATE_BACKUP_COMMAND, HANDLER_COMMANDS, dumpJobEnvironment } from "./jobEnvironment";
import { normalizePrefix } from "./policyDocument";
import { createScheduledTrigger } from "./scheduledTrigger";
import { stalenessPeriodSeconds } from "./schedules";
import { imageFunctionInputs } from "./lambdaIdentity";

export type { FargateNetworkArgs } from "./fargateRunner";
export type BackupRunner = "lambda" | "fargate";

export interface DumpJobArgs {
  readonly vaultBucketName: pulumi.Input<string>;
  readonly vaultBucketArn: pulumi.Input<string>;
  readonly vaultKeyArn: pulumi.Input<string>;
  /** Key prefix the job may write under. Default "production/". */
  readonly prefix?: string;
  /** The primary's direct (non-pooled) URL; a secret input, stored in Secrets Manager. */
  readonly sourceDatabaseUrl: pulumi.Input<string>;
  /** Scheduler expression (rate(...) or cron(...)), UTC. Default "cron(0 2 * * ? *)". */
  readonly schedule?: string;
  /** Minutes past the schedule interval before the staleness alarm fires. Default 60. */
  readonly stalenessGraceMinutes?: number;
  /** Default "lambda"; "fargate" for dumps longer than Lambda's 15 minutes. */
  readonly runner?: BackupRunner;
  /** SEV-2 SNS topic that every alarm notifies. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Lambda memory, MB. Default 2048 (pg_dump and zstd are CPU-bound; Lambda CPU scales with memory). */
  readonly memorySizeMb?: number;
  /**
   * Lambda only: reserve one concurrent execution, so two runs never overlap. Default false: a
   * reservation must leave the account at least 10 unreserved executions, which new accounts
   * (concurrency quota 10) cannot; overlapping dumps are harmless (latest.json only moves forward).
   */
  readonly reserveConcurrency?: boolean;
  /** Lambda /tmp size, MB. Default 10240, the maximum. */
  readonly ephemeralStorageMb?: number;
  /** Fargate only; default: the default VPC's default subnets with a public IP. */
  readonly fargateNetwork?: FargateNetworkArgs;
  /** Fargate only; default ["node", "runtime/handlers/dumpTask.js"] (run in /var/task). */
  readonly fargateCommand?: readonly string[];
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const DUMP_JOB_DEFAULTS = {
  prefix: "production/",
  schedule: "cron(0 2 * * ? *)",
  stalenessGraceMinutes: 60,
  runner: "lambda",
  memorySizeMb: 2048,
  ephemeralStorageMb: 10240,
  /** Lambda's maximum. */
  timeoutSeconds: 900,
  logRetentionDays: 90,
} as const;

/**
 * The scheduled backup: image, runner (Lambda or Fargate) with a least-privilege role, the source
 * URL in Secrets Manager, an EventBridge schedule with retries and a dead-letter queue, and alarms
 * on errors, on undeliverable runs and on staleness (no success within interval + grace).
 */
export class DumpJob extends pulumi.ComponentResource {
  declare public readonly repositoryUrl: pulumi.Output<string>;
  /** Digest-pinned image reference (repo@sha256:...). */
  declare public readonly imageUri: pulumi.Output<string>;
  declare public readonly sourceSecretArn: pulumi.Output<string>;
  declare public readonly scheduleArn: pulumi.Output<string>;
  declare public readonly deadLetterQueueArn: pulumi.Output<string>;
  declare public readonly errorAlarmArn: pulumi.Output<string>;
  declare public readonly stalenessAlarmArn: pulumi.Output<string>;
  /** Lambda function name, or the ECS task definition family for fargate. */
  declare public readonly runnerName: pulumi.Output<string>;

  constructor(name: string, args: DumpJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:backup:DumpJob", name, {}, opts);
    const prefix = normalizePrefix(args.prefix ?? DUMP_JOB_DEFAULTS.prefix);
    const schedule = args.schedule ?? DUMP_JOB_DEFAULTS.schedule;
    const runner = args.runner ?? DUMP_JOB_DEFAULTS.runner;
    if (runner !== "lambda" && runner !== "fargate") {
      throw new Error(`DumpJob ${name}: runner must be "lambda" or "fargate" (got "${runner}")`);
    }
    if (runner === "lambda" && (args.fargateNetwork || args.fargateCommand)) {
      throw new Error(
        `DumpJob ${name}: fargateNetwork/fargateCommand are set but runner is "lambda"; remove them or set runner "fargate"`,
      );
    }
    if (runner === "fargate" && args.reserveConcurrency) {
      throw new Error(
        `DumpJob ${name}: reserveConcurrency is set but runner is "fargate"; it applies to the Lambda runner only`,
      );
    }
    // Validates the schedule before anything is registered.
    const stalenessPeriod = stalenessPeriodSeconds(
      schedule,
      args.stalenessGraceMinutes ?? DUMP_JOB_DEFAULTS.stalenessGraceMinutes,
    );
    const parent = { parent: this };
    const tags = args.tags;

    const image = new BackupImage(`${name}-image`, { tags }, parent);

    const sourceSecret = new aws.secretsmanager.Secret(
      `${name}-source-url`,
      {
        description: "bloom-dr: connection URL of the database the backup job dumps",
        tags,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-source-url-version`,
      {
        secretId: sourceSecret.id,
        secretString: pulumi.secret(args.sourceDatabaseUrl),
      },
      parent,
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: DUMP_JOB_DEFAULTS.logRetentionDays, tags },
      parent,
    );
    const jobPolicy = pulumi
      .all([args.vaultBucketArn, args.vaultKeyArn, sourceSecret.arn, logGroup.arn])
      .apply(([bucketArn, keyArn, sourceSecretArn, logGroupArn]) =>
        JSON.stringify(dumpJobPolicy({ bucketArn, prefix, keyArn, sourceSecretArn, logGroupArn })),
      );
    const environment = pulumi
      .all([sourceSecret.arn, args.vaultBucketName, args.vaultKeyArn])
      .apply(([sourceSecretArn, bucket, kmsKeyArn]) =>
        dumpJobEnvironment({ sourceSecretArn, bucket, prefix, kmsKeyArn }),
      );
    const alarmContext = { topicArn: args.alarmTopicArn, parent: this, tags };

    let trigger;
    let errorAlarm: aws.cloudwatch.MetricAlarm;
    if (runner === "lambda") {
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          assumeRolePolicy: JSON.stringify(assumeRolePolicy("lambda.amazonaws.com")),
          tags,
        },
        parent,
      );
      const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: jobPolicy }, parent);
      const fn = new aws.lambda.Function(
        `${name}-function`,
        {
          description: "bloom-dr scheduled backup (pg_dump to the vault)",
          ...imageFunctionInputs({ role, logGroup }, image.imageUri, HANDLER_COMMANDS.backup),
          timeout: DUMP_JOB_DEFAULTS.timeoutSeconds,
          memorySize: args.memorySizeMb ?? DUMP_JOB_DEFAULTS.memorySizeMb,
          ephemeralStorage: { size: args.ephemeralStorageMb ?? DUMP_JOB_DEFAULTS.ephemeralStorageMb },
          ...(args.reserveConcurrency ? { reservedConcurrentExecutions: 1 } : {}),
          environment: { variables: environment },
          tags,
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
      trigger = createScheduledTrigger(
        name,
        {
          scheduleExpression: schedule,
          description: "bloom-dr: run the backup",
          target: { kind: "lambda", functionArn: fn.arn },
          tags,
        },
        this,
      );
      errorAlarm = lambdaErrorAlarm(`${name}-errors`, fn.name, "bloom-dr backup Lambda failed (SEV-2)", alarmContext);
      this.runnerName = fn.name;
    } else {
      const fargate = createFargateRunner(
        name,
        {
          imageUri: image.imageUri,
          repositoryArn: image.repositoryArn,
          environment,
          jobPolicy,
          logGroup,
          command: args.fargateCommand ?? FARGATE_BACKUP_COMMAND,
          network: args.fargateNetwork,
          tags,
        },
        this,
      );
      trigger = createScheduledTrigger(
        name,
        {
          scheduleExpression: schedule,
          description: "bloom-dr: run the backup task",
          target: {
            kind: "ecs",
            clusterArn: fargate.cluster.arn,
            taskDefinitionArn: fargate.taskDefinition.arn,
            taskRoleArn: fargate.taskRole.arn,
            executionRoleArn: fargate.executionRole.arn,
            subnetIds: fargate.subnetIds,
            securityGroupIds: fargate.securityGroupIds,
            assignPublicIp: fargate.assignPublicIp,
          },
          tags,
        },
        this,
      );
      errorAlarm = reportedFailureAlarm(
        `${name}-errors`,
        BACKUP_FAILED_METRIC,
        prefix,
        "bloom-dr backup task reported a failure (SEV-2)",
        alarmContext,
      );
      this.runnerName = fargate.taskDefinition.family;
    }
    const staleness = stalenessAlarm(
      `${name}-staleness`,
      BACKUP_SUCCEEDED_METRIC,
      prefix,
      stalenessPeriod,
      `bloom-dr: no successful backup under ${prefix} within ${stalenessPeriod} s (schedule ${schedule}); RPO at risk (SEV-2)`,
      alarmContext,
    );
    deadLetterAlarm(
      `${name}-dlq-messages`,
      trigger.deadLetterQueue.name,
      "bloom-dr: a scheduled backup could not be started (SEV-2)",
      alarmContext,
    );

    this.repositoryUrl = image.repositoryUrl;
    this.imageUri = image.imageUri;
    this.sourceSecretArn = sourceSecret.arn;
    this.scheduleArn = trigger.schedule.arn;
    this.deadLetterQueueArn = trigger.deadLetterQueue.arn;
    this.errorAlarmArn = errorAlarm.arn;
    this.stalenessAlarmArn = staleness.arn;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      imageUri: this.imageUri,
      sourceSecretArn: this.sourceSecretArn,
      scheduleArn: this.scheduleArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      errorAlarmArn: this.errorAlarmArn,
      stalenessAlarmArn: this.stalenessAlarmArn,
      runnerName: this.runnerName,
    });
  }
}
