/**
 * FailoverDatabase in mode "replica": the instance of standby, the restore test off, the Neon
 * replication URL kept in this region, the setup step, the scheduled status check and its SEV-2
 * alarms; and the promotion of a replica (active with the replication URL).
 */
import type * as FailoverModule from "../../components/failoverDatabase";
import { MOCK_REPLICATION_SETUP_RESULT } from "../../scripts/plan/mockProviders";
import { PulumiMockHarness, RecordedResource, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

let mocks: PulumiMockHarness;
let FailoverDatabase: typeof FailoverModule.FailoverDatabase;

const SOURCE_URL = "postgresql://bloom_replicator:neon-pw@ep-bloom.us-east-2.aws.neon.tech/bloom?sslmode=require";
const PROD = {
  vaultBucketName: "prod-vault",
  vaultBucketArn: "arn:aws:s3:::prod-vault",
  vaultKeyArn: "arn:aws:kms:us-east-1:123456789012:key/vault",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-url",
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:sev2",
};
const APP_NETWORK = { vpcId: "vpc-app", subnetIds: ["subnet-app-1", "subnet-app-2"], appCidrs: ["10.0.0.0/16"] };
const REPLICA: FailoverModule.FailoverDatabaseArgs = {
  ...PROD,
  ...APP_NETWORK,
  mode: "replica",
  instanceClass: "db.t4g.medium",
  allocatedStorageGb: 50,
  engineVersion: "17",
  backupRetentionDays: 7,
  restoreSchedule: "cron(0 5 * * ? *)",
  databaseName: "bloom",
  replicationSourceUrl: SOURCE_URL,
};

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    state: ({ type }) => (type === "docker-build:index:Image" ? { digest: "sha256:dr" } : undefined),
  });
  ({ FailoverDatabase } = await import("../../components/failoverDatabase"));
});
beforeEach(() => mocks.reset());

async function build(extra: Partial<FailoverModule.FailoverDatabaseArgs> = {}) {
  const db = new FailoverDatabase("failover", { ...REPLICA, ...extra });
  await mocks.settle(
    db.address,
    db.restoreFunctionName,
    db.appSecretSwitched,
    db.replication,
    db.promotion,
    db.replicationSourceSecretArn,
  );
  return db;
}

function counts(resources: RecordedResource[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const resource of resources) result[resource.type] = (result[resource.type] ?? 0) + 1;
  return result;
}

/** Standby in the app's VPC (failoverDatabase.test.ts), without the restore staleness alarm. */
const REPLICA_IN_APP_VPC = {
  "aws:ec2/securityGroup:SecurityGroup": 2,
  "aws:kms/key:Key": 1,
  "aws:rds/subnetGroup:SubnetGroup": 1,
  "random:index/randomId:RandomId": 1,
  "aws:rds/instance:Instance": 1,
  "aws:ecr/repository:Repository": 1,
  "docker-build:index:Image": 1,
  "random:index/randomPassword:RandomPassword": 1,
  // restore job and replicate function: log group, role, role policy, function each
  "aws:cloudwatch/logGroup:LogGroup": 2,
  // + a scheduler role each
  "aws:iam/role:Role": 4,
  "aws:iam/rolePolicy:RolePolicy": 4,
  "aws:lambda/function:Function": 2,
  // the restore test's (disabled) and the status check's schedules, with their dead-letter queues
  "aws:sqs/queue:Queue": 2,
  "aws:scheduler/schedule:Schedule": 2,
  // the replica's setup
  "aws:lambda/invocation:Invocation": 1,
  // restore errors and dead letters; replicate errors, dead letters, lag, not syncing, silent
  "aws:cloudwatch/metricAlarm:MetricAlarm": 7,
  // the app password and the Neon replication URL
  "aws:secretsmanager/secret:Secret": 2,
  "aws:secretsmanager/secretVersion:SecretVersion": 2,
};

