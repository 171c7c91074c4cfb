/**
 * failover.mode "replica": the failover instance subscribes to the Neon primary by logical
 * replication. A Lambda function with the restore test's image (runtime/handlers/replicate.handler)
 * runs `replicate setup` once per instance during `pulumi up` (an aws.lambda.Invocation, like the
 * promotion step: synchronous, a FunctionError fails the update) and `replicate status` on a
 * schedule, whose metrics feed the SEV-2 alarms: lag beyond the threshold, a table not syncing, the
 * check gone silent. See docs/aws-components.md, "What replica adds".
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { replicateJobPolicy } from "./iamPolicies";
import { deadLetterAlarm, lambdaErrorAlarm } from "./jobAlarms";
import { HANDLER_COMMANDS, replicateJobEnvironment } from "./jobEnvironment";
import { createLambdaIdentity, imageFunctionInputs } from "./lambdaIdentity";
import { replicationAlarmSpecs } from "./replicationAlarms";
import { REPLICATION_METRIC_DIMENSION, REPLICATION_METRIC_NAMESPACE } from "./replicationMetrics";
import { ReplicationSetupSummary, parseReplicationSetupResult } from "./replicationResult";
import type { ReplicationSource } from "./replicationSource";
import { createScheduledTrigger } from "./scheduledTrigger";

export const REPLICATION_DEFAULTS = {
  publication: "bloom_dr",
  subscription: "bloom_dr",
  statusSchedule: "rate(5 minutes)",
  /** Setup waits for the initial copy of every table: Lambda's maximum. */
  timeoutSeconds: 900,
  memorySizeMb: 1024,
  logRetentionDays: 90,
} as const;

/** The handler's events (the contract with runtime/handlers/replicate.ts). */
export const REPLICATE_EVENTS = { setup: { action: "setup" }, status: { action: "status" } } as const;

export interface ReplicationArgs {
  readonly imageUri: pulumi.Input<string>;
  /** The setup is keyed to its identifier: a replaced instance is set up again. */
  readonly instance: aws.rds.Instance;
  readonly database: string;
  /** The role the copied schema is given to (failover.appRole), as promotion will serve it. */
  readonly appRole: string;
  readonly masterSecretArn: pulumi.Input<string>;
  readonly masterSecretKeyArn: pulumi.Input<string>;
  readonly source: ReplicationSource;
  /** Seconds behind the primary at which status reports it behind and the lag alarm fires. */
  readonly maxLagSeconds: number;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  /** What must be in place before setup starts (the restore test off, the instance's route to Neon). */
  readonly after: pulumi.Resource[];
  /** SEV-2: every alarm notifies it. */
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Replication {
  readonly function: aws.lambda.Function;
  readonly setup: aws.lambda.Invocation;
  /** The setup's answer, checked (the dr stack's failoverReplication). */
  readonly summary: pulumi.Output<ReplicationSetupSummary>;
  readonly statusSchedule: aws.scheduler.Schedule;
  readonly lagAlarm: aws.cloudwatch.MetricAlarm;
}

export function createReplication(name: string, args: ReplicationArgs, parent: pulumi.Resource): Replication {
  const opts = { parent };
  const tags = args.tags;
  // Several dr stacks may report into one account: the stack names the subscription's metrics.
  const dimension = `${pulumi.getStack()}/${REPLICATION_DEFAULTS.subscription}`;
  const specs = replicationAlarmSpecs(
    { statusSchedule: REPLICATION_DEFAULTS.statusSchedule, maxLagSeconds: args.maxLagSeconds },
    dimension,
  );
  const { logGroup, role, rolePolicy } = createLambdaIdentity(
    name,
    {
      logRetentionDays: REPLICATION_DEFAULTS.logRetentionDays,
      tags,
      policy: (logGroupArn) =>
        pulumi
          .all([args.masterSecretArn, args.masterSecretKeyArn, args.source.access, logGroupArn])
          .apply(([masterSecretArn, masterSecretKeyArn, replicationSource, logGroupArn]) =>
            JSON.stringify(replicateJobPolicy({ masterSecretArn, masterSecretKeyArn, replicationSource, logGroupArn })),
          ),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    `${name}-function`,
    {
      description: "bloom-dr replica: subscribe the failover database to the Neon primary, and check its lag",
      ...imageFunctionInputs({ role, logGroup }, args.imageUri, HANDLER_COMMANDS.replicate),
      timeout: REPLICATION_DEFAULTS.timeoutSeconds,
      memorySize: REPLICATION_DEFAULTS.memorySizeMb,
      vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
      environment: {
        variables: pulumi
          .all([args.masterSecretArn, args.instance.address, args.instance.port, args.source.secret.arn])
          .apply(([targetSecretArn, targetHost, targetPort, sourceSecretArn]) =>
            replicateJobEnvironment({
              targetSecretArn,
              targetHost,
              targetPort,
              targetDatabase: args.database,
              appRole: args.appRole,
              sourceSecretArn,
              publication: REPLICATION_DEFAULTS.publication,
              subscription: REPLICATION_DEFAULTS.subscription,
              maxLagSeconds: args.maxLagSeconds,
              metricDimension: dimension,
            }),
          ),
      },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );
  const setup = new aws.lambda.Invocation(
    `${name}-setup`,
    {
      functionName: fn.name,
      input: JSON.stringify(REPLICATE_EVENTS.setup),
      // CREATE_ONLY (the default): setup runs again only for a new instance or a new source URL.
      triggers: { instance: args.instance.identifier, source: args.source.version.versionId },
    },
    { parent, dependsOn: [fn, args.source.version, ...args.after] },
  );
  const trigger = createScheduledTrigger(
    name,
    {
      scheduleExpression: REPLICATION_DEFAULTS.statusSchedule,
      description: "bloom-dr: check the replica's subscription and lag",
      target: { kind: "lambda", functionArn: fn.arn, event: REPLICATE_EVENTS.status },
      // nothing to check (or to miss) before the subscription exists
      after: [setup],
      tags,
    },
    parent,
  );
  const alarms = specs.map(
    (spec) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.key}`,
        {
          alarmDescription: spec.description,
          namespace: REPLICATION_METRIC_NAMESPACE,
          metricName: spec.metricName,
          dimensions: { [REPLICATION_METRIC_DIMENSION]: dimension },
          statistic: spec.statistic,
          period: spec.periodSeconds,
          evaluationPeriods: 1,
          threshold: spec.threshold,
          comparisonOperator: spec.comparisonOperator,
          treatMissingData: spec.treatMissingData,
          alarmActions: [args.alarmTopicArn],
          okActions: [args.alarmTopicArn],
          tags,
        },
        { parent, dependsOn: [setup] },
      ),
  );
  const context = { topicArn: args.alarmTopicArn, parent, tags };
  lambdaErrorAlarm(
    `${name}-errors`,
    fn.name,
    "bloom-dr replica: the replicate function failed (the setup, or a status check that could not read the instance) (SEV-2); read its log group",
    context,
  );
  deadLetterAlarm(
    `${name}-dlq-messages`,
    trigger.deadLetterQueue.name,
    "bloom-dr: a scheduled replication status check could not be started (SEV-2)",
    context,
  );
  const summary = setup.result.apply(parseReplicationSetupResult);
  return { function: fn, setup, summary, statusSchedule: trigger.schedule, lagAlarm: alarms[0] };
}
