import {
  appUrlNotMasterUser,
  appUrlWrittenAfterPromotion,
  jobsHaveErrorAlarm,
  rdsServingAppIsProtected,
  sev1TopicHasSubscription,
  vaultBucketControlsAttached,
  vaultBucketPolicyDeniesTampering,
} from "../../policies/rules";
import { BUCKET_CONTROLS } from "../../policies/rules/vaultBucketControlsAttached";
import type { ResourceRecord } from "../../policies/lib/validationArgs";
import { compliantStack, only } from "./support/compliantStack";
import { record, stackViolations, withChange } from "./support/harness";

const BUCKET = "aws:s3/bucket:Bucket";
const LAMBDA = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

const without = (resources: ResourceRecord[], types: readonly string[]) =>
  resources.filter((r) => !types.includes(r.type));
const replacing = (resources: ResourceRecord[], type: string, change: (r: ResourceRecord) => ResourceRecord) =>
  resources.map((r) => (r.type === type ? change(r) : r));
/** The engine's dependency links removed: rules must fall back to matching values. */
const withoutDependencies = (resources: ResourceRecord[]) =>
  resources.map(({ propertyDependencyUrns: _ignored, ...r }) => r);

describe("vault-bucket-controls-attached", () => {
  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(vaultBucketControlsAttached, resources)).toEqual([]);
  });

  test.each(BUCKET_CONTROLS.map((c) => [c.control, c.types] as const))("fails without a %s", async (control, types) => {
    const resources = without(compliantStack(), types);
    const bucket = only(resources, BUCKET);
    expect(await stackViolations(vaultBucketControlsAttached, resources)).toEqual([
      { message: `bucket vault-bucket has no ${control}`, urn: bucket.urn },
    ]);
  });

  test("a bucket that is not a vault (no bloom-dr:vault tag, e.g. a log bucket) needs none of them", async () => {
    const logs = record(BUCKET, "access-logs", { bucket: "access-logs", objectLockEnabled: false });
    expect(await stackViolations(vaultBucketControlsAttached, [...compliantStack(), logs])).toEqual([]);
  });

  test("a configuration of another bucket does not count", async () => {
    const other = record(BUCKET, "other-bucket", {
      bucket: "other",
      objectLockEnabled: true,
      tags: { "bloom-dr:vault": "replica" },
    });
    const resources = [...compliantStack(), other];
    const violations = await stackViolations(vaultBucketControlsAttached, resources);
    expect(violations).toHaveLength(BUCKET_CONTROLS.length);
    expect(violations.every((v) => v.urn === other.urn)).toBe(true);
  });

  test("property dependencies win over values", async () => {
    // The versioning's value names the bucket, but the engine says it depends on another resource.
    const elsewhere = record("aws:sqs/queue:Queue", "elsewhere", {});
    const resources = replacing([...compliantStack(), elsewhere], "aws:s3/bucketVersioning:BucketVersioning", (r) => ({
      ...r,
      propertyDependencyUrns: { bucket: [elsewhere.urn] },
    }));
    expect(await stackViolations(vaultBucketControlsAttached, resources)).toEqual([
      { message: "bucket vault-bucket has no versioning", urn: only(resources, BUCKET).urn },
    ]);
  });
});

