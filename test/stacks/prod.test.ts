import type { loadStackConfig as LoadStackConfig, ProdStackConfig } from "../../stacks/config";
import type { buildProd as BuildProd } from "../../stacks/prod";
import { PulumiMockHarness, setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";
import { LOGICAL_REPLICATION_NOTICE } from "../../stacks/configNotices";
import { shippedConfig, withChanges } from "./shippedConfig";

const NOW = new Date("2026-03-10T12:00:00Z");
const PROD = shippedConfig("prod");

let mocks: PulumiMockHarness;
let loadStackConfig: typeof LoadStackConfig;
let buildProd: typeof BuildProd;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "prod",
    config: PROD,
    invokes: {
      // The Fargate runner places its task in the default VPC.
      "aws:ec2/getVpc:getVpc": () => ({ id: "vpc-default", cidrBlock: "172.31.0.0/16", default: true }),
      "aws:ec2/getSubnets:getSubnets": () => ({ id: "us-east-1", ids: ["subnet-a", "subnet-b"] }),
    },
  });
  ({ loadStackConfig } = await import("../../stacks/config"));
  ({ buildProd } = await import("../../stacks/prod"));
});
beforeEach(() => mocks.reset());

async function build(config: Record<string, unknown> = PROD) {
  mocks.setConfig(config);
  const stackConfig = loadStackConfig(NOW) as ProdStackConfig;
  const outputs = buildProd(stackConfig, "prod");
  await mocks.settle(
    outputs.pooledConnectionUri,
    outputs.appDatabaseUrlSecretArn,
    outputs.backupScheduleArn,
    outputs.vaultBucketName,
    outputs.sev1TopicArn,
    ...Object.values(outputs.pitrBranches).map((branch) => branch.connectionUri),
  );
  return outputs;
}

const count = (type: string) => mocks.ofType(type).length;

test("the shipped prod config composes each component once", async () => {
  await build();
  // Top-level components: their URN's type has no parent type chain ("$").
  const components = mocks.resources.filter((r) => !r.custom && !mocks.urnOf(r.name).split("::")[2].includes("$"));
  expect(components.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
    [
      "bloom-dr:alerting:Alerting alerts",
      "bloom-dr:app:AppDatabaseSecret app-database-url",
      "bloom-dr:backup:BackupVault vault",
      "bloom-dr:backup:DumpJob backup",
      "bloom-dr:neon:NeonPrimary primary",
      "bloom-dr:monitoring:MonitorRole monitor",
      "bloom-dr:monitoring:HealthProbe health",
      "bloom-dr:app:MaintenanceParameter maintenance",
    ].sort(),
  );
  expect(count("neon:index/project:Project")).toBe(1);
  expect(count("neon:index/branch:Branch")).toBe(1);
  expect(count("neon:index/endpoint:Endpoint")).toBe(1);
  expect(count("neon:index/role:Role")).toBe(1);
  expect(count("neon:index/database:Database")).toBe(1);
  expect(count("aws:sns/topic:Topic")).toBe(4);
  expect(count("aws:sns/topicPolicy:TopicPolicy")).toBe(4);
  // sev1: 2, sev2: 2, sev3: 1, sev4: 1 in Pulumi.prod.yaml.
  expect(count("aws:sns/topicSubscription:TopicSubscription")).toBe(6);
  expect(mocks.ofType("bloom-dr:neon:PitrBranch")).toHaveLength(0);
});

