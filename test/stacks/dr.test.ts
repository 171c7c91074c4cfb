import type { loadStackConfig as LoadStackConfig, DrStackConfig } from "../../stacks/config";
import type { buildDr as BuildDr } from "../../stacks/dr";
import { MOCK_PROMOTION_RESULT } from "../../scripts/plan/mockProviders";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { shippedConfig, withChanges } from "./shippedConfig";

const NOW = new Date("2026-03-10T12:00:00Z");
const DR = shippedConfig("dr") as Record<string, any>;
const PRIMARY_STACK = DR["bloom-dr:primaryStack"] as string;
const APP_SECRET_ARN = "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-database-url-AbCdEf";
const APP_SECRET_REPLICA_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:app-database-url-AbCdEf";

const HOOK_URL = "https://api.vercel.example/v1/integrations/deploy/prj_1/s3cr3t-token";
const REPLICATING_STACK = "acme/bloom-dr/prod-replicating";
const SOURCE_URL = "postgresql://bloom_replicator:neon-pw@ep-bloom.us-east-2.aws.neon.tech/bloom?sslmode=require";

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

/** The app's DATABASE_URL now, by secret ARN (what the serving check reads); tests change it. */
const NEON_URL = "postgresql://bloom_app:neon-pw@ep-bloom-pooler.us-east-2.aws.neon.tech/bloom?sslmode=require";
const RDS_HOST = "failover-db-1a2b3c.c9akciq32.us-west-2.rds.amazonaws.com";
const RDS_URL = `postgresql://bloom_app:app-pw@${RDS_HOST}:5432/bloom?sslmode=require`;
let appSecretValues: Record<string, string | Error> = {};
/** RDS instances carrying this dr stack's tags (what aws.rds.getInstances finds). */
let taggedInstances: string[] = [];
/** Of those, the ones tagged bloom-dr:failover-mode=replica. */
let replicaInstances: string[] = [];

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    config: DR,
    invokes: {
      "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => {
        const value = appSecretValues[inputs.secretId];
        if (value instanceof Error) throw value;
        return {
          id: inputs.secretId,
          arn: inputs.secretId,
          secretId: inputs.secretId,
          secretString: value ?? NEON_URL,
          versionId: "v1",
          versionStages: ["AWSCURRENT"],
        };
      },
      "aws:rds/getInstances:getInstances": (inputs) => {
        const ours = inputs.tags?.["bloom-dr:stack"] === "dr" && inputs.tags?.["bloom-dr:role"] === "dr";
        const replicas = inputs.tags?.["bloom-dr:failover-mode"] === "replica";
        const candidates = replicas ? replicaInstances : taggedInstances;
        const wanted: string[] | undefined = inputs.filters?.[0]?.values;
        const found = ours ? candidates.filter((id) => wanted === undefined || wanted.includes(id)) : [];
        return {
          id: "x",
          instanceIdentifiers: found,
          instanceArns: found.map((id) => `arn:aws:rds:us-west-2:1:db:${id}`),
        };
      },
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
      // neon.logicalReplication: true (a secret output, arriving here as a plain value)
      [REPLICATING_STACK]: { ...prodOutputs, logicalReplication: true, replicationSourceUrl: SOURCE_URL },
    },
  });
  ({ loadStackConfig } = await import("../../stacks/config"));
  ({ buildDr } = await import("../../stacks/dr"));
});
beforeEach(() => {
  mocks.reset();
  appSecretValues = {};
  taggedInstances = [];
  replicaInstances = [];
});

