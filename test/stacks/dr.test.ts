import type { loadStackConfig as LoadStackConfig, DrStackConfig } from "../../stacks/config";
import type { buildDr as BuildDr } from "../../stacks/dr";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { shippedConfig, withChanges } from "./shippedConfig";

const NOW = new Date("2026-03-10T12:00:00Z");
const DR = shippedConfig("dr") as Record<string, any>;
const PRIMARY_STACK = DR["bloom-dr:primaryStack"] as string;
const APP_SECRET_ARN = "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-database-url-AbCdEf";
const APP_SECRET_REPLICA_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:app-database-url-AbCdEf";

const prodOutputs = {
  vaultBucketName: "vault-primary",
  vaultBucketArn: "arn:aws:s3:::vault-primary",
  vaultKeyArn: "arn:aws:kms:us-east-2:123456789012:key/primary",
  vaultReplicaBucketName: "vault-replica",
  vaultReplicaBucketArn: "arn:aws:s3:::vault-replica",
  vaultReplicaKeyArn: "arn:aws:kms:us-west-2:123456789012:key/replica",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: APP_SECRET_ARN,
  appDatabaseUrlSecretReplicaArn: APP_SECRET_REPLICA_ARN,
};

let mocks: PulumiMockHarness;
let loadStackConfig: typeof LoadStackConfig;
let buildDr: typeof BuildDr;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    config: DR,
    invokes: {
      // FailoverDatabase reads the RDS-managed master secret to build the app's URL when active.
      "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => ({
        id: inputs.secretId,
        arn: inputs.secretId,
        secretId: inputs.secretId,
        secretString: JSON.stringify({ username: "bloom_admin", password: "mock-master-password" }),
        versionId: "v1",
        versionStages: ["AWSCURRENT"],
      }),
    },
    stackReferences: {
      [PRIMARY_STACK]: prodOutputs,
      "acme/bloom-dr/prod-no-replica": {
        ...prodOutputs,
        vaultReplicaBucketName: undefined,
        vaultReplicaBucketArn: undefined,
        vaultReplicaKeyArn: undefined,
        appDatabaseUrlSecretReplicaArn: undefined,
      },
    },
  });
  ({ loadStackConfig } = await import("../../stacks/config"));
  ({ buildDr } = await import("../../stacks/dr"));
});
beforeEach(() => mocks.reset());

async function build(config: Record<string, unknown> = DR) {
  mocks.setConfig(config);
  const outputs = buildDr(loadStackConfig(NOW) as DrStackConfig, "dr");
  await mocks.settle(
    outputs.sev1TopicArn,
    outputs.restoreSourceBucketName,
    outputs.appSecretSwitched,
    outputs.failoverAddress,
  );
  return outputs;
}

