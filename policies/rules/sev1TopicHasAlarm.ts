import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import { METRIC_ALARM_TYPES, NEON_PROJECT_TYPES, SNS_TOPIC_TYPES } from "../lib/resourceTypes";
import { knownValue, ofTypes } from "../lib/links";
import { isSev1Topic } from "./sev1TopicHasSubscription";

/**
 * Whether the alarm publishes to the topic: the engine's dependency of alarmActions on the topic
 * (known during a preview), else the topic's ARN among the alarm's actions.
 */
export function alarmPublishesTo(alarm: PolicyResource, topic: PolicyResource): boolean {
  const dependencies = alarm.propertyDependencies?.alarmActions;
  if (dependencies && dependencies.length > 0) return dependencies.some((d) => d.urn === topic.urn);
  const actions = knownValue(alarm.props, "alarmActions");
  const arn = knownValue(topic.props, "arn");
  return Array.isArray(actions) && typeof arn === "string" && actions.includes(arn);
}

/**
 * Detection before notification: a SEV-1 topic with subscribers but no publisher pages nobody
 * until a person notices the outage. Applies to the stack holding the production database (the
 * Neon project); the dr stack's SEV-1 topic has no database of its own to watch.
 */
export const sev1TopicHasAlarm: BloomStackRule = {
  name: "sev1-topic-has-alarm",
  description:
    "In the stack that holds the production database (a Neon project), every SEV-1 SNS topic must have at least one CloudWatch MetricAlarm publishing to it (in its alarmActions).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Keep the health probe in the prod stack (HealthProbe: its unreachable alarm notifies sev1TopicArn), or add an aws.cloudwatch.MetricAlarm that watches the database with alarmActions: [sev1TopicArn]; then `pulumi up`.",
  validateStack: (args, reportViolation) => {
    if (ofTypes(args.resources, NEON_PROJECT_TYPES).length === 0) return;
    const alarms = ofTypes(args.resources, METRIC_ALARM_TYPES);
    for (const topic of ofTypes(args.resources, SNS_TOPIC_TYPES).filter(isSev1Topic)) {
      if (!alarms.some((alarm) => alarmPublishesTo(alarm, topic))) {
        reportViolation(
          `SEV-1 topic ${topic.name} has no alarm publishing to it: a database outage would page nobody until someone noticed`,
          topic.urn,
        );
      }
    }
  },
};
