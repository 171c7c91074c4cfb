import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_PROBE_ENV, HEALTH_PROBE_HANDLER } from "../runtime/handlers/contract";
import { HEALTH_METRIC_DIMENSION, HEALTH_METRIC_NAMESPACE } from "./healthProbeMetrics";
import { healthProbeAlarmSpecs, ProbeAlarmKey } from "./healthProbeAlarms";
import { healthProbePolicy } from "./healthProbePolicy";
import { createLambdaIdentity, imageFunctionInputs } from "./lambdaIdentity";
import { deadLetterAlarm, lambdaErrorAlarm } from "./jobAlarms";
import { assertNoCredentials } from "./jobEnvironment";
import { createScheduledTrigger } from "./scheduledTrigger";

export interface HealthProbeArgs {
  /** The job image (digest-pinned): its healthProbe.handler entry runs here. */
  readonly imageUri: pulumi.Input<string>;
  /** Secret: {"direct": URL, "pooled": URL} of the monitor role (MonitorRole.urlsSecretString). */
  readonly monitorUrls: pulumi.Input<string>;
  /** The metrics' Database dimension and the alarms' wording, e.g. "bloom-production/bloom". */
  readonly database: string;
  /** Scheduler expression. Default "rate(1 minute)". */
  readonly schedule?: string;
  /** Consecutive failed probes before an alarm fires. Default 3. */
  readonly failuresToAlarm?: number;
  /** Connection usage (percent of the usable slots) that notifies SEV-3. Default 80. */
  readonly connectionUsagePercent?: number;
  /** The escalation matrix: unreachable → sev1, the probe itself broken → sev2, degraded → sev3. */
  readonly topicArns: {
    readonly sev1: pulumi.Input<string>;
    readonly sev2: pulumi.Input<string>;
    readonly sev3: pulumi.Input<string>;
  };
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const HEALTH_PROBE_DEFAULTS = {
  schedule: "rate(1 minute)",
  failuresToAlarm: 3,
  connectionUsagePercent: 80,
  /** Per endpoint; both are probed at once. */
  probeTimeoutMs: 5000,
  /** Two 5 s attempts and a secret read fit with room to spare. */
  lambdaTimeoutSeconds: 30,
  memorySizeMb: 256,
  logRetentionDays: 30,
} as const;

/**
 * The prod stack's database health probe: a scheduled Lambda (the job image's healthProbe entry)
 * that logs in to the direct and the pooled endpoint as the monitor role, and the alarms on what
 * it reports: unreachable through both for N probes → SEV-1; one endpoint down or connections
 * above the threshold → SEV-3; the probe silent, failing or unschedulable → SEV-2.
 */
export class HealthProbe extends pulumi.ComponentResource {
  declare public readonly functionName: pulumi.Output<string>;
  declare public readonly secretArn: pulumi.Output<string>;
  declare public readonly scheduleArn: pulumi.Output<string>;
  declare public readonly alarmArns: Record<ProbeAlarmKey, pulumi.Output<string>>;

  constructor(name: string, args: HealthProbeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:monitoring:HealthProbe", name, {}, opts);
    const schedule = args.schedule ?? HEALTH_PROBE_DEFAULTS.schedule;
    // validates the schedule and the thresholds before anything is registered
    const specs = healthProbeAlarmSpecs(
      {
        schedule,
        failuresToAlarm: args.failuresToAlarm ?? HEALTH_PROBE_DEFAULTS.failuresToAlarm,
        connectionUsagePercent: args.connectionUsagePercent ?? HEALTH_PROBE_DEFAULTS.connectionUsagePercent,
      },
      args.database,
    );
    const parent = { parent: this };
    const tags = args.tags;

    const secret = new aws.secretsmanager.Secret(
      `${name}-urls`,
      { description: "bloom-dr: the health probe's monitor-role URLs (direct and pooled)", tags },
      parent,
    );
    const secretVersion = new aws.secretsmanager.SecretVersion(
      `${name}-urls-version`,
      { secretId: secret.id, secretString: pulumi.secret(args.monitorUrls) },
      parent,
    );
    const { logGroup, role, rolePolicy } = createLambdaIdentity(
      name,
      {
        logRetentionDays: HEALTH_PROBE_DEFAULTS.logRetentionDays,
        tags,
        policy: (logGroupArn) =>
          pulumi
            .all([secret.arn, logGroupArn])
            .apply(([secretArn, logGroupArn]) => JSON.stringify(healthProbePolicy({ secretArn, logGroupArn }))),
      },
      parent,
    );
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        description: `bloom-dr health probe of ${args.database} (direct and pooled endpoint)`,
        ...imageFunctionInputs({ role, logGroup }, args.imageUri, HEALTH_PROBE_HANDLER),
        timeout: HEALTH_PROBE_DEFAULTS.lambdaTimeoutSeconds,
        memorySize: HEALTH_PROBE_DEFAULTS.memorySizeMb,
        environment: {
          variables: secret.arn.apply((secretArn) =>
            assertNoCredentials({
              [HEALTH_PROBE_ENV.secretArn]: secretArn,
              [HEALTH_PROBE_ENV.database]: args.database,
              [HEALTH_PROBE_ENV.timeoutMs]: String(HEALTH_PROBE_DEFAULTS.probeTimeoutMs),
            }),
          ),
        },
        tags,
      },
      // the secret version waits for the monitor role to exist, so the first scheduled probe logs in
      { parent: this, dependsOn: [rolePolicy, secretVersion] },
    );
    const trigger = createScheduledTrigger(
      name,
      {
        scheduleExpression: schedule,
        description: `bloom-dr: probe ${args.database}`,
        target: { kind: "lambda", functionArn: fn.arn },
        tags,
      },
      this,
    );

    const alarmArns = {} as Record<ProbeAlarmKey, pulumi.Output<string>>;
    for (const spec of specs) {
      const topic = args.topicArns[spec.severity];
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.key}`,
        {
          alarmDescription: spec.description,
          namespace: HEALTH_METRIC_NAMESPACE,
          metricName: spec.metricName,
          dimensions: { [HEALTH_METRIC_DIMENSION]: args.database },
          statistic: spec.statistic,
          period: spec.periodSeconds,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          threshold: spec.threshold,
          comparisonOperator: spec.comparisonOperator,
          treatMissingData: spec.treatMissingData,
          alarmActions: [topic],
          okActions: [topic],
          tags,
        },
        parent,
      );
      alarmArns[spec.key] = alarm.arn;
    }
    const sev2 = { topicArn: args.topicArns.sev2, parent: this, tags };
    lambdaErrorAlarm(
      `${name}-errors`,
      fn.name,
      "bloom-dr SEV-2: the health probe itself failed (its secret unreadable?)",
      sev2,
    );
    deadLetterAlarm(
      `${name}-dlq-messages`,
      trigger.deadLetterQueue.name,
      "bloom-dr SEV-2: a health probe run could not be started",
      sev2,
    );

    this.functionName = fn.name;
    this.secretArn = secret.arn;
    this.scheduleArn = trigger.schedule.arn;
    this.alarmArns = alarmArns;
    this.registerOutputs({
      functionName: this.functionName,
      secretArn: this.secretArn,
      scheduleArn: this.scheduleArn,
      alarmArns: this.alarmArns,
    });
  }
}