describe("exact resource counts", () => {
  const backup = PROD["bloom-dr:backup"] as Record<string, unknown>;
  // Neon 5 + alerting 14 (4 topics, 4 policies, 6 subscriptions) + vault + app secret + dump job
  // + monitor role 2 + health probe 16 + maintenance parameter 1.
  test.each([
    ["the shipped config (lambda runner, replica vault)", 76, {}],
    ["without a replica vault", 64, { "bloom-dr:backup": { ...backup, replicaRegion: undefined } }],
    ["with the fargate runner", 80, { "bloom-dr:backup": { ...backup, runner: "fargate" } }],
    [
      "with two PITR branches (2 resources each)",
      80,
      {
        "bloom-dr:pitrBranches": [
          { name: "a", at: "2026-03-10T01:00:00Z" },
          { name: "b", at: "2026-03-10T02:00:00Z" },
        ],
      },
    ],
    ["with one alert endpoint fewer", 75, { "bloom-dr:alerts": { ...(PROD["bloom-dr:alerts"] as object), sev4: [] } }],
    [
      "with logical replication (the replication role)",
      77,
      { "bloom-dr:neon": { ...(PROD["bloom-dr:neon"] as object), logicalReplication: true } },
    ],
  ])("%s: %i provider resources", async (_label, expected, changes) => {
    // Only logical replication has something to warn about (asserted below); keep the output clean.
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await build(JSON.parse(JSON.stringify(withChanges(PROD, changes))));
    } finally {
      spy.mockRestore();
    }
    expect(mocks.customResources()).toHaveLength(expected);
  });
});

test("Neon gets the shipped region, version and a 7-day history window", async () => {
  await build();
  expect(mocks.one("neon:index/project:Project").inputs).toMatchObject({
    name: "bloom-production",
    regionId: "aws-us-east-2",
    pgVersion: 17,
    historyRetentionSeconds: 604800,
  });
  expect(mocks.one("neon:index/branch:Branch").inputs).toMatchObject({ name: "production", protected: "yes" });
});

describe("logical replication", () => {
  const withReplication = (neon: Record<string, unknown> = {}) =>
    withChanges(PROD, {
      "bloom-dr:neon": { ...(PROD["bloom-dr:neon"] as object), logicalReplication: true, ...neon },
    });

  test("off in the shipped config: no setting on the project, no role, no replication URL", async () => {
    const outputs = await build();
    expect(mocks.one("neon:index/project:Project").inputs.enableLogicalReplication).toBeUndefined();
    expect(outputs.logicalReplication).toBe(false);
    expect(await valueOf(outputs.replicationSourceUrl)).toBeUndefined();
  });

  test("on: the project, a protected replication role, and its direct URL exported as a secret for the dr stack", async () => {
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined); // the notice: asserted below
    const outputs = await build(withReplication({ replicationRoleName: "clinic_replication" })).finally(() =>
      spy.mockRestore(),
    );
    expect(mocks.one("neon:index/project:Project").inputs.enableLogicalReplication).toBe("yes");
    const role = mocks.named("primary-replication-role");
    expect(role.inputs.name).toBe("clinic_replication");
    expect([role.options.protect, role.options.retainOnDelete]).toEqual([true, true]);
    expect(outputs.logicalReplication).toBe(true);
    expect(await valueOf(outputs.replicationRoleName)).toBe("clinic_replication");
    expect(await isSecretOutput(outputs.replicationSourceUrl)).toBe(true);
    expect(await valueOf(outputs.replicationSourceUrl)).toMatch(
      /^postgresql:\/\/clinic_replication:[^@]+@ep-primary-endpoint\.aws\.neon\.tech\/bloom\?sslmode=require$/,
    );
  });

  test("on: every preview and update warns that it is irreversible and what it costs", async () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(line));
    try {
      await build(withReplication());
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual([`warning: [runtime] ${LOGICAL_REPLICATION_NOTICE}`]);
  });
});

test("the vault gets the shipped retention, lock and replica region", async () => {
  const outputs = await build();
  const lifecycles = mocks.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
  expect(lifecycles.map((l) => l.inputs.rules[0].expiration.days)).toEqual([35, 35]);
  const locks = mocks.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
  expect(locks.map((lock) => lock.inputs.rule.defaultRetention.days)).toEqual([14, 14]);
  expect(mocks.ofType("aws:s3/bucket:Bucket")).toHaveLength(2);
  expect(mocks.named("vault-replica-bucket").inputs.region).toBe("us-west-2");
  expect(await valueOf(outputs.vaultReplicaBucketName)).toBeDefined();
});

test("the app secret is replicated into the dr region and its replica ARN is exported", async () => {
  const outputs = await build();
  expect(mocks.one("aws:secretsmanager/secret:Secret", "app-database-url-secret").inputs.replicas).toEqual([
    { region: "us-west-2" },
  ]);
  const primaryArn = await valueOf(outputs.appDatabaseUrlSecretArn);
  expect(await valueOf(outputs.appDatabaseUrlSecretReplicaArn)).toBe(primaryArn.replace(":us-east-1:", ":us-west-2:"));
});

