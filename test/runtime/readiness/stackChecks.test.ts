/**
 * `readiness --stack`: the stack's outputs from a fake of the StackOutputsLoader interface; the
 * AWS reads through the real SDK clients against loopback servers speaking SNS's query protocol
 * and Secrets Manager's JSON protocol.
 */
import { awsReadinessClients, ReadinessAws, regionOf } from "../../../runtime/lib/readiness/aws";
import { checkStack, urlInSecret } from "../../../runtime/lib/readiness/stackChecks";
import { StackOutputs } from "../../../runtime/lib/platform/stackDriver";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";
import { SnsServer, startSnsServer } from "../../support/snsServer";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:bloom-dr-prod-sev1";
const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

let sns: SnsServer;
let secrets: SecretsManagerServer;
let aws: ReadinessAws;
let secretArn: string;

function outputs(values: Record<string, unknown>): StackOutputs {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: false }]));
}

beforeAll(async () => {
  sns = await startSnsServer(2); // two per page: three subscriptions take two requests
  secrets = await startSecretsManagerServer("us-east-1");
  aws = awsReadinessClients({
    endpoints: { sns: sns.endpoint, secretsManager: secrets.endpoint },
    credentials: CREDENTIALS,
  });
  secretArn = secrets.put(
    "bloom-dr/prod/app-database-url",
    "postgresql://bloom_app:app-s3cret@ep-x-pooler.neon.tech/bloom",
  );
});

afterAll(async () => {
  await sns?.close();
  await secrets?.close();
});

test("a complete prod stack: every stack item passes (the restore test's metric is the dr stack's)", async () => {
  sns.topic(TOPIC, [
    { subscriptionArn: "PendingConfirmation", protocol: "email", endpoint: "cto@bloom.mx" },
    { subscriptionArn: `${TOPIC}:1b2c`, protocol: "https", endpoint: "https://events.pagerduty.com/x" },
    { subscriptionArn: `${TOPIC}:3d4e`, protocol: "email", endpoint: "oncall@bloom.mx" },
  ]);
  const items = await checkStack(
    {
      name: "acme/bloom-dr/prod",
      outputs: outputs({
        appDatabaseUrlSecretArn: secretArn,
        sev1TopicArn: TOPIC,
        healthProbeFunctionName: "bloom-dr-prod-health-probe",
        maintenanceParameterName: "/bloom-dr/prod/maintenance",
      }),
    },
    aws,
  );
  expect(items).toEqual([
    {
      id: "stack.databaseUrlSecret",
      title: "DATABASE_URL in Secrets Manager",
      status: "PASS",
      reason: `secret ${secretArn} holds a postgresql:// URL for ep-x-pooler.neon.tech/bloom (user bloom_app)`,
    },
    {
      id: "stack.sev1Subscription",
      title: "SEV-1 alerts reach someone (a confirmed subscription)",
      status: "PASS",
      reason: `${TOPIC}: 2 confirmed subscription(s) (email, https); 1 pending confirmation (email)`,
    },
    {
      id: "stack.healthProbe",
      title: "health probe exists",
      status: "PASS",
      reason:
        "function bloom-dr-prod-health-probe (stack acme/bloom-dr/prod's healthProbeFunctionName output; the resource itself is not queried)",
    },
    {
      id: "stack.maintenanceParameter",
      title: "maintenance-mode parameter exists",
      status: "PASS",
      reason:
        "parameter /bloom-dr/prod/maintenance (stack acme/bloom-dr/prod's maintenanceParameterName output; the resource itself is not queried)",
    },
  ]);
  // the real SDK paged through NextToken, signed every request, and never printed the secret
  expect(sns.requests.filter((r) => r.topicArn === TOPIC).map((r) => [r.action, r.nextToken, r.authorized])).toEqual([
    ["ListSubscriptionsByTopic", "", true],
    ["ListSubscriptionsByTopic", "2", true],
  ]);
  expect(JSON.stringify(items)).not.toContain("app-s3cret");
});

test("only pending subscriptions: FAIL, saying the recipient must confirm", async () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:pending-only";
  sns.topic(topic, [{ subscriptionArn: "PendingConfirmation", protocol: "email", endpoint: "cto@bloom.mx" }]);
  const [, sev1] = await checkStack({ name: "prod", outputs: outputs({ sev1TopicArn: topic }) }, aws);
  expect(sev1).toMatchObject({
    status: "FAIL",
    reason: `${topic}: no confirmed subscription; 1 pending confirmation (email): the recipient must follow the link in AWS's confirmation message`,
  });
});