const total = (table: Record<string, number>) => Object.values(table).reduce((sum, n) => sum + n, 0);

describe("replica", () => {
  test("declares exactly the standby's resources, the restore test off, the source secret, the setup, the status check and its alarms", async () => {
    await build();
    expect(counts(mocks.customResources())).toEqual(REPLICA_IN_APP_VPC);
    expect(total(REPLICA_IN_APP_VPC)).toBe(37);
    expect(
      mocks
        .ofType("aws:secretsmanager/secretVersion:SecretVersion")
        .map((v) => v.name)
        .sort(),
    ).toEqual(["failover-app-password-value", "failover-replication-source-value"]);
    expect(mocks.ofType("command:local:Command")).toHaveLength(0);
    for (const resource of mocks.customResources()) {
      expect(mocks.urnOf(resource.name)).toMatch(/bloom-dr:(dr:FailoverDatabase|backup:BackupImage)\$/);
    }
  });

  test("no nightly restore: the schedule is disabled, the function refuses, no staleness alarm", async () => {
    await build();
    const restoreSchedule = mocks.named("failover-restore-schedule");
    expect(restoreSchedule.inputs).toMatchObject({ scheduleExpression: "cron(0 5 * * ? *)", state: "DISABLED" });
    expect(mocks.named("failover-restore-function").inputs.environment.variables.FAILOVER_MODE).toBe("replica");
    expect(mocks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name)).not.toContain(
      "failover-restore-staleness",
    );
  });

  test("the Neon URL is kept in this region, as a secret, under the database's key", async () => {
    const db = await build();
    const secret = mocks.named("failover-replication-source");
    expect(secret.inputs).toMatchObject({ kmsKeyId: mocks.named("failover-key").state.arn, recoveryWindowInDays: 30 });
    const value = mocks.named("failover-replication-source-value");
    expect(value.inputs).toEqual({ secretId: secret.id, secretString: SOURCE_URL });
    expect(value.secretInputs).toEqual(["secretString"]);
    expect(await valueOf(db.replicationSourceSecretArn)).toBe(secret.state.arn);
  });

  test("the instance reaches Neon on 5432 (through the VPC's NAT), is protected without deletion protection, and says replica", async () => {
    await build();
    expect(mocks.named("failover-db-sg").inputs.egress).toEqual([
      {
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["0.0.0.0/0"],
        description: "the Neon primary (logical replication subscription), through the VPC's NAT",
      },
    ]);
    const instance = mocks.one("aws:rds/instance:Instance");
    expect(instance.inputs.deletionProtection).toBe(false);
    expect(instance.inputs.tags).toEqual({ "bloom-dr:failover-mode": "replica" });
    // destroying it would leave the subscription's slot on Neon, holding WAL
    expect(instance.options.protect).toBe(true);
    expect(
      mocks
        .customResources()
        .filter((r) => r.options.protect)
        .map((r) => r.name),
    ).toEqual(["failover-db"]);
  });

  test("the replicate function runs the replicate handler in the VPC, with the contract's environment", async () => {
    await build({ replicaMaxLagSeconds: 30, appRole: "clinic_app" });
    const instance = mocks.one("aws:rds/instance:Instance");
    const fn = mocks.named("failover-replicate-function");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: expect.stringMatching(/failover-image-repository@sha256:dr$/),
      imageConfig: { commands: ["runtime/handlers/replicate.handler"] },
      timeout: 900,
      memorySize: 1024,
      vpcConfig: { subnetIds: APP_NETWORK.subnetIds, securityGroupIds: [mocks.named("failover-restore-sg").id] },
      loggingConfig: { logFormat: "Text", logGroup: mocks.named("failover-replicate-logs").state.name },
    });
    expect(fn.inputs.environment.variables).toEqual({
      RESTORE_TARGET_SECRET_ARN: instance.state.masterUserSecrets[0].secretArn,
      RESTORE_TARGET_HOST: instance.state.address,
      RESTORE_TARGET_PORT: "5432",
      RESTORE_TARGET_DATABASE: "bloom",
      FAILOVER_MODE: "replica",
      // setup gives the copied schema to the role promotion will serve
      PROMOTE_APP_ROLE: "clinic_app",
      REPLICATE_SOURCE_SECRET_ARN: mocks.named("failover-replication-source").state.arn,
      REPLICATE_PUBLICATION: "bloom_dr",
      REPLICATE_SUBSCRIPTION: "bloom_dr",
      REPLICATE_MAX_LAG_SECONDS: "30",
      REPLICATE_METRIC_DIMENSION: "dr/bloom_dr",
    });
  });

  test("the replicate function reads the master secret and the Neon URL, nothing of the vault", async () => {
    await build();
    const keyArn = mocks.named("failover-key").state.arn;
    const policy = JSON.parse(mocks.named("failover-replicate-policy").inputs.policy);
    const bySid = Object.fromEntries(
      policy.Statement.map((statement: { Sid: string; Action: unknown; Resource: unknown }) => [
        statement.Sid,
        [statement.Action, statement.Resource],
      ]),
    );
    expect(bySid).toEqual({
      ReadMasterSecret: [
        "secretsmanager:GetSecretValue",
        mocks.one("aws:rds/instance:Instance").state.masterUserSecrets[0].secretArn,
      ],
      DecryptMasterSecret: ["kms:Decrypt", keyArn],
      ReadReplicationSource: ["secretsmanager:GetSecretValue", mocks.named("failover-replication-source").state.arn],
      DecryptReplicationSource: ["kms:Decrypt", keyArn],
      ManageVpcNetworkInterfaces: [expect.arrayContaining(["ec2:CreateNetworkInterface"]), "*"],
      WriteOwnLogs: [
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        `${mocks.named("failover-replicate-logs").state.arn}:*`,
      ],
    });
  });

  test("setup runs once per instance (and source URL), after the restore test is off, the URL stored and the route to Neon open", async () => {
    const db = await build();
    const setup = mocks.one("aws:lambda/invocation:Invocation");
    expect(setup.name).toBe("failover-replicate-setup");
    expect(setup.inputs).toEqual({
      functionName: mocks.named("failover-replicate-function").state.name,
      input: '{"action":"setup"}',
      triggers: {
        instance: mocks.one("aws:rds/instance:Instance").state.identifier,
        source: mocks.named("failover-replication-source-value").state.versionId,
      },
    });
    expect(setup.inputs.lifecycleScope).toBeUndefined(); // CREATE_ONLY: not on every update
    expect(setup.options.dependencies).toEqual(
      expect.arrayContaining(
        [
          "failover-replicate-function",
          "failover-replication-source-value",
          "failover-restore-function",
          "failover-restore-schedule",
          "failover-db-sg",
          "failover-db",
        ].map((name) => mocks.urnOf(name)),
      ),
    );
    expect(await valueOf(db.replication)).toEqual({
      changed: MOCK_REPLICATION_SETUP_RESULT.changed,
      tables: MOCK_REPLICATION_SETUP_RESULT.tables,
      publication: "bloom_dr",
      subscription: "bloom_dr",
    });
    expect(await valueOf(db.replicateFunctionName)).toBe(mocks.named("failover-replicate-function").state.name);
    expect(await valueOf(db.promotion)).toBeUndefined();
    expect(await valueOf(db.appSecretSwitched)).toBe(false);
  });

  test("status runs every 5 minutes once setup is done, with its retries and dead-letter queue", async () => {
    await build();
    const schedule = mocks.named("failover-replicate-schedule");
    expect(schedule.inputs).toMatchObject({
      scheduleExpression: "rate(5 minutes)",
      scheduleExpressionTimezone: "UTC",
      state: "ENABLED",
      target: {
        arn: mocks.named("failover-replicate-function").state.arn,
        input: '{"source":"bloom-dr-schedule","action":"status"}',
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: mocks.named("failover-replicate-dlq").state.arn },
      },
    });
    expect(schedule.options.dependencies).toContain(mocks.urnOf("failover-replicate-setup"));
  });

  test.each([
    [undefined, 60],
    [300, 300],
  ])(
    "the lag alarm (replicaMaxLagSeconds %s) and the sync and heartbeat alarms page SEV-2 after setup",
    async (max, threshold) => {
      await build(max === undefined ? {} : { replicaMaxLagSeconds: max });
      const alarm = (name: string) => mocks.named(`failover-replicate-${name}`);
      const watched = (name: string) => {
        const inputs = alarm(name).inputs;
        return [
          inputs.metricName,
          inputs.statistic,
          inputs.comparisonOperator,
          inputs.threshold,
          inputs.period,
          inputs.treatMissingData,
        ];
      };
      expect(watched("lag")).toEqual([
        "ReplicationLagSeconds",
        "Maximum",
        "GreaterThanThreshold",
        threshold,
        300,
        "ignore",
      ]);
      expect(watched("not-syncing")).toEqual([
        "ReplicationTablesNotSyncing",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        "ignore",
      ]);
      expect(watched("silent")).toEqual([
        "ReplicationStatusCompleted",
        "Sum",
        "LessThanThreshold",
        1,
        900,
        "breaching",
      ]);
      for (const name of ["lag", "not-syncing", "silent"]) {
        expect(alarm(name).inputs).toMatchObject({
          namespace: "BloomDR",
          dimensions: { Subscription: "dr/bloom_dr" },
          evaluationPeriods: 1,
          alarmActions: [PROD.alarmTopicArn],
          okActions: [PROD.alarmTopicArn],
        });
        expect(alarm(name).options.dependencies).toContain(mocks.urnOf("failover-replicate-setup"));
      }
      expect(alarm("errors").inputs).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: mocks.named("failover-replicate-function").state.name },
        alarmActions: [PROD.alarmTopicArn],
      });
      expect(alarm("dlq-messages").inputs).toMatchObject({
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: mocks.named("failover-replicate-dlq").state.name },
      });
    },
  );

  test("standby ↔ replica keep the instance, its key and the password: the switch is in place", async () => {
    await build();
    const replica = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    mocks.reset();
    await build({ mode: "standby" });
    const standby = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    expect(standby.filter((resource) => !replica.includes(resource))).toEqual([
      "aws:cloudwatch/metricAlarm:MetricAlarm::failover-restore-staleness",
    ]);
    expect(replica.filter((resource) => !standby.includes(resource)).every((r) => /replicat/.test(r))).toBe(true);
    // a standby never subscribes: no Neon URL, no route out
    expect(mocks.named("failover-db-sg").inputs.egress).toEqual([]);
    expect(mocks.one("aws:rds/instance:Instance").options.protect).toBe(false);
  });
});