describe("jobs-have-error-alarm", () => {
  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(jobsHaveErrorAlarm, resources)).toEqual([]);
  });

  test.each([
    ["no alarm at all", (r: ResourceRecord[]) => without(r, [ALARM])],
    [
      "the alarm watches Throttles",
      (r: ResourceRecord[]) =>
        replacing(r, ALARM, (a) => ({ ...a, props: withChange(a.props, "metricName", "Throttles") })),
    ],
    [
      "the alarm watches another function",
      (r: ResourceRecord[]) =>
        withoutDependencies(
          replacing(r, ALARM, (a) => ({
            ...a,
            props: withChange(a.props, "dimensions.FunctionName", "other-function"),
          })),
        ),
    ],
  ])("fails when %s", async (_label, change) => {
    const resources = change(compliantStack());
    expect(await stackViolations(jobsHaveErrorAlarm, resources)).toEqual([
      {
        message: "dump-function has no MetricAlarm on an error metric with a dimension naming it",
        urn: only(resources, LAMBDA).urn,
      },
    ]);
  });

  test("property dependencies win over dimension values", async () => {
    // The FunctionName value still matches, but the engine says it comes from another resource.
    const elsewhere = record("aws:sqs/queue:Queue", "elsewhere", {});
    const resources = replacing([...compliantStack(), elsewhere], ALARM, (a) => ({
      ...a,
      propertyDependencyUrns: { dimensions: [elsewhere.urn] },
    }));
    expect(await stackViolations(jobsHaveErrorAlarm, resources)).toEqual([
      {
        message: "dump-function has no MetricAlarm on an error metric with a dimension naming it",
        urn: only(resources, LAMBDA).urn,
      },
    ]);
  });

  test("an ECS task definition needs an error alarm naming its family", async () => {
    const task = record("aws:ecs/taskDefinition:TaskDefinition", "dump-task", {
      family: "bloom-dr-prod-dump-task",
      containerDefinitions: "[]",
    });
    const failedRuns = record(ALARM, "dump-task-failures", {
      namespace: "BloomDR",
      metricName: "BackupFailed",
      dimensions: { TaskFamily: "bloom-dr-prod-dump-task" },
      alarmActions: ["arn:sns"],
    });
    expect(await stackViolations(jobsHaveErrorAlarm, [...compliantStack(), task])).toEqual([
      { message: "dump-task has no MetricAlarm on an error metric with a dimension naming it", urn: task.urn },
    ]);
    expect(await stackViolations(jobsHaveErrorAlarm, [...compliantStack(), task, failedRuns])).toEqual([]);
  });

  test("an ECS task's error alarm may sit beside it in the same component (custom failure metric)", async () => {
    const component = record("bloom-dr:backup:DumpJob", "dump", {});
    const task = record(
      "aws:ecs/taskDefinition:TaskDefinition",
      "dump-task",
      { family: "f", containerDefinitions: "[]" },
      { parentUrn: component.urn },
    );
    const failed = record(
      ALARM,
      "dump-errors-custom",
      { namespace: "BloomDR", metricName: "BackupFailed", dimensions: { Prefix: "production/" } },
      { parentUrn: component.urn },
    );
    const stale = {
      ...failed,
      name: "dump-stale",
      urn: failed.urn + "-stale",
      props: { ...failed.props, metricName: "BackupSucceeded" },
    };
    expect(await stackViolations(jobsHaveErrorAlarm, [...compliantStack(), component, task, failed])).toEqual([]);
    expect(await stackViolations(jobsHaveErrorAlarm, [...compliantStack(), component, task, stale])).toHaveLength(1);
    // A Lambda function is always matched by its FunctionName: a sibling alarm is not enough.
    const fn = record(
      "aws:lambda/function:Function",
      "restore-function",
      { name: "restore" },
      { parentUrn: component.urn },
    );
    expect(await stackViolations(jobsHaveErrorAlarm, [...compliantStack(), component, fn, failed])).toEqual([
      { message: "restore-function has no MetricAlarm on an error metric with a dimension naming it", urn: fn.urn },
    ]);
  });

  test("metric math alarms count when a query watches the errors", async () => {
    const resources = replacing(withoutDependencies(compliantStack()), ALARM, (a) => ({
      ...a,
      props: {
        alarmActions: a.props.alarmActions,
        metricQueries: [
          {
            id: "e",
            returnData: true,
            metric: {
              namespace: "AWS/Lambda",
              metricName: "Errors",
              dimensions: { FunctionName: "bloom-dr-prod-dump" },
            },
          },
        ],
      },
    }));
    expect(await stackViolations(jobsHaveErrorAlarm, resources)).toEqual([]);
  });
});