test("backup.deployerArn is who the vault's bucket and key policies let reconfigure them", async () => {
  const deployer = "arn:aws:iam::123456789012:role/ci/bloom-deployer";
  const backup = { ...(PROD["bloom-dr:backup"] as object), deployerArn: deployer };
  await build(withChanges(PROD, { "bloom-dr:backup": backup }));
  for (const name of ["vault-policy", "vault-replica-policy"]) {
    const reconfiguration = JSON.parse(mocks.named(name).inputs.policy).Statement[2];
    expect(reconfiguration.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": deployer } });
  }
  for (const name of ["vault-key", "vault-replica-key"]) {
    const policyChanges = JSON.parse(mocks.named(name).inputs.policy).Statement[2];
    expect(policyChanges.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": deployer } });
  }
});

test("what protects recovery is protected and retained: vault keys and buckets, the app secret, the Neon data", async () => {
  await build();
  const held = mocks
    .customResources()
    .filter((r) => r.options.protect)
    .map((r) => `${r.name} ${r.options.retainOnDelete ? "retained" : "not retained"}`)
    .sort();
  expect(held).toEqual(
    [
      "app-database-url-secret",
      "primary-branch",
      "primary-database",
      "primary-project",
      "primary-role",
      "vault-bucket",
      "vault-key",
      "vault-replica-bucket",
      "vault-replica-key",
    ].map((name) => `${name} retained`),
  );
});

test("without replicaRegion there is one vault bucket and no replica output", async () => {
  const prod = shippedConfig("prod") as Record<string, any>;
  const { replicaRegion: _dropped, ...backup } = prod["bloom-dr:backup"];
  const outputs = await build(withChanges(prod, { "bloom-dr:backup": backup }));
  expect(mocks.ofType("aws:s3/bucket:Bucket")).toHaveLength(1);
  expect(await valueOf(outputs.vaultReplicaBucketName)).toBeUndefined();
  expect(await valueOf(outputs.appDatabaseUrlSecretReplicaArn)).toBeUndefined();
});

test("the app secret holds the pooled URI, the dump job's source secret the direct URI, both as secrets; dump alarms notify SEV-2", async () => {
  const outputs = await build();
  expect(await isSecretOutput(outputs.directConnectionUri)).toBe(true);
  expect(await isSecretOutput(outputs.pooledConnectionUri)).toBe(true);
  const pooled = await valueOf(outputs.pooledConnectionUri);
  const direct = await valueOf(outputs.directConnectionUri);
  expect(pooled).toContain("-pooler.");
  expect(direct).not.toContain("-pooler.");
  const versions = mocks
    .ofType("aws:secretsmanager/secretVersion:SecretVersion")
    .filter((v) => v.name !== "health-urls-version");
  expect(versions.map((v) => v.inputs.secretString).sort()).toEqual([direct, pooled].sort());
  for (const version of versions) expect(version.secretInputs).toContain("secretString");
  const sev2 = await valueOf(outputs.sev2TopicArn);
  const alarms = mocks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("backup-"));
  expect(alarms.length).toBeGreaterThanOrEqual(2);
  for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([sev2]);
  expect(await valueOf(outputs.backupPrefix)).toBe("production/");
  expect(mocks.named("backup-schedule").inputs.scheduleExpression).toBe("cron(0 2 * * ? *)");
});

test("every AWS resource carries the stack tags", async () => {
  await build();
  for (const topic of mocks.ofType("aws:sns/topic:Topic")) {
    expect(topic.inputs.tags).toMatchObject({ "bloom-dr:stack": "prod", "bloom-dr:role": "prod" });
    expect(topic.inputs.tags["bloom-dr:drill"]).toBeUndefined();
  }
});

describe("PITR branches", () => {
  const entries = [
    { name: "restore-orders", at: "2026-03-09T08:10:00Z" },
    { name: "drill-q1", at: "2026-03-10T06:00:00Z" },
  ];

  test("one branch and endpoint per entry, at the entry's epoch second, from the primary branch", async () => {
    const outputs = await build(withChanges(PROD, { "bloom-dr:pitrBranches": entries }));
    expect(
      mocks
        .ofType("bloom-dr:neon:PitrBranch")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["pitr-drill-q1", "pitr-restore-orders"]);
    expect(count("neon:index/branch:Branch")).toBe(3);
    expect(count("neon:index/endpoint:Endpoint")).toBe(3);
    expect(mocks.one("neon:index/branch:Branch", "pitr-restore-orders-branch").inputs).toEqual({
      projectId: "primary-project-project-id",
      parentId: "br-primary-branch",
      name: "restore-orders",
      parentTimestamp: Date.parse("2026-03-09T08:10:00Z") / 1000,
    });
    expect(Object.keys(outputs.pitrBranches).sort()).toEqual(["drill-q1", "restore-orders"]);
    expect(await isSecretOutput(outputs.pitrBranches["restore-orders"].connectionUri)).toBe(true);
    // The branch's own password (Neon gives branches of a protected branch new ones), not the primary role's.
    expect(await valueOf(outputs.pitrBranches["restore-orders"].connectionUri)).toBe(
      "postgresql://bloom_app:mock-password-br-pitr-restore-orders-branch-bloom_app@ep-pitr-restore-orders-endpoint.aws.neon.tech/bloom?sslmode=require",
    );
  });

  test("reordering the list changes no URN and no input", async () => {
    const snapshot = () =>
      Object.fromEntries(
        mocks.resources
          .filter((r) => r.type.startsWith("neon:") || r.type === "bloom-dr:neon:PitrBranch")
          .map((r) => [mocks.urnOf(r.name), JSON.stringify(r.inputs)]),
      );
    await build(withChanges(PROD, { "bloom-dr:pitrBranches": entries }));
    const before = snapshot();
    mocks.reset();
    await build(withChanges(PROD, { "bloom-dr:pitrBranches": [...entries].reverse() }));
    expect(snapshot()).toEqual(before);
    expect(Object.keys(before).filter((urn) => urn.includes("PitrBranch$neon:index/branch:Branch"))).toHaveLength(2);
  });

  test("removing an entry removes exactly its branch and endpoint", async () => {
    await build(withChanges(PROD, { "bloom-dr:pitrBranches": [entries[1]] }));
    expect(mocks.ofType("bloom-dr:neon:PitrBranch").map((r) => r.name)).toEqual(["pitr-drill-q1"]);
    expect(count("neon:index/branch:Branch")).toBe(2);
  });
});

test("a drill tags AWS resources and leaves the app secret's inputs unchanged", async () => {
  await build();
  const secretTypes = (r: { type: string }) => r.type.startsWith("aws:secretsmanager/");
  const plain = mocks.resources
    .filter(secretTypes)
    .map((r) => ({ type: r.type, name: r.name, inputs: { ...r.inputs, tags: undefined } }));
  mocks.reset();
  await build(withChanges(PROD, { "bloom-dr:drill": { scenario: "pitr" } }));
  const drill = mocks.resources
    .filter(secretTypes)
    .map((r) => ({ type: r.type, name: r.name, inputs: { ...r.inputs, tags: undefined } }));
  expect(drill).toEqual(plain);
  for (const topic of mocks.ofType("aws:sns/topic:Topic")) expect(topic.inputs.tags["bloom-dr:drill"]).toBe("pitr");
});

test("loadStackConfig compares the replica region with aws:region", () => {
  mocks.setConfig(
    withChanges(PROD, {
      "bloom-dr:backup": { ...(PROD["bloom-dr:backup"] as object), replicaRegion: PROD["aws:region"] },
    }),
  );
  expect(() => loadStackConfig(NOW)).toThrow(
    /^bloom-dr:backup.replicaRegion must differ from the stack's aws:region \(us-east-2\)/,
  );
});

test("a bad shipped-config change stops the program with the config error", () => {
  mocks.setConfig(withChanges(PROD, { "bloom-dr:backup": { objectLockDays: 40 } }));
  expect(() => loadStackConfig(NOW)).toThrow(
    "bloom-dr:backup.objectLockDays must be at most backup.retentionDays (35) so locked backups can expire (got 40)",
  );
});
