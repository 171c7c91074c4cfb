/** sev1-topic-has-alarm: the compliant stack passes; one failing fixture per property the rule checks. */
import { sev1TopicHasAlarm } from "../../policies/rules";
import type { ResourceRecord } from "../../policies/lib/validationArgs";
import { compliantStack, only } from "./support/compliantStack";
import { record, stackViolations, withChange } from "./support/harness";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SEV2_ARN = "arn:aws:sns:us-east-1:123456789012:alerts-sev2";

const probeAlarm = (resources: ResourceRecord[]) => resources.find((r) => r.name === "health-unreachable")!;
const replacingProbeAlarm = (resources: ResourceRecord[], change: (r: ResourceRecord) => ResourceRecord) =>
  resources.map((r) => (r.name === "health-unreachable" ? change(r) : r));
const withoutDependencies = (resources: ResourceRecord[]) =>
  resources.map(({ propertyDependencyUrns: _ignored, ...r }) => r);
const violation = (resources: ResourceRecord[]) => [
  {
    message:
      "SEV-1 topic alerts-sev1 has no alarm publishing to it: a database outage would page nobody until someone noticed",
    urn: only(resources, TOPIC).urn,
  },
];

test.each([
  ["with property dependencies", compliantStack()],
  ["by value only", withoutDependencies(compliantStack())],
])("the compliant stack passes (%s)", async (_label, resources) => {
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual([]);
});

test("no alarm publishes to the SEV-1 topic: a violation on the topic", async () => {
  const resources = compliantStack().filter((r) => r.name !== "health-unreachable");
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual(violation(resources));
});

test("the alarm publishes to the SEV-2 topic only (by value)", async () => {
  const resources = withoutDependencies(
    replacingProbeAlarm(compliantStack(), (a) => ({ ...a, props: withChange(a.props, "alarmActions", [SEV2_ARN]) })),
  );
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual(violation(resources));
});

test("the engine's dependencies win: an alarm whose actions depend on another topic does not count", async () => {
  const sev2 = record(TOPIC, "alerts-sev2", { arn: SEV2_ARN, tags: { "bloom-dr:severity": "SEV-2" } });
  const resources = replacingProbeAlarm([...compliantStack(), sev2], (a) => ({
    ...a,
    propertyDependencyUrns: { alarmActions: [sev2.urn] },
  }));
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual([
    {
      message:
        "SEV-1 topic alerts-sev1 has no alarm publishing to it: a database outage would page nobody until someone noticed",
      urn: resources.find((r) => r.name === "alerts-sev1")!.urn,
    },
  ]);
});

test("an alarm whose actions are not known yet (a preview) does not prove a publisher", async () => {
  const resources = withoutDependencies(
    replacingProbeAlarm(compliantStack(), (a) => ({ ...a, props: withChange(a.props, "alarmActions", undefined) })),
  );
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual(violation(resources));
});

test("a stack without the production database (the dr stack) is not checked", async () => {
  const resources = compliantStack().filter((r) => !r.type.startsWith("neon:") && r.type !== ALARM);
  expect(await stackViolations(sev1TopicHasAlarm, resources)).toEqual([]);
});

test("the fixture's alarm is the probe's", () => {
  expect(probeAlarm(compliantStack()).props.metricName).toBe("EndpointsUp");
});