describe("sev1-topic-has-subscription", () => {
  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(sev1TopicHasSubscription, resources)).toEqual([]);
  });

  test("fails when the SEV-1 topic has no subscription", async () => {
    const resources = without(compliantStack(), [SUBSCRIPTION]);
    expect(await stackViolations(sev1TopicHasSubscription, resources)).toEqual([
      {
        message: "SEV-1 topic alerts-sev1 has no subscription: a SEV-1 alarm would page nobody",
        urn: only(resources, TOPIC).urn,
      },
    ]);
  });

  test("fails when there is no SEV-1 topic", async () => {
    const resources = replacing(without(compliantStack(), [SUBSCRIPTION]), TOPIC, (t) => ({
      ...t,
      name: "alerts-sev2",
      props: { tags: { "bloom-dr:severity": "SEV-2" } },
    }));
    expect(await stackViolations(sev1TopicHasSubscription, resources)).toEqual([
      {
        message: "the stack has no SEV-1 SNS topic (tag bloom-dr:severity=SEV-1): nobody would be paged for an outage",
      },
    ]);
  });

  test("a subscription to another topic does not count", async () => {
    const resources = replacing(withoutDependencies(compliantStack()), SUBSCRIPTION, (s) => ({
      ...s,
      props: withChange(s.props, "topic", "arn:aws:sns:us-east-1:1:alerts-sev4"),
    }));
    expect(await stackViolations(sev1TopicHasSubscription, resources)).toHaveLength(1);
  });

  test("a Slack incoming webhook never confirms, so it does not count as a subscriber", async () => {
    const slack = (s: ResourceRecord) => ({
      ...s,
      props: { ...s.props, protocol: "https", endpoint: "https://hooks.slack.com/services/T0/B0/X" },
    });
    const resources = replacing(compliantStack(), SUBSCRIPTION, slack);
    expect(await stackViolations(sev1TopicHasSubscription, resources)).toEqual([
      {
        message:
          "SEV-1 topic alerts-sev1 has only chat webhook subscriptions, which never confirm: a SEV-1 alarm would page nobody",
        urn: only(resources, TOPIC).urn,
      },
    ]);
    // Beside an email subscription it is harmless: someone is paged.
    const both = [...compliantStack(), { ...slack(only(compliantStack(), SUBSCRIPTION)), name: "s", urn: "urn:s" }];
    expect(await stackViolations(sev1TopicHasSubscription, both)).toEqual([]);
  });

  test.each(["alerts-sev1", "sev-1", "bloom_sev1_topic"])(
    "a topic named %s counts as SEV-1 without the tag",
    async (name) => {
      const resources = replacing(compliantStack(), TOPIC, (t) => ({ ...t, name, props: { arn: t.props.arn } }));
      expect(await stackViolations(sev1TopicHasSubscription, resources)).toEqual([]);
    },
  );
});

describe("rds-serving-app-is-protected", () => {
  const RDS = "aws:rds/instance:Instance";
  const SECRET = "aws:secretsmanager/secretVersion:SecretVersion";

  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only (the address inside the secret)", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(rdsServingAppIsProtected, resources)).toEqual([]);
  });

  test.each([
    [
      "deletion protection off",
      (r: ResourceRecord) => ({ ...r, props: withChange(r.props, "deletionProtection", false) }),
      "failover-instance backs the secret app-database-url but deletionProtection is not true",
    ],
    [
      "not protected",
      (r: ResourceRecord) => ({ ...r, opts: { protect: false } }),
      "failover-instance backs the secret app-database-url but is not protected; pass { protect: true }",
    ],
  ])("fails when %s", async (_label, change, message) => {
    for (const resources of [compliantStack(), withoutDependencies(compliantStack())]) {
      const changed = replacing(resources, RDS, change);
      expect(await stackViolations(rdsServingAppIsProtected, changed)).toEqual([
        { message, urn: only(changed, RDS).urn },
      ]);
    }
  });

  test("an unprotected instance nothing points at (standby) is fine", async () => {
    const standby = replacing(without(compliantStack(), [SECRET]), RDS, (r) => ({
      ...r,
      props: withChange(r.props, "deletionProtection", false),
      opts: { protect: false },
    }));
    expect(await stackViolations(rdsServingAppIsProtected, standby)).toEqual([]);
  });
});

describe("app-url-written-after-promotion", () => {
  const SECRET = "aws:secretsmanager/secretVersion:SecretVersion";
  const INVOCATION = "aws:lambda/invocation:Invocation";

  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only (the address inside the secret)", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(appUrlWrittenAfterPromotion, resources)).toEqual([]);
  });

  const MESSAGE =
    "app-database-url points the app at failover-instance but depends on no aws.lambda.Invocation: nothing restored, validated or marked the database serving before the switch";

  test.each([
    [
      "the secret does not depend on the promotion",
      (resources: ResourceRecord[]) =>
        replacing(resources, SECRET, (r) => ({
          ...r,
          dependencyUrns: (r.dependencyUrns ?? []).filter((urn) => urn !== only(resources, INVOCATION).urn),
        })),
    ],
    ["there is no promotion at all", (resources: ResourceRecord[]) => without(resources, [INVOCATION])],
  ])("fails when %s", async (_label, change) => {
    for (const resources of [compliantStack(), withoutDependencies(compliantStack())]) {
      const changed = change(resources);
      expect(await stackViolations(appUrlWrittenAfterPromotion, changed)).toEqual([
        { message: MESSAGE, urn: only(changed, SECRET).urn },
      ]);
    }
  });

  test("a secret not built from an instance (the app password's own value) needs no promotion", async () => {
    const password = record(SECRET, "failover-app-password-value", { secretId: "arn:pw", secretString: "Abc123" });
    expect(await stackViolations(appUrlWrittenAfterPromotion, [...compliantStack(), password])).toEqual([]);
  });
});