test("the shipped dr config composes alerting and the failover database, reading prod through a stack reference", async () => {
  const outputs = await build();
  expect(mocks.one("pulumi:pulumi:StackReference").inputs.name).toBe(PRIMARY_STACK);
  expect(mocks.one("bloom-dr:alerting:Alerting").name).toBe("alerts");
  expect(mocks.one("bloom-dr:dr:FailoverDatabase").name).toBe("failover");
  expect(mocks.ofType("aws:sns/topic:Topic")).toHaveLength(4);
  // sev1: 2, sev2: 1 in Pulumi.dr.yaml.
  expect(mocks.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(3);
  expect(mocks.ofType("neon:index/project:Project")).toHaveLength(0);
  expect(await valueOf(outputs.failoverMode)).toBe("standby");
  expect(await valueOf(outputs.primaryStack)).toBe(PRIMARY_STACK);
});

test("restores come from the replica vault when prod replicates it", async () => {
  const outputs = await build();
  expect(await valueOf(outputs.restoresFromReplica)).toBe(true);
  expect(await valueOf(outputs.restoreSourceBucketName)).toBe("vault-replica");
  const restoreJob = JSON.stringify(mocks.one("aws:lambda/function:Function").inputs.environment);
  expect(restoreJob).toContain("vault-replica");
  expect(restoreJob).not.toContain("vault-primary");
  const restorePolicies = mocks
    .ofType("aws:iam/rolePolicy:RolePolicy")
    .map((policy) => String(policy.inputs.policy))
    .join("\n");
  expect(restorePolicies).toContain("arn:aws:kms:us-west-2:123456789012:key/replica");
  expect(restorePolicies).not.toContain("key/primary");
});

test("without a replica the primary vault is the restore source", async () => {
  const outputs = await build(withChanges(DR, { "bloom-dr:primaryStack": "acme/bloom-dr/prod-no-replica" }));
  expect(await valueOf(outputs.restoresFromReplica)).toBe(false);
  expect(await valueOf(outputs.restoreSourceBucketName)).toBe("vault-primary");
  expect(JSON.stringify(mocks.one("aws:lambda/function:Function").inputs.environment)).toContain("vault-primary");
});

test("a drill tags the dr stack's resources", async () => {
  await build(withChanges(DR, { "bloom-dr:drill": { scenario: "failover" } }));
  for (const topic of mocks.ofType("aws:sns/topic:Topic"))
    expect(topic.inputs.tags).toMatchObject({ "bloom-dr:role": "dr", "bloom-dr:drill": "failover" });
});

test("the dr config refuses prod-only keys", () => {
  mocks.setConfig(withChanges(DR, { "bloom-dr:pitrBranches": [] }));
  expect(() => loadStackConfig(NOW)).toThrow(
    'bloom-dr:pitrBranches is only for prod stacks; remove it from the dr stack "dr" (it reads the prod stack\'s outputs)',
  );
});

describe("failover modes on the shipped dr config", () => {
  const withMode = (mode: string, extra: Record<string, unknown> = {}) =>
    withChanges(DR, { "bloom-dr:failover": { ...DR["bloom-dr:failover"], mode }, ...extra });
  const appSecretWrites = () =>
    mocks
      .ofType("aws:secretsmanager/secretVersion:SecretVersion")
      .filter((version) => version.inputs.secretId === APP_SECRET_ARN);
  // Alerting (4 topics + 4 policies + 3 subscriptions) and the stack reference are always there.
  const ALWAYS = 12;

  test("off: nothing but alerting and the stack reference", async () => {
    const outputs = await build(withMode("off"));
    expect(mocks.customResources().length).toBe(ALWAYS);
    expect(mocks.ofType("aws:rds/instance:Instance")).toHaveLength(0);
    expect(await valueOf(outputs.failoverAddress)).toBeUndefined();
    expect(await valueOf(outputs.appSecretSwitched)).toBe(false);
  });

  test("standby: a private encrypted instance from config and the restore job, the app secret untouched", async () => {
    const outputs = await build(withMode("standby"));
    // The app's network from config: no VPC, subnets, routes or endpoints of its own.
    expect(mocks.customResources().length).toBe(30);
    expect(mocks.ofType("aws:ec2/vpc:Vpc")).toHaveLength(0);
    expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(DR["bloom-dr:failover"].subnetIds);
    const instance = mocks.one("aws:rds/instance:Instance");
    expect(instance.inputs).toMatchObject({
      instanceClass: "db.t4g.medium",
      allocatedStorage: 100,
      engineVersion: "17",
      backupRetentionPeriod: 7,
      storageEncrypted: true,
      publiclyAccessible: false,
      deletionProtection: false,
      dbName: "bloom",
    });
    expect(mocks.ofType("aws:lambda/function:Function")).toHaveLength(1);
    expect(mocks.ofType("aws:scheduler/schedule:Schedule")).toHaveLength(1);
    expect(mocks.one("aws:scheduler/schedule:Schedule").inputs.scheduleExpression).toBe("cron(0 6 * * ? *)");
    expect(appSecretWrites()).toHaveLength(0);
    expect(await valueOf(outputs.appSecretSwitched)).toBe(false);
  });

  test("active: deletion protection and exactly one write of the app's DATABASE_URL secret", async () => {
    const outputs = await build(withMode("active"));
    expect(mocks.customResources().length).toBe(30);
    expect(mocks.one("aws:rds/instance:Instance").inputs.deletionProtection).toBe(true);
    const writes = appSecretWrites();
    expect(writes).toHaveLength(1);
    expect(writes[0].secretInputs).toContain("secretString");
    expect(writes[0].inputs.secretString).toMatch(
      /^postgres(ql)?:\/\/bloom_admin:mock-master-password@[^/]+\/bloom(\?|$)/,
    );
    expect(await valueOf(outputs.appSecretSwitched)).toBe(true);
  });

  test("active with appSecret replica (prod's region is down): the promoted replica in this region is written", async () => {
    const failover = { ...DR["bloom-dr:failover"], mode: "active", appSecret: "replica" };
    const outputs = await build(withChanges(DR, { "bloom-dr:failover": failover }));
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs).toMatchObject({ secretId: APP_SECRET_REPLICA_ARN, region: "us-west-2" });
    expect(appSecretWrites()).toHaveLength(0);
    expect(await valueOf(outputs.appSecretSwitched)).toBe(true);
  });

  test("active with the default appSecret writes the prod region's secret, which replicates by itself", async () => {
    await build(withMode("active"));
    expect(mocks.one("aws:secretsmanager/secretVersion:SecretVersion").inputs).toMatchObject({
      secretId: APP_SECRET_ARN,
      region: "us-east-2",
    });
  });

  test("active during a drill: the instance exists, the app secret is never written", async () => {
    const outputs = await build(withMode("active", { "bloom-dr:drill": { scenario: "failover" } }));
    expect(mocks.customResources().length).toBe(29);
    expect(mocks.ofType("aws:rds/instance:Instance")).toHaveLength(1);
    expect(appSecretWrites()).toHaveLength(0);
    expect(mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion")).toHaveLength(0);
    expect(await valueOf(outputs.appSecretSwitched)).toBe(false);
  });

  test("standby and active keep the same instance URN, so failing over or back replaces nothing; active protects it", async () => {
    await build(withMode("standby"));
    const standby = mocks.one("aws:rds/instance:Instance");
    const standbyUrn = mocks.urnOf(standby.name);
    expect(standby.options.protect).toBe(false);
    mocks.reset();
    await build(withMode("active"));
    const active = mocks.one("aws:rds/instance:Instance");
    expect(mocks.urnOf(active.name)).toBe(standbyUrn);
    expect(active.options.protect).toBe(true);
  });
});
