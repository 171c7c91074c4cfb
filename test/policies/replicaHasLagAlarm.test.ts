/** replica-has-lag-alarm: a compliant replica passes; one failing fixture per property the rule checks. */
import { REPLICATION_LAG_SECONDS_METRIC, REPLICATION_METRIC_NAMESPACE } from "../../components/replicationMetrics";
import { REPLICATION_LAG_METRIC } from "../../policies/lib/resourceTypes";
import type { ResourceRecord } from "../../policies/lib/validationArgs";
import { replicaHasLagAlarm } from "../../policies/rules";
import { compliantStack } from "./support/compliantStack";
import { DELETE, record, stackViolations, withChange } from "./support/harness";

const RDS = "aws:rds/instance:Instance";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SEV2_ARN = "arn:aws:sns:us-west-2:123456789012:alerts-sev2";

const component = record("bloom-dr:dr:FailoverDatabase", "failover", {});
const otherComponent = record("bloom-dr:dr:FailoverDatabase", "other", {});
const topic = record("aws:sns/topic:Topic", "alerts-sev2", { arn: SEV2_ARN, tags: { "bloom-dr:severity": "SEV-2" } });
const replica = record(
  RDS,
  "failover-db",
  { engine: "postgres", tags: { "bloom-dr:failover-mode": "replica" } },
  { parentUrn: component.urn, opts: { protect: true } },
);
const lagAlarm = record(
  ALARM,
  "failover-replicate-lag",
  {
    namespace: "BloomDR",
    metricName: "ReplicationLagSeconds",
    dimensions: { Subscription: "dr/bloom_dr" },
    statistic: "Maximum",
    comparisonOperator: "GreaterThanThreshold",
    threshold: 60,
    alarmActions: [SEV2_ARN],
  },
  { parentUrn: component.urn, propertyDependencyUrns: { alarmActions: [topic.urn] } },
);

const stack = (alarm: ResourceRecord | null = lagAlarm, instance: ResourceRecord = replica) => [
  component,
  otherComponent,
  topic,
  instance,
  ...(alarm ? [alarm] : []),
];
/** The alarm changed at `path`, its engine dependencies dropped (values decide). */
const changedAlarm = (path: string, value: unknown): ResourceRecord => ({
  ...lagAlarm,
  propertyDependencyUrns: {},
  props: withChange(lagAlarm.props, path, value),
});
const violation = (reason: string) => [
  { message: `failover-db is a replica (bloom-dr:failover-mode=replica) but ${reason}`, urn: replica.urn },
];
const NO_ALARM =
  "no MetricAlarm beside it watches ReplicationLagSeconds: a replica falling behind would go unnoticed until a failover lost that much";

test.each([
  ["with the engine's dependencies", stack()],
  ["by value only", stack({ ...lagAlarm, propertyDependencyUrns: {} })],
  [
    "in a preview, its actions not known yet but depending on the topic",
    stack({ ...lagAlarm, props: withChange(lagAlarm.props, "alarmActions", undefined) }),
  ],
])("a replica with its lag alarm passes (%s)", async (_label, resources) => {
  expect(await stackViolations(replicaHasLagAlarm, resources)).toEqual([]);
});

test.each([
  ["no lag alarm at all", null, NO_ALARM],
  ["the alarm watches another replication metric", changedAlarm("metricName", "ReplicationTablesNotSyncing"), NO_ALARM],
  ["the alarm watches another namespace's lag", changedAlarm("namespace", "AWS/RDS"), NO_ALARM],
  ["the alarm sits in another component", { ...lagAlarm, parentUrn: otherComponent.urn }, NO_ALARM],
  [
    "the alarm has no actions",
    changedAlarm("alarmActions", []),
    "its lag alarm failover-replicate-lag has no alarm actions: it would page nobody",
  ],
  [
    "the alarm's actions are unknown and depend on nothing",
    changedAlarm("alarmActions", DELETE),
    "its lag alarm failover-replicate-lag has no alarm actions: it would page nobody",
  ],
  [
    "the alarm's threshold is 0",
    changedAlarm("threshold", 0),
    "its lag alarm failover-replicate-lag has no positive threshold (got 0)",
  ],
])("fails when %s", async (_label, alarm, reason) => {
  expect(await stackViolations(replicaHasLagAlarm, stack(alarm as ResourceRecord | null))).toEqual(violation(reason));
});

test("a replica at the stack's top level has no component an alarm could share", async () => {
  const topLevel = { ...replica, parentUrn: undefined };
  const alarm = { ...lagAlarm, parentUrn: undefined };
  expect(await stackViolations(replicaHasLagAlarm, stack(alarm, topLevel))).toEqual(violation(NO_ALARM));
});

test.each(["standby", "active"])("a %s instance needs no lag alarm", async (mode) => {
  const instance = { ...replica, props: withChange(replica.props, "tags", { "bloom-dr:failover-mode": mode }) };
  expect(await stackViolations(replicaHasLagAlarm, stack(null, instance))).toEqual([]);
});

test("the compliant stack (an active instance, no replica) passes", async () => {
  expect(await stackViolations(replicaHasLagAlarm, compliantStack())).toEqual([]);
});

test("the pack watches the metric the handler emits and the component alarms on", () => {
  expect(REPLICATION_LAG_METRIC).toEqual({
    namespace: REPLICATION_METRIC_NAMESPACE,
    metricName: REPLICATION_LAG_SECONDS_METRIC,
  });
});