describe("app-url-not-master-user", () => {
  const SECRET = "aws:secretsmanager/secretVersion:SecretVersion";
  const withUrl = (url: string) =>
    replacing(compliantStack(), SECRET, (r) => ({ ...r, props: withChange(r.props, "secretString", url) }));

  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only", withoutDependencies(compliantStack())],
  ])("the compliant stack (the app role) passes (%s)", async (_label, resources) => {
    expect(await stackViolations(appUrlNotMasterUser, resources)).toEqual([]);
  });

  test.each([
    ["the master user", "postgresql://bloom_admin:rds-pw@failover.example.rds.amazonaws.com:5432/app"],
    ["the master user, percent-encoded", "postgres://bloom%5Fadmin:x@failover.example.rds.amazonaws.com/app"],
  ])("fails with %s, without showing the value", async (_label, url) => {
    const resources = withUrl(url);
    const violations = await stackViolations(appUrlNotMasterUser, resources);
    expect(violations).toEqual([
      {
        message:
          "app-database-url makes the app connect to failover-instance as its master user bloom_admin; use the app role",
        urn: only(resources, SECRET).urn,
      },
    ]);
    expect(JSON.stringify(violations)).not.toContain("rds-pw");
  });

  test.each([
    [
      "an unknown value (preview of a new version)",
      (r: ResourceRecord) => ({ ...r, props: withChange(r.props, "secretString", undefined) }),
    ],
    [
      "a value that is not a URL",
      (r: ResourceRecord) => ({ ...r, props: withChange(r.props, "secretString", "host=x user=bloom_admin") }),
    ],
  ])("passes %s: nothing to judge", async (_label, change) => {
    // the engine's dependencies say the secret is built from the instance; its value cannot say who connects
    const resources = replacing(compliantStack(), SECRET, change);
    expect(await stackViolations(appUrlNotMasterUser, resources)).toEqual([]);
  });
});

describe("vault-bucket-policy-denies-tampering", () => {
  const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
  const withPolicy = (edit: (document: any) => void) =>
    replacing(compliantStack(), POLICY, (p) => {
      const document = JSON.parse(p.props.policy);
      edit(document);
      return { ...p, props: { ...p.props, policy: JSON.stringify(document) } };
    });
  const statement = (document: any, sid: string) => document.Statement.find((s: any) => s.Sid === sid);

  test.each([
    ["with property dependencies", compliantStack()],
    ["by value only", withoutDependencies(compliantStack())],
  ])("the compliant stack passes (%s)", async (_label, resources) => {
    expect(await stackViolations(vaultBucketPolicyDeniesTampering, resources)).toEqual([]);
  });

  test.each([
    [
      "s3:PutBucketPolicy is not denied (any admin could lift the lock)",
      (d: any) => {
        const s = statement(d, "DenyReconfigurationExceptDeployer");
        s.Action = s.Action.filter((a: string) => a !== "s3:PutBucketPolicy");
      },
      "does not deny s3:PutBucketPolicy to every principal but named ones",
    ],
    [
      "the deletion deny is switched off by another condition",
      (d: any) => {
        statement(d, "DenyDeleteExceptBreakGlass").Condition = { StringEquals: { "aws:RequestedRegion": "us-east-1" } };
      },
      "does not deny s3:DeleteObject, s3:DeleteObjectVersion, s3:BypassGovernanceRetention",
    ],
    [
      "the configuration deny names only some principals",
      (d: any) => {
        statement(d, "DenyReconfigurationExceptDeployer").Principal = { AWS: "arn:aws:iam::123456789012:root" };
      },
      "does not deny s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutLifecycleConfiguration, s3:PutBucketObjectLockConfiguration, s3:PutReplicationConfiguration",
    ],
    [
      "the configuration deny covers another bucket",
      (d: any) => {
        statement(d, "DenyReconfigurationExceptDeployer").Resource = "arn:aws:s3:::another-bucket";
      },
      "does not deny s3:PutBucketPolicy",
    ],
  ])("fails when %s", async (_label, edit, expected) => {
    const resources = withPolicy(edit);
    const violations = await stackViolations(vaultBucketPolicyDeniesTampering, resources);
    expect(violations).toEqual([{ message: expect.stringContaining(expected), urn: only(resources, POLICY).urn }]);
    expect(violations[0].message).toMatch(/^vault-policy \(vault bucket vault-bucket\) does not deny /);
  });

  test("the policy of a bucket that is not a vault is not judged", async () => {
    const resources = replacing(
      withPolicy((d) => (d.Statement = d.Statement.slice(0, 1))),
      BUCKET,
      (b) => ({ ...b, props: { ...b.props, tags: {} } }),
    );
    expect(await stackViolations(vaultBucketPolicyDeniesTampering, resources)).toEqual([]);
  });
});
