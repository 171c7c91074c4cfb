import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { SEVERITIES, Severity, planSubscriptions } from "./alertEndpoints";
import { alertTopicPolicy } from "./alertTopicPolicy";

export interface AlertingArgs {
  /** Endpoints per severity: emails or https:// URLs (the playbook's escalation matrix). */
  readonly endpoints: Readonly<Record<Severity, readonly string[]>>;
  /**
   * KMS key for the topics. Default none: CloudWatch alarms cannot publish to topics encrypted
   * with the AWS-managed aws/sns key, so only a customer key whose policy admits
   * cloudwatch.amazonaws.com works here. Alert messages carry no data, only alarm names.
   */
  readonly kmsMasterKeyId?: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** One SNS topic per severity, each with its subscriptions and a TLS-only resource policy. */
export class Alerting extends pulumi.ComponentResource {
  declare public readonly topicArns: Record<Severity, pulumi.Output<string>>;
  declare public readonly sev1TopicArn: pulumi.Output<string>;
  declare public readonly sev2TopicArn: pulumi.Output<string>;
  declare public readonly sev3TopicArn: pulumi.Output<string>;
  declare public readonly sev4TopicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:alerting:Alerting", name, {}, opts);
    const subscriptions = planSubscriptions(args.endpoints);
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    const topics = {} as Record<Severity, aws.sns.Topic>;
    for (const severity of SEVERITIES) {
      const topic = new aws.sns.Topic(
        `${name}-${severity}`,
        {
          displayName: `bloom-dr ${severity.toUpperCase().replace("SEV", "SEV-")}`,
          ...(args.kmsMasterKeyId !== undefined ? { kmsMasterKeyId: args.kmsMasterKeyId } : {}),
          tags: pulumi.output(args.tags ?? {}).apply((tags) => ({ ...tags, "bloom-dr:severity": severity })),
        },
        { parent: this },
      );
      new aws.sns.TopicPolicy(
        `${name}-${severity}-policy`,
        {
          arn: topic.arn,
          policy: pulumi
            .all([topic.arn, accountId])
            .apply(([arn, account]) => JSON.stringify(alertTopicPolicy(arn, account))),
        },
        { parent: this },
      );
      topics[severity] = topic;
    }

    for (const subscription of subscriptions) {
      new aws.sns.TopicSubscription(
        `${name}-${subscription.severity}-${subscription.key}`,
        { topic: topics[subscription.severity].arn, protocol: subscription.protocol, endpoint: subscription.endpoint },
        { parent: this },
      );
    }

    this.topicArns = { sev1: topics.sev1.arn, sev2: topics.sev2.arn, sev3: topics.sev3.arn, sev4: topics.sev4.arn };
    this.sev1TopicArn = topics.sev1.arn;
    this.sev2TopicArn = topics.sev2.arn;
    this.sev3TopicArn = topics.sev3.arn;
    this.sev4TopicArn = topics.sev4.arn;
    this.registerOutputs({
      sev1TopicArn: this.sev1TopicArn,
      sev2TopicArn: this.sev2TopicArn,
      sev3TopicArn: this.sev3TopicArn,
      sev4TopicArn: this.sev4TopicArn,
    });
  }
}