async function build(config: Record<string, unknown> = DR) {
  mocks.setConfig(config);
  const outputs = await buildDr(loadStackConfig(NOW) as DrStackConfig, "dr");
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
  // + the instance (key, subnet group, snapshot suffix, instance), 2 security groups, the image
  // (repository, build), the restore job (log group, role, policy, function, DLQ, scheduler role
  // and policy, schedule, 3 alarms) and the app password (random, secret, value).
  const STANDBY = ALWAYS + 22;
  // - the restore staleness alarm + the promotion (log group, role, policy, function, invocation,
  // error alarm) + the app secret write.
  const ACTIVE = STANDBY - 1 + 6 + 1;

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
    expect(mocks.customResources().length).toBe(STANDBY);
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
    expect(mocks.ofType("aws:lambda/invocation:Invocation")).toHaveLength(0);
    expect(mocks.ofType("aws:scheduler/schedule:Schedule")).toHaveLength(1);
    expect(mocks.one("aws:scheduler/schedule:Schedule").inputs.scheduleExpression).toBe("cron(0 6 * * ? *)");
    expect(appSecretWrites()).toHaveLength(0);
    expect(await valueOf(outputs.appSecretSwitched)).toBe(false);
    expect(await valueOf(outputs.failoverPromotion)).toBeUndefined();
    expect(await valueOf(outputs.failoverAppPasswordSecretArn)).toBe(
      mocks.one("aws:secretsmanager/secret:Secret").state.arn,
    );
  });

  test("active: deletion protection, the promotion step, and exactly one write of the app's DATABASE_URL secret after it", async () => {
    const outputs = await build(withMode("active"));
    expect(mocks.customResources().length).toBe(ACTIVE);
    expect(mocks.one("aws:rds/instance:Instance").inputs.deletionProtection).toBe(true);
    const invocation = mocks.one("aws:lambda/invocation:Invocation");
    const writes = appSecretWrites();
    expect(writes).toHaveLength(1);
    expect(writes[0].secretInputs).toContain("secretString");
    const password = mocks.one("random:index/randomPassword:RandomPassword").state.result;
    expect(writes[0].inputs.secretString).toBe(
      `postgresql://bloom_app:${password}@${mocks.one("aws:rds/instance:Instance").state.address}:5432/bloom?sslmode=require`,
    );
    expect(writes[0].options.dependencies).toContain(mocks.urnOf(invocation.name));
    expect(await valueOf(outputs.appSecretSwitched)).toBe(true);
    expect(await valueOf(outputs.promoteFunctionName)).toBe(
      mocks.one("aws:lambda/function:Function", "failover-promote-function").state.name,
    );
  });

  test("active: the promotion's backup, RPO and path are a stack output", async () => {
    const outputs = await build(withMode("active"));
    expect(await valueOf(outputs.failoverPromotion)).toEqual({
      path: MOCK_PROMOTION_RESULT.path,
      backupId: MOCK_PROMOTION_RESULT.backupId,
      snapshotAt: MOCK_PROMOTION_RESULT.snapshotAt,
      rpoSeconds: MOCK_PROMOTION_RESULT.rpoSeconds,
      servingSince: MOCK_PROMOTION_RESULT.servingSince,
      appRole: "bloom_app",
      totalMs: MOCK_PROMOTION_RESULT.totalMs,
    });
  });

  test("active with failover.app: the redeploy hook (from secret config) and the health check run after the switch", async () => {
    const failover = {
      ...DR["bloom-dr:failover"],
      mode: "active",
      app: { redeployHookUrl: HOOK_URL, healthUrl: "https://app.bloom.example/api/health", healthTimeoutSeconds: 120 },
    };
    mocks.setConfig(withChanges(DR, { "bloom-dr:failover": failover }), ["bloom-dr:failover"]);
    const outputs = await buildDr(loadStackConfig(NOW) as DrStackConfig, "dr");
    await mocks.settle(outputs.failoverAddress, outputs.appSecretSwitched);
    expect(mocks.customResources().length).toBe(ACTIVE + 2);
    const redeploy = mocks.one("command:local:Command", "failover-app-redeploy");
    expect(redeploy.inputs.environment).toEqual({ BLOOM_DR_REDEPLOY_HOOK_URL: HOOK_URL });
    expect(redeploy.secretInputs).toEqual(["environment"]);
    expect(mocks.one("command:local:Command", "failover-app-health").inputs.environment).toEqual({
      BLOOM_DR_HEALTH_URL: "https://app.bloom.example/api/health",
      BLOOM_DR_HEALTH_TIMEOUT_SECONDS: "120",
    });
  });

  test("active with appSecret replica (prod's region is down): the promoted replica in this region is written", async () => {
    const failover = { ...DR["bloom-dr:failover"], mode: "active", appSecret: "replica" };
    const outputs = await build(withChanges(DR, { "bloom-dr:failover": failover }));
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "failover-app-database-url");
    expect(version.inputs).toMatchObject({ secretId: APP_SECRET_REPLICA_ARN, region: "us-west-2" });
    expect(appSecretWrites()).toHaveLength(0);
    expect(await valueOf(outputs.appSecretSwitched)).toBe(true);
  });

  test("active with the default appSecret writes the prod region's secret, which replicates by itself", async () => {
    await build(withMode("active"));
    expect(
      mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "failover-app-database-url").inputs,
    ).toMatchObject({
      secretId: APP_SECRET_ARN,
      region: "us-east-2",
    });
  });

  test("active during a drill: the instance is promoted, the app secret is never written, nothing is protected", async () => {
    const outputs = await build(withMode("active", { "bloom-dr:drill": { scenario: "failover" } }));
    // the active set without the app secret write
    expect(mocks.customResources().length).toBe(ACTIVE - 1);
    expect(mocks.ofType("aws:lambda/invocation:Invocation")).toHaveLength(1);
    expect(mocks.customResources().filter((resource) => resource.options.protect)).toEqual([]);
    expect(mocks.one("aws:rds/instance:Instance").inputs.deletionProtection).toBe(false);
    expect(mocks.ofType("aws:rds/instance:Instance")).toHaveLength(1);
    expect(appSecretWrites()).toHaveLength(0);
    // only the app password's own value
    expect(mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((version) => version.name)).toEqual([
      "failover-app-password-value",
    ]);
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

describe("leaving active never wipes a serving database", () => {
  const withFailover = (changes: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    withChanges(DR, { "bloom-dr:failover": { ...DR["bloom-dr:failover"], ...changes }, ...extra });
  const serving = () => {
    appSecretValues[APP_SECRET_ARN] = RDS_URL;
    taggedInstances = ["failover-db-1a2b3c"];
  };
  const refusal = (what: string, secretArn = APP_SECRET_ARN) =>
    `${what} while the app is served by this stack: the app's DATABASE_URL secret ${secretArn} points at ${RDS_HOST}, this stack's failover instance (standby would restore over it, replica would subscribe it to Neon, off would delete it). Fail back first: stop the app's writes, bloom-dr backup --db <the RDS URL> --store <store>, bloom-dr restore into the Neon production branch (or a new branch), point DATABASE_URL back at Neon (pulumi up -s ${PRIMARY_STACK} --replace <the primary-url version URN>, or aws secretsmanager put-secret-value), redeploy the app; then change failover.mode (README: Disaster Recovery FASE 6-7)`;

  async function refused(config: Record<string, unknown>): Promise<string> {
    mocks.setConfig(config);
    const error = await buildDr(loadStackConfig(NOW) as DrStackConfig, "dr").then(
      () => undefined,
      (thrown: Error) => thrown.message,
    );
    await mocks.settle();
    if (error === undefined) throw new Error("buildDr did not refuse");
    return error;
  }

  test.each([
    ["standby", { mode: "standby" }, {}, "bloom-dr:failover.mode cannot be standby"],
    ["off", { mode: "off" }, {}, "bloom-dr:failover.mode cannot be off"],
    ["a drill", { mode: "active" }, { "bloom-dr:drill": { scenario: "failover" } }, "bloom-dr:drill cannot be set"],
  ])(
    "%s is refused while the app's secret points at this stack's instance, before anything is declared",
    async (_label, failover, extra, what) => {
      serving();
      expect(await refused(withFailover(failover, extra))).toBe(refusal(what));
      // Only the prod stack reference was read: no resource of this stack was declared or changed.
      expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
      const lookup = mocks.invokes.find((invoke) => invoke.token === "aws:rds/getInstances:getInstances");
      expect(lookup?.inputs).toEqual({
        region: "us-west-2",
        filters: [{ name: "db-instance-id", values: ["failover-db-1a2b3c"] }],
        tags: { "bloom-dr:stack": "dr", "bloom-dr:role": "dr" },
      });
    },
  );

  test("the replica copy counts too (written during a prod-region outage)", async () => {
    appSecretValues[APP_SECRET_REPLICA_ARN] = RDS_URL;
    taggedInstances = ["failover-db-1a2b3c"];
    expect(await refused(withFailover({ mode: "standby" }))).toBe(
      refusal("bloom-dr:failover.mode cannot be standby", APP_SECRET_REPLICA_ARN),
    );
  });

  test.each([
    ["the app's secret points at Neon (failed back)", NEON_URL, ["failover-db-1a2b3c"]],
    ["it points at an RDS instance that is not this stack's", RDS_URL, []],
    ["it holds no URL", "not a url", ["failover-db-1a2b3c"]],
  ])("standby is allowed when %s", async (_label, value, instances) => {
    appSecretValues[APP_SECRET_ARN] = value;
    appSecretValues[APP_SECRET_REPLICA_ARN] = value;
    taggedInstances = instances;
    const outputs = await build(withFailover({ mode: "standby" }));
    expect(await valueOf(outputs.failoverMode)).toBe("standby");
    expect(mocks.ofType("aws:rds/instance:Instance")).toHaveLength(1);
    expect(
      mocks.invokes
        .filter((invoke) => invoke.token === "aws:secretsmanager/getSecretVersion:getSecretVersion")
        .map((invoke) => invoke.inputs),
    ).toEqual([
      { secretId: APP_SECRET_ARN, region: "us-east-2" },
      { secretId: APP_SECRET_REPLICA_ARN, region: "us-west-2" },
    ]);
  });

  test("staying active reads nothing: the check is for leaving", async () => {
    serving();
    await build(withFailover({ mode: "active" }));
    expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain("aws:rds/getInstances:getInstances");
    expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain(
      "aws:secretsmanager/getSecretVersion:getSecretVersion",
    );
  });

  test("a copy that cannot be read fails the update, naming it (nothing proves it safe)", async () => {
    appSecretValues[APP_SECRET_ARN] = new Error("AccessDeniedException: not authorized\nrequest id 1");
    const message = await refused(withFailover({ mode: "standby" }));
    expect(message).toContain(
      `cannot read the app's DATABASE_URL secret ${APP_SECRET_ARN} to check that the app is not served by this stack (`,
    );
    expect(message).toContain(
      "): the deploying identity needs secretsmanager:GetSecretValue on it; if its region is down, keep failover.mode active (with appSecret: replica)",
    );
    expect(message).not.toContain("\n");
  });
});

describe("failover mode replica", () => {
  const replicating = (changes: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    withChanges(DR, {
      "bloom-dr:primaryStack": REPLICATING_STACK,
      "bloom-dr:failover": { ...DR["bloom-dr:failover"], mode: "replica", ...changes },
      ...extra,
    });
  // Alerting and the stack reference (12) + standby's 22 - the restore staleness alarm + the Neon
  // URL (secret, value) + the replica (log group, role, policy, function, setup, DLQ, scheduler
  // role and policy, schedule, 5 alarms).
  const REPLICA = 12 + 22 - 1 + 2 + 14;

  async function failure(config: Record<string, unknown>): Promise<string> {
    mocks.setConfig(config);
    const error = await buildDr(loadStackConfig(NOW) as DrStackConfig, "dr").then(
      () => undefined,
      (thrown: Error) => thrown.message,
    );
    await mocks.settle();
    if (error === undefined) throw new Error("buildDr did not refuse");
    return error;
  }

  test("replica: the Neon setting's URL from prod kept here as a secret, the setup, the status check, no nightly restore", async () => {
    const outputs = await build(replicating({ replicaMaxLagSeconds: 120 }));
    expect(mocks.customResources().length).toBe(REPLICA);
    const value = mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "failover-replication-source-value");
    expect(value.inputs.secretString).toBe(SOURCE_URL);
    expect(value.secretInputs).toEqual(["secretString"]);
    expect(mocks.one("aws:lambda/invocation:Invocation").name).toBe("failover-replicate-setup");
    expect(mocks.one("aws:scheduler/schedule:Schedule", "failover-restore-schedule").inputs.state).toBe("DISABLED");
    expect(mocks.one("aws:scheduler/schedule:Schedule", "failover-replicate-schedule").inputs.state).toBe("ENABLED");
    expect(mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", "failover-replicate-lag").inputs).toMatchObject({
      threshold: 120,
      alarmActions: [mocks.one("aws:sns/topic:Topic", "alerts-sev2").state.arn],
    });
    expect(
      mocks.one("aws:lambda/function:Function", "failover-replicate-function").inputs.environment.variables,
    ).toMatchObject({ REPLICATE_MAX_LAG_SECONDS: "120", REPLICATE_METRIC_DIMENSION: "dr/bloom_dr" });
    expect(await valueOf(outputs.failoverMode)).toBe("replica");
    expect(await valueOf(outputs.failoverReplication)).toEqual({
      changed: true,
      tables: 12,
      publication: "bloom_dr",
      subscription: "bloom_dr",
    });
    expect(await valueOf(outputs.replicateFunctionName)).toBe(
      mocks.one("aws:lambda/function:Function", "failover-replicate-function").state.name,
    );
    expect(await valueOf(outputs.replicationSourceSecretArn)).toBe(
      mocks.one("aws:secretsmanager/secret:Secret", "failover-replication-source").state.arn,
    );
    expect(await valueOf(outputs.failoverPromotion)).toBeUndefined();
    expect(appSecretWritesTo(APP_SECRET_ARN)).toHaveLength(0);
  });

  test("replica with a primary that does not publish logical replication: refused with what it costs, before anything is declared", async () => {
    const message = await failure(
      withChanges(replicating(), { "bloom-dr:primaryStack": "acme/bloom-dr/prod-no-replica" }),
    );
    expect(message).toBe(
      'bloom-dr:failover.mode is replica, but stack acme/bloom-dr/prod-no-replica exports no replicationSourceUrl (its Neon primary does not publish logical replication): set bloom-dr:neon.logicalReplication: true on acme/bloom-dr/prod-no-replica and run pulumi up -s acme/bloom-dr/prod-no-replica first, knowing that Neon cannot turn it off again and that the primary\'s compute then never scales to zero while the replica is subscribed (README: "Standby or replica?"); or use failover.mode standby',
    );
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  test.each([
    ["standby", "standby", 12 + 22, 0],
    ["active (promoting the replica)", "active", 12 + 22 - 1 + 6 + 1 + 2, 1],
  ])("%s from a replicating primary: the Neon URL only where it is used", async (_label, mode, count, sources) => {
    await build(replicating({ mode }));
    expect(mocks.customResources().length).toBe(count);
    expect(
      mocks.ofType("aws:secretsmanager/secret:Secret").filter((s) => s.name === "failover-replication-source"),
    ).toHaveLength(sources);
    if (mode === "active") {
      expect(
        mocks.one("aws:lambda/function:Function", "failover-promote-function").inputs.environment.variables
          .REPLICATE_SOURCE_SECRET_ARN,
      ).toBe(mocks.one("aws:secretsmanager/secret:Secret", "failover-replication-source").state.arn);
    }
  });

  test("replica, standby and active keep one instance URN: the switches are in place", async () => {
    const urns = [];
    for (const mode of ["standby", "replica", "active"]) {
      mocks.reset();
      await build(replicating({ mode }));
      urns.push(mocks.urnOf(mocks.one("aws:rds/instance:Instance").name));
    }
    expect(new Set(urns).size).toBe(1);
  });

  describe("leaving replica without stopping the subscription is refused", () => {
    const refusal = (what: string) =>
      `${what} while this stack's instance failover-db-1a2b3c replicates from the Neon primary (tagged bloom-dr:failover-mode=replica): standby would restore over the subscription and off would delete the instance, and either way Neon would keep the subscription's replication slot, and WAL for it, indefinitely. Stop it first: bloom-dr replicate stop --target <the instance's master URL> from inside the VPC (it drops the subscription and its slot on Neon; docs/operations.md), then set bloom-dr:failover.replicationStopped: true and run pulumi up again (off goes through standby: the replica is protected); or promote it with failover.mode active`;

    test.each([
      ["standby", { mode: "standby" }, {}, "bloom-dr:failover.mode cannot be standby"],
      ["off", { mode: "off" }, {}, "bloom-dr:failover.mode cannot be off"],
      [
        "an active drill",
        { mode: "active" },
        { "bloom-dr:drill": { scenario: "failover" } },
        "bloom-dr:drill cannot be set",
      ],
    ])("%s, before anything is declared", async (_label, failover, extra, what) => {
      replicaInstances = ["failover-db-1a2b3c"];
      expect(await failure(replicating(failover, extra))).toBe(refusal(what));
      expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
      const lookups = mocks.invokes.filter((invoke) => invoke.token === "aws:rds/getInstances:getInstances");
      expect(lookups.at(-1)?.inputs).toEqual({
        tags: { "bloom-dr:stack": "dr", "bloom-dr:role": "dr", "bloom-dr:failover-mode": "replica" },
      });
    });

    test("with failover.replicationStopped (after bloom-dr replicate stop), standby goes ahead", async () => {
      replicaInstances = ["failover-db-1a2b3c"];
      const outputs = await build(replicating({ mode: "standby", replicationStopped: true }));
      expect(await valueOf(outputs.failoverMode)).toBe("standby");
      expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain("aws:rds/getInstances:getInstances");
    });

    test.each([
      ["staying replica", { mode: "replica" }],
      ["promoting it (active)", { mode: "active" }],
    ])("%s needs no confirmation and reads nothing", async (_label, failover) => {
      replicaInstances = ["failover-db-1a2b3c"];
      await build(replicating(failover));
      expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain("aws:rds/getInstances:getInstances");
    });

    test("standby is allowed when no instance of this stack is a replica", async () => {
      replicaInstances = [];
      const outputs = await build(replicating({ mode: "standby" }));
      expect(await valueOf(outputs.failoverMode)).toBe("standby");
    });
  });
});

function appSecretWritesTo(secretArn: string) {
  return mocks
    .ofType("aws:secretsmanager/secretVersion:SecretVersion")
    .filter((version) => version.inputs.secretId === secretArn);
}