test("no subscriptions at all: FAIL, saying where to add one", async () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:empty";
  sns.topic(topic, []);
  const [, sev1] = await checkStack({ name: "prod", outputs: outputs({ sev1TopicArn: topic }) }, aws);
  expect(sev1).toMatchObject({
    status: "FAIL",
    reason: `${topic}: no subscription: add an e-mail address or https endpoint to bloom-dr:alerts.sev1 and pulumi up`,
  });
});

test("a topic that does not exist, a secret that does not exist: FAIL with the AWS error in one line", async () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:gone";
  const missingSecret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf";
  const [secret, sev1] = await checkStack(
    { name: "prod", outputs: outputs({ sev1TopicArn: topic, appDatabaseUrlSecretArn: missingSecret }) },
    aws,
  );
  expect(secret).toMatchObject({
    status: "FAIL",
    reason: `cannot read secret ${missingSecret}: Secrets Manager can't find the specified secret.: check AWS credentials and secretsmanager:GetSecretValue on it`,
  });
  expect(sev1).toMatchObject({
    status: "FAIL",
    reason: `cannot list the subscriptions of ${topic}: Topic does not exist: check AWS credentials and sns:ListSubscriptionsByTopic on it`,
  });
});

test("a secret that is not a database URL: FAIL without echoing it", async () => {
  const arn = secrets.put("bloom-dr/prod/not-a-url", "hunter2-not-a-url");
  const [secret] = await checkStack({ name: "prod", outputs: outputs({ appDatabaseUrlSecretArn: arn }) }, aws);
  expect(secret).toMatchObject({ status: "FAIL", reason: `secret ${arn} does not hold a postgresql:// URL` });
});

test("outputs the stack does not have (a dr stack, or one without the new components): NOT CHECKED with the reason", async () => {
  const items = await checkStack({ name: "acme/bloom-dr/dr", outputs: outputs({ role: "dr" }) }, aws);
  expect(items.map((i) => [i.id, i.status, i.reason])).toEqual([
    [
      "stack.databaseUrlSecret",
      "NOT CHECKED",
      "stack acme/bloom-dr/dr has no output appDatabaseUrlSecretArn (a prod stack output)",
    ],
    [
      "stack.sev1Subscription",
      "NOT CHECKED",
      "stack acme/bloom-dr/dr has no output sev1TopicArn (the alerting component is not deployed)",
    ],
    [
      "stack.healthProbe",
      "NOT CHECKED",
      "stack acme/bloom-dr/dr has no output healthProbeFunctionName (this stack does not declare it)",
    ],
    [
      "stack.maintenanceParameter",
      "NOT CHECKED",
      "stack acme/bloom-dr/dr has no output maintenanceParameterName (this stack does not declare it)",
    ],
  ]);
});

test("outputs that cannot be read: every stack item FAILs with the reason; without --stack: NOT CHECKED", async () => {
  const failed = await checkStack(
    { name: "prod", error: "cannot select Pulumi stack prod in /repo: no stack named 'prod' found" },
    aws,
  );
  expect(failed.map((i) => i.status)).toEqual(["FAIL", "FAIL", "FAIL", "FAIL"]);
  expect(failed[0].reason).toBe(
    "cannot read the outputs of stack prod: cannot select Pulumi stack prod in /repo: no stack named 'prod' found",
  );
  const absent = await checkStack(undefined, aws);
  expect(absent.map((i) => [i.status, i.reason])).toEqual(
    Array(4).fill(["NOT CHECKED", "no --stack given: name the Pulumi stack (the prod stack answers all of these)"]),
  );
});

test.each([
  ["postgresql://u:p@h/db", "postgresql://u:p@h/db"],
  ['  {"url": "postgres://u:p@h/db"}\n', "postgres://u:p@h/db"],
  ['{"DATABASE_URL": "postgresql://u@h:6543/db"}', "postgresql://u@h:6543/db"],
  ['{"url": 5}', undefined],
  ["{broken", undefined],
  ["mysql://u:p@h/db", undefined],
])("urlInSecret(%j)", (text, url) => {
  expect(urlInSecret(text)).toBe(url);
});

test.each([
  ["arn:aws:sns:us-east-2:123456789012:t", "us-east-2"],
  ["arn:aws-us-gov:secretsmanager:us-gov-west-1:1:secret:x", "us-gov-west-1"],
  ["arn:aws:iam::123456789012:role/x", undefined],
  ["not-an-arn", undefined],
])("regionOf(%s)", (arn, region) => {
  expect(regionOf(arn)).toBe(region);
});