describe("promoting a replica (active with the replication URL)", () => {
  test("declares active's resources plus the kept Neon URL; the replica's function, setup, schedule and alarms go", async () => {
    await build();
    const replica = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    mocks.reset();
    const db = await build({ mode: "active" });
    const active = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    expect(active.length).toBe(30);
    expect(replica.filter((resource) => !active.includes(resource)).sort()).toEqual(
      [
        "aws:cloudwatch/logGroup:LogGroup::failover-replicate-logs",
        "aws:iam/role:Role::failover-replicate-role",
        "aws:iam/rolePolicy:RolePolicy::failover-replicate-policy",
        "aws:lambda/function:Function::failover-replicate-function",
        "aws:lambda/invocation:Invocation::failover-replicate-setup",
        "aws:sqs/queue:Queue::failover-replicate-dlq",
        "aws:iam/role:Role::failover-replicate-scheduler-role",
        "aws:iam/rolePolicy:RolePolicy::failover-replicate-scheduler-policy",
        "aws:scheduler/schedule:Schedule::failover-replicate-schedule",
        "aws:cloudwatch/metricAlarm:MetricAlarm::failover-replicate-errors",
        "aws:cloudwatch/metricAlarm:MetricAlarm::failover-replicate-dlq-messages",
        "aws:cloudwatch/metricAlarm:MetricAlarm::failover-replicate-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::failover-replicate-not-syncing",
        "aws:cloudwatch/metricAlarm:MetricAlarm::failover-replicate-silent",
      ].sort(),
    );
    for (const kept of [
      "aws:rds/instance:Instance::failover-db",
      "aws:secretsmanager/secret:Secret::failover-replication-source",
      "aws:secretsmanager/secretVersion:SecretVersion::failover-replication-source-value",
    ])
      expect(active).toContain(kept);
    expect(await valueOf(db.replication)).toBeUndefined();
    expect(await valueOf(db.replicateFunctionName)).toBeUndefined();
  });

  test("the same promotion step, which gets the Neon URL to drain the lag and drop the slot; the route to Neon stays open meanwhile", async () => {
    await build({ mode: "active" });
    const promote = mocks.named("failover-promote-function");
    const source = mocks.named("failover-replication-source").state.arn;
    expect(promote.inputs.environment.variables).toMatchObject({
      FAILOVER_MODE: "active",
      REPLICATE_SOURCE_SECRET_ARN: source,
    });
    const policy = JSON.parse(mocks.named("failover-promote-policy").inputs.policy);
    expect(policy.Statement.filter((s: { Sid: string }) => s.Sid.includes("ReplicationSource"))).toEqual([
      { Sid: "ReadReplicationSource", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: source },
      {
        Sid: "DecryptReplicationSource",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: mocks.named("failover-key").state.arn,
      },
    ]);
    const invocation = mocks.one("aws:lambda/invocation:Invocation");
    expect([invocation.name, invocation.inputs.input]).toEqual(["failover-promote", "{}"]);
    expect(invocation.options.dependencies).toContain(mocks.urnOf("failover-replication-source-value"));
    expect(mocks.named("failover-db-sg").inputs.egress).toHaveLength(1);
    expect(mocks.one("aws:rds/instance:Instance").inputs.deletionProtection).toBe(true);
  });

  test("active without the URL (a primary without logical replication) is active as before", async () => {
    await build({ mode: "active", replicationSourceUrl: undefined });
    expect(mocks.customResources()).toHaveLength(28);
    expect(
      mocks.named("failover-promote-function").inputs.environment.variables.REPLICATE_SOURCE_SECRET_ARN,
    ).toBeUndefined();
    expect(mocks.named("failover-db-sg").inputs.egress).toEqual([]);
  });
});

test.each([
  [
    { replicationSourceUrl: undefined },
    'FailoverDatabase bad: mode "replica" subscribes to the Neon primary, so it needs replicationSourceUrl (the prod stack\'s replicationSourceUrl, with neon.logicalReplication: true)',
  ],
  [
    { vpcId: undefined, subnetIds: undefined },
    'FailoverDatabase bad: mode "replica" reaches Neon over the internet, so it needs vpcId and subnetIds of a network with a NAT route (a VPC created here has no internet route)',
  ],
  [
    { drill: { scenario: "failover" as const } },
    "FailoverDatabase bad: mode \"replica\" cannot run in a drill: destroying the drill's stack would leave the subscription's slot on the Neon primary",
  ],
])("rejects replica with %j before creating anything", async (extra, message) => {
  const failure = await constructionFailure(mocks, "bad", () => new FailoverDatabase("bad", { ...REPLICA, ...extra }));
  expect(failure.error).toContain(message);
  expect(failure.children).toEqual([]);
});
