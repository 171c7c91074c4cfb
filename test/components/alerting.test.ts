import type { Alerting as AlertingType } from "../../components/alerting";
import { endpointKey } from "../../components/alertEndpoints";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let Alerting: typeof AlertingType;

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  ({ Alerting } = await import("../../components/alerting"));
});
beforeEach(() => mocks.reset());

const endpoints = {
  sev1: ["oncall@bloom.example", "https://events.pagerduty.example/sev1"],
  sev2: ["oncall@bloom.example"],
  sev3: [],
  sev4: ["https://api.opsgenie.example/sev4"],
};

async function build(args: ConstructorParameters<typeof AlertingType>[1] = { endpoints }) {
  const alerting = new Alerting("alerts", args);
  await mocks.settle(
    alerting.sev1TopicArn,
    alerting.sev2TopicArn,
    alerting.sev3TopicArn,
    alerting.sev4TopicArn,
    alerting.urn,
  );
  return alerting;
}

test("exactly four topics, four policies and one subscription per endpoint", async () => {
  await build();
  expect(mocks.ofType("aws:sns/topic:Topic").map((r) => r.name)).toEqual([
    "alerts-sev1",
    "alerts-sev2",
    "alerts-sev3",
    "alerts-sev4",
  ]);
  expect(mocks.ofType("aws:sns/topicPolicy:TopicPolicy")).toHaveLength(4);
  expect(mocks.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(4);
  expect(mocks.customResources()).toHaveLength(12);
});

test("subscriptions infer the protocol and target their severity's topic", async () => {
  await build();
  const subscriptions = mocks
    .ofType("aws:sns/topicSubscription:TopicSubscription")
    .map((r) => ({ name: r.name, ...r.inputs }));
  expect(subscriptions).toEqual([
    {
      name: `alerts-sev1-${endpointKey("oncall@bloom.example")}`,
      topic: "arn:aws:sns:us-east-1:123456789012:alerts-sev1",
      protocol: "email",
      endpoint: "oncall@bloom.example",
    },
    {
      name: `alerts-sev1-${endpointKey("https://events.pagerduty.example/sev1")}`,
      topic: "arn:aws:sns:us-east-1:123456789012:alerts-sev1",
      protocol: "https",
      endpoint: "https://events.pagerduty.example/sev1",
    },
    {
      name: `alerts-sev2-${endpointKey("oncall@bloom.example")}`,
      topic: "arn:aws:sns:us-east-1:123456789012:alerts-sev2",
      protocol: "email",
      endpoint: "oncall@bloom.example",
    },
    {
      name: `alerts-sev4-${endpointKey("https://api.opsgenie.example/sev4")}`,
      topic: "arn:aws:sns:us-east-1:123456789012:alerts-sev4",
      protocol: "https",
      endpoint: "https://api.opsgenie.example/sev4",
    },
  ]);
});

test("each topic's policy is the TLS-only policy for that topic and this account", async () => {
  await build();
  const policy = mocks.one("aws:sns/topicPolicy:TopicPolicy", "alerts-sev1-policy");
  expect(policy.inputs.arn).toBe("arn:aws:sns:us-east-1:123456789012:alerts-sev1");
  const document = JSON.parse(policy.inputs.policy);
  expect(document.Statement.find((s: { Sid: string }) => s.Sid === "DenyPublishWithoutTls").Condition).toEqual({
    Bool: { "aws:SecureTransport": "false" },
  });
  expect(document.Statement[0].Condition.StringEquals["AWS:SourceOwner"]).toBe("123456789012");
});

test("topics carry their severity tag, display name and the optional key", async () => {
  await build({ endpoints, kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc", tags: { app: "bloom" } });
  expect(mocks.one("aws:sns/topic:Topic", "alerts-sev2").inputs).toEqual({
    displayName: "bloom-dr SEV-2",
    kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc",
    tags: { app: "bloom", "bloom-dr:severity": "sev2" },
  });
});

test("outputs are the topic ARNs", async () => {
  const alerting = await build();
  expect(await valueOf(alerting.sev1TopicArn)).toBe("arn:aws:sns:us-east-1:123456789012:alerts-sev1");
  expect(await valueOf(alerting.topicArns.sev3)).toBe("arn:aws:sns:us-east-1:123456789012:alerts-sev3");
  expect(mocks.urnOf("alerts-sev3")).toContain("bloom-dr:alerting:Alerting$aws:sns/topic:Topic");
});

test("reordering endpoints keeps every subscription's logical name", async () => {
  await build();
  const before = mocks
    .ofType("aws:sns/topicSubscription:TopicSubscription")
    .map((r) => r.name)
    .sort();
  mocks.reset();
  await build({ endpoints: { ...endpoints, sev1: [...endpoints.sev1].reverse() } });
  expect(
    mocks
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .map((r) => r.name)
      .sort(),
  ).toEqual(before);
});

test("no endpoints still yields the four topics and no subscription", async () => {
  await build({ endpoints: { sev1: [], sev2: [], sev3: [], sev4: [] } });
  expect(mocks.ofType("aws:sns/topic:Topic")).toHaveLength(4);
  expect(mocks.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
});
