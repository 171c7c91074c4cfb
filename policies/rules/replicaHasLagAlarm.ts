import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import {
  FAILOVER_MODE_TAG,
  METRIC_ALARM_TYPES,
  RDS_INSTANCE_TYPES,
  REPLICATION_LAG_METRIC,
} from "../lib/resourceTypes";
import { knownValue, ofTypes } from "../lib/links";

const STACK_TYPE = "pulumi:pulumi:Stack";

function isReplica(instance: PolicyResource): boolean {
  const tags = knownValue(instance.props, "tags") as Record<string, unknown> | undefined;
  return tags?.[FAILOVER_MODE_TAG] === "replica";
}

function watchesLag(alarm: PolicyResource): boolean {
  return (
    knownValue(alarm.props, "namespace") === REPLICATION_LAG_METRIC.namespace &&
    knownValue(alarm.props, "metricName") === REPLICATION_LAG_METRIC.metricName
  );
}

/** The lag's dimension names a subscription, not the instance: the alarm is the instance's when they share a component. */
function besides(alarm: PolicyResource, instance: PolicyResource): boolean {
  const parent = instance.parent;
  return parent !== undefined && parent.type !== STACK_TYPE && alarm.parent?.urn === parent.urn;
}

/** Alarm actions that reach someone: the engine's dependency on a topic (known in a preview), or a known ARN. */
function notifies(alarm: PolicyResource): boolean {
  if ((alarm.propertyDependencies?.alarmActions ?? []).length > 0) return true;
  const actions = knownValue(alarm.props, "alarmActions");
  return Array.isArray(actions) && actions.length > 0;
}

function hasThreshold(alarm: PolicyResource): boolean {
  const threshold = knownValue(alarm.props, "threshold");
  return typeof threshold === "number" && Number.isFinite(threshold) && threshold > 0;
}

/**
 * A logical replica's promise is its lag: seconds of data lost on failover instead of a day. A
 * replica that falls behind (a stuck subscription, a schema change it cannot apply, a lost route
 * to Neon) keeps looking healthy to everything else, so its lag must page.
 */
export const replicaHasLagAlarm: BloomStackRule = {
  name: "replica-has-lag-alarm",
  description: `An RDS instance tagged ${FAILOVER_MODE_TAG}=replica (a logical replica of the Neon primary) must have a CloudWatch MetricAlarm on ${REPLICATION_LAG_METRIC.namespace} ${REPLICATION_LAG_METRIC.metricName} in its component, with a positive threshold and at least one alarm action.`,
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: `Use FailoverDatabase with failover.mode replica: it creates <name>-replicate-lag (threshold failover.replicaMaxLagSeconds) notifying the SEV-2 topic. For another replica, add an aws.cloudwatch.MetricAlarm { namespace: "${REPLICATION_LAG_METRIC.namespace}", metricName: "${REPLICATION_LAG_METRIC.metricName}", statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: <seconds>, alarmActions: [sev2TopicArn] } in the instance's component, and run its status check on a schedule.`,
  validateStack: (args, reportViolation) => {
    const lagAlarms = ofTypes(args.resources, METRIC_ALARM_TYPES).filter(watchesLag);
    for (const instance of ofTypes(args.resources, RDS_INSTANCE_TYPES).filter(isReplica)) {
      const alarms = lagAlarms.filter((alarm) => besides(alarm, instance));
      const what = `${instance.name} is a replica (${FAILOVER_MODE_TAG}=replica)`;
      if (alarms.length === 0) {
        reportViolation(
          `${what} but no MetricAlarm beside it watches ${REPLICATION_LAG_METRIC.metricName}: a replica falling behind would go unnoticed until a failover lost that much`,
          instance.urn,
        );
      } else if (!alarms.some(notifies)) {
        reportViolation(
          `${what} but its lag alarm ${alarms[0].name} has no alarm actions: it would page nobody`,
          instance.urn,
        );
      } else if (!alarms.some((alarm) => notifies(alarm) && hasThreshold(alarm))) {
        reportViolation(
          `${what} but its lag alarm ${alarms[0].name} has no positive threshold (got ${JSON.stringify(knownValue(alarms[0].props, "threshold")) ?? "nothing"})`,
          instance.urn,
        );
      }
    }
  },
};
