/**
 * FailoverDatabase in mode "active": the promotion step, the app secret switch that depends on it,
 * the app hooks, and a drill's active mode (promotes, never touches the app, protects nothing).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as FailoverModule from "../../components/failoverDatabase";
import { MOCK_PROMOTION_RESULT } from "../../scripts/plan/mockProviders";
import { PulumiMockHarness, RecordedResource, setupPulumiMocks, valueOf } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let FailoverDatabase: typeof FailoverModule.FailoverDatabase;
/** What the mocked promotion function answers; a test may change it. */
let promotionResult: string = JSON.stringify(MOCK_PROMOTION_RESULT);

const MASTER_PASSWORD = "rds/generated@pw:1";
const PROD = {
  vaultBucketName: "prod-vault",
  vaultBucketArn: "arn:aws:s3:::prod-vault",
  vaultKeyArn: "arn:aws:kms:us-east-1:123456789012:key/vault",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-url",
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:sev2",
};
const APP_NETWORK = { vpcId: "vpc-app", subnetIds: ["subnet-app-1", "subnet-app-2"], appCidrs: ["10.0.0.0/16"] };
const ACTIVE: FailoverModule.FailoverDatabaseArgs = {
  ...PROD,
  ...APP_NETWORK,
  mode: "active",
  instanceClass: "db.t4g.medium",
  allocatedStorageGb: 50,
  engineVersion: "17",
  backupRetentionDays: 7,
  restoreSchedule: "cron(0 5 * * ? *)",
  databaseName: "bloom",
  smokeQuery: "select count(*) from users",
};
const HOOK_URL = "https://api.vercel.example/v1/integrations/deploy/prj_1/s3cr3t-token";

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    state: ({ type }) => {
      if (type === "docker-build:index:Image") return { digest: "sha256:dr" };
      if (type === "aws:lambda/invocation:Invocation") return { result: promotionResult };
      return undefined;
    },
    invokes: {
      // Nothing in an active failover may read the RDS master secret to build the app's URL.
      "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => ({
        id: inputs.secretId,
        arn: inputs.secretId,
        secretId: inputs.secretId,
        secretString: JSON.stringify({ username: "bloom_admin", password: MASTER_PASSWORD }),
        versionId: "v1",
        versionStages: ["AWSCURRENT"],
      }),
    },
  });
  ({ FailoverDatabase } = await import("../../components/failoverDatabase"));
});
beforeEach(() => {
  mocks.reset();
  promotionResult = JSON.stringify(MOCK_PROMOTION_RESULT);
});

async function build(extra: Partial<FailoverModule.FailoverDatabaseArgs> = {}) {
  const db = new FailoverDatabase("failover", { ...ACTIVE, ...extra });
  await mocks.settle(db.address, db.restoreFunctionName, db.appSecretSwitched, db.promoteFunctionName);
  return db;
}

function counts(resources: RecordedResource[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const resource of resources) result[resource.type] = (result[resource.type] ?? 0) + 1;
  return result;
}

const ROOT = path.resolve(__dirname, "../..");

/** Runs a tsx script beside this file and parses the JSON it prints. */
function runScript(script: string): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(
      path.join(ROOT, "node_modules/.bin/tsx"),
      [path.join(__dirname, script)],
      { cwd: ROOT },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    ),
  );
}

const appSecretWrites = () =>
  mocks
    .ofType("aws:secretsmanager/secretVersion:SecretVersion")
    .filter((version) => version.inputs.secretId === PROD.appDatabaseUrlSecretArn);

/** Standby in the app's VPC (see failoverDatabase.test.ts), without the restore staleness alarm. */
const ACTIVE_IN_APP_VPC = {
  "aws:ec2/securityGroup:SecurityGroup": 2,
  "aws:kms/key:Key": 1,
  "aws:rds/subnetGroup:SubnetGroup": 1,
  "random:index/randomId:RandomId": 1,
  "aws:rds/instance:Instance": 1,
  "aws:ecr/repository:Repository": 1,
  "docker-build:index:Image": 1,
  "aws:sqs/queue:Queue": 1,
  "aws:scheduler/schedule:Schedule": 1,
  // the restore test's errors and dead letters, the promotion's errors
  "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
  "random:index/randomPassword:RandomPassword": 1,
  "aws:secretsmanager/secret:Secret": 1,
  // restore job and promotion: log group, role, role policy, function each
  "aws:cloudwatch/logGroup:LogGroup": 2,
  "aws:iam/role:Role": 3,
  "aws:iam/rolePolicy:RolePolicy": 3,
  "aws:lambda/function:Function": 2,
  "aws:lambda/invocation:Invocation": 1,
  // the app password's value and the app's DATABASE_URL
  "aws:secretsmanager/secretVersion:SecretVersion": 2,
};

describe("active", () => {
  test("declares exactly the standby's resources, the promotion step and one app secret write", async () => {
    await build();
    expect(counts(mocks.customResources())).toEqual(ACTIVE_IN_APP_VPC);
    expect(appSecretWrites()).toHaveLength(1);
    expect(mocks.ofType("command:local:Command")).toHaveLength(0);
    // a failed promotion (also a manual invoke) pages like a failed restore test
    expect(mocks.named("failover-promote-errors").inputs).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: mocks.named("failover-promote-function").state.name },
      alarmActions: [PROD.alarmTopicArn],
    });
  });

  test("the promotion function runs the promote handler in the VPC next to the instance, with the contract's environment", async () => {
    promotionResult = JSON.stringify({ ...MOCK_PROMOTION_RESULT, appRole: "clinic_app" });
    await build({ appRole: "clinic_app", maxBackupAgeHours: 30, allowStaleBackup: true });
    const instance = mocks.one("aws:rds/instance:Instance");
    const fn = mocks.one("aws:lambda/function:Function", "failover-promote-function");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: expect.stringMatching(/failover-image-repository@sha256:dr$/),
      imageConfig: { commands: ["runtime/handlers/promote.handler"] },
      timeout: 900,
      memorySize: 3008,
      ephemeralStorage: { size: 10240 },
      vpcConfig: { subnetIds: APP_NETWORK.subnetIds, securityGroupIds: [mocks.named("failover-restore-sg").id] },
    });
    expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
    expect(fn.inputs.environment.variables).toEqual({
      BACKUP_BUCKET: "prod-vault",
      BACKUP_PREFIX: "production/",
      BACKUP_KMS_KEY_ID: PROD.vaultKeyArn,
      RESTORE_TARGET_SECRET_ARN: instance.state.masterUserSecrets[0].secretArn,
      RESTORE_TARGET_HOST: instance.state.address,
      RESTORE_TARGET_PORT: "5432",
      RESTORE_TARGET_DATABASE: "bloom",
      RESTORE_SMOKE_QUERY: "select count(*) from users",
      FAILOVER_MODE: "active",
      PROMOTE_APP_ROLE: "clinic_app",
      PROMOTE_APP_PASSWORD_SECRET_ARN: mocks.one("aws:secretsmanager/secret:Secret").state.arn,
      PROMOTE_MAX_AGE_HOURS: "30",
      PROMOTE_ALLOW_STALE: "true",
    });
  });

  test("the promotion's role reads the vault, the master secret and the app password, nothing else", async () => {
    await build();
    const keyArn = mocks.named("failover-key").state.arn;
    const policy = JSON.parse(mocks.named("failover-promote-policy").inputs.policy);
    const bySid = Object.fromEntries(
      policy.Statement.map((statement: { Sid: string; Action: unknown; Resource: unknown }) => [
        statement.Sid,
        [statement.Action, statement.Resource],
      ]),
    );
    expect(bySid).toEqual({
      ReadBackupsUnderPrefix: ["s3:GetObject", "arn:aws:s3:::prod-vault/production/*"],
      ListBackupPrefix: ["s3:ListBucket", "arn:aws:s3:::prod-vault"],
      DecryptWithVaultKey: ["kms:Decrypt", PROD.vaultKeyArn],
      ReadMasterSecret: [
        "secretsmanager:GetSecretValue",
        mocks.one("aws:rds/instance:Instance").state.masterUserSecrets[0].secretArn,
      ],
      DecryptMasterSecret: ["kms:Decrypt", keyArn],
      ReadAppPassword: ["secretsmanager:GetSecretValue", mocks.one("aws:secretsmanager/secret:Secret").state.arn],
      DecryptAppPassword: ["kms:Decrypt", keyArn],
      ManageVpcNetworkInterfaces: [expect.arrayContaining(["ec2:CreateNetworkInterface"]), "*"],
      WriteOwnLogs: [
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        `${mocks.named("failover-promote-logs").state.arn}:*`,
      ],
    });
  });

  test("the invocation sends {} once, keyed to the instance, after the restore test is off and the password stored", async () => {
    await build();
    const invocation = mocks.one("aws:lambda/invocation:Invocation");
    expect(invocation.name).toBe("failover-promote");
    expect(invocation.inputs).toEqual({
      functionName: mocks.named("failover-promote-function").state.name,
      input: "{}",
      triggers: { instance: mocks.one("aws:rds/instance:Instance").state.identifier },
    });
    expect(invocation.inputs.lifecycleScope).toBeUndefined(); // CREATE_ONLY: not on every update
    expect(invocation.options.dependencies).toEqual(
      expect.arrayContaining(
        [
          "failover-promote-function",
          "failover-restore-function",
          "failover-restore-schedule",
          "failover-app-password-value",
        ].map((name) => mocks.urnOf(name)),
      ),
    );
    expect(mocks.one("aws:scheduler/schedule:Schedule").inputs.state).toBe("DISABLED");
    expect(
      mocks.one("aws:lambda/function:Function", "failover-restore-function").inputs.environment.variables.FAILOVER_MODE,
    ).toBe("active");
  });

  test("the app's URL names the app role and the generated password with sslmode=require, never the master, and is written only after promotion", async () => {
    const db = await build();
    const instance = mocks.one("aws:rds/instance:Instance");
    const password = mocks.one("random:index/randomPassword:RandomPassword").state.result;
    const [version] = appSecretWrites();
    expect(version.name).toBe("failover-app-database-url");
    expect(version.inputs.region).toBe("us-east-1");
    expect(version.inputs.secretString).toBe(
      `postgresql://bloom_app:${password}@${instance.state.address}:5432/bloom?sslmode=require`,
    );
    expect(version.inputs.secretString).not.toContain("bloom_admin");
    expect(version.inputs.secretString).not.toContain(encodeURIComponent(MASTER_PASSWORD));
    expect(version.secretInputs).toEqual(["secretString"]);
    expect(version.options.retainOnDelete).toBe(true);
    expect(version.options.dependencies).toEqual(
      expect.arrayContaining([mocks.urnOf("failover-promote"), mocks.urnOf("failover-db")]),
    );
    // The master secret is not read at all to build it.
    expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain(
      "aws:secretsmanager/getSecretVersion:getSecretVersion",
    );
    expect(await valueOf(db.appSecretSwitched)).toBe(true);
  });

  test("the serving instance and the app password cannot be deleted or replaced by a routine update", async () => {
    await build();
    const instance = mocks.one("aws:rds/instance:Instance");
    expect(instance.inputs.deletionProtection).toBe(true);
    expect(instance.options.protect).toBe(true);
    for (const name of ["failover-app-password", "failover-app-password-secret", "failover-app-password-value"]) {
      expect([name, mocks.named(name).options.protect]).toEqual([name, true]);
    }
    expect(mocks.named("failover-key").options).toMatchObject({ protect: false, retainOnDelete: true });
  });

  test("the promotion's answer is the component's promotion output", async () => {
    const db = await build();
    expect(await valueOf(db.promotion)).toEqual({
      path: "restored",
      backupId: MOCK_PROMOTION_RESULT.backupId,
      snapshotAt: MOCK_PROMOTION_RESULT.snapshotAt,
      rpoSeconds: MOCK_PROMOTION_RESULT.rpoSeconds,
      servingSince: MOCK_PROMOTION_RESULT.servingSince,
      appRole: "bloom_app",
      totalMs: MOCK_PROMOTION_RESULT.totalMs,
    });
    expect(await valueOf(db.promoteFunctionName)).toBe(mocks.named("failover-promote-function").state.name);
  });

  test("a database serving another app role fails the update before the app secret is written or a hook runs", async () => {
    // In a process of its own: Pulumi reports the failed apply as unhandled rejections.
    const run = await runScript("support/promotionRoleMismatch.ts");
    expect(run.failures).toEqual([
      expect.stringContaining(
        `the database serves the app role "old_app" (since ${MOCK_PROMOTION_RESULT.servingSince}) but bloom-dr:failover.appRole is "bloom_app": the role cannot change while failover is active; set it back to "old_app", or fail back first`,
      ),
    ]);
    expect(run.registered).toContain("aws:lambda/invocation:Invocation::failover-promote");
    expect(run.registered).not.toContain("aws:secretsmanager/secretVersion:SecretVersion::failover-app-database-url");
    expect(run.registered.filter((resource: string) => resource.startsWith("command:"))).toEqual([]);
  });

  test("switching back to standby drops the promotion and the retained secret version, keeps the instance and the password", async () => {
    await build();
    const active = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    mocks.reset();
    await build({ mode: "standby" });
    const standby = mocks.customResources().map((resource) => `${resource.type}::${resource.name}`);
    expect(active.filter((resource) => !standby.includes(resource)).sort()).toEqual([
      "aws:cloudwatch/logGroup:LogGroup::failover-promote-logs",
      "aws:cloudwatch/metricAlarm:MetricAlarm::failover-promote-errors",
      "aws:iam/role:Role::failover-promote-role",
      "aws:iam/rolePolicy:RolePolicy::failover-promote-policy",
      "aws:lambda/function:Function::failover-promote-function",
      "aws:lambda/invocation:Invocation::failover-promote",
      "aws:secretsmanager/secretVersion:SecretVersion::failover-app-database-url",
    ]);
    expect(standby.filter((resource) => !active.includes(resource))).toEqual([
      "aws:cloudwatch/metricAlarm:MetricAlarm::failover-restore-staleness",
    ]);
    for (const kept of [
      "aws:rds/instance:Instance::failover-db",
      "random:index/randomPassword:RandomPassword::failover-app-password",
    ])
      expect(standby).toContain(kept);
  });
});

describe("app hooks", () => {
  test.each([
    ["neither", {}, []],
    ["the redeploy hook only", { redeployHookUrl: pulumi.secret(HOOK_URL) }, ["failover-app-redeploy"]],
    ["the health check only", { healthUrl: "https://app.example.com/api/health" }, ["failover-app-health"]],
    [
      "both",
      { redeployHookUrl: pulumi.secret(HOOK_URL), healthUrl: "https://app.example.com/api/health" },
      ["failover-app-redeploy", "failover-app-health"],
    ],
  ])("configured with %s: exactly those commands", async (_label, app, names) => {
    await build({ app });
    expect(mocks.ofType("command:local:Command").map((c) => c.name)).toEqual(names);
  });

  test("the redeploy hook runs node on the script after the switch, the URL only in its secret environment", async () => {
    await build({ app: { redeployHookUrl: pulumi.secret(HOOK_URL) } });
    const redeploy = mocks.one("command:local:Command", "failover-app-redeploy");
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "failover-app-database-url");
    expect(redeploy.inputs).toEqual({
      interpreter: ["node"],
      create: "scripts/redeployHook.js",
      environment: { BLOOM_DR_REDEPLOY_HOOK_URL: HOOK_URL },
      triggers: [version.state.versionId],
    });
    expect(redeploy.secretInputs).toEqual(["environment"]);
    expect(JSON.stringify([redeploy.inputs.create, redeploy.inputs.interpreter])).not.toContain("s3cr3t");
    expect(redeploy.options.dependencies).toContain(mocks.urnOf("failover-app-database-url"));
  });

  test("the health check polls the URL after the redeploy, with the timeout", async () => {
    await build({
      app: {
        redeployHookUrl: pulumi.secret(HOOK_URL),
        healthUrl: "https://app.example.com/api/health",
        healthTimeoutSeconds: 600,
      },
    });
    const health = mocks.one("command:local:Command", "failover-app-health");
    expect(health.inputs).toEqual({
      interpreter: ["node"],
      create: "scripts/waitHealthy.js",
      environment: {
        BLOOM_DR_HEALTH_URL: "https://app.example.com/api/health",
        BLOOM_DR_HEALTH_TIMEOUT_SECONDS: "600",
      },
      triggers: [
        mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "failover-app-database-url").state.versionId,
      ],
    });
    expect(health.secretInputs).toEqual([]);
    expect(health.options.dependencies).toEqual(
      expect.arrayContaining([mocks.urnOf("failover-app-database-url"), mocks.urnOf("failover-app-redeploy")]),
    );
  });

  test("standby runs no hooks", async () => {
    await build({
      mode: "standby",
      app: { redeployHookUrl: pulumi.secret(HOOK_URL), healthUrl: "https://a.example/h" },
    });
    expect(mocks.ofType("command:local:Command")).toHaveLength(0);
  });
});

describe("a failover drill (active with a drill)", () => {
  const DRILL = { drill: { scenario: "failover" as const }, vpcId: undefined, subnetIds: undefined, appCidrs: [] };

  test("promotes, but writes no app secret, runs no hooks and protects nothing", async () => {
    const db = await build({
      ...DRILL,
      app: { redeployHookUrl: pulumi.secret(HOOK_URL), healthUrl: "https://app.example.com/api/health" },
    });
    expect(mocks.ofType("aws:lambda/invocation:Invocation")).toHaveLength(1);
    expect(appSecretWrites()).toHaveLength(0);
    expect(mocks.ofType("command:local:Command")).toHaveLength(0);
    const protectedOnes = mocks.customResources().filter((resource) => resource.options.protect);
    expect(protectedOnes.map((resource) => resource.name)).toEqual([]);
    const instance = mocks.one("aws:rds/instance:Instance");
    expect(instance.inputs.deletionProtection).toBe(false);
    expect(instance.inputs.tags).toMatchObject({ "bloom-dr:drill": "failover", "bloom-dr:failover-mode": "active" });
    // deleted at once on destroy: a drill leaves no secret pending deletion behind
    expect(mocks.one("aws:secretsmanager/secret:Secret").inputs.recoveryWindowInDays).toBe(0);
    expect(await valueOf(db.appSecretSwitched)).toBe(false);
    expect((await valueOf(db.promotion))?.path).toBe("restored");
  });

  test("two drill instances never share a final snapshot name", async () => {
    await build(DRILL);
    const first = mocks.one("aws:rds/instance:Instance").inputs.finalSnapshotIdentifier;
    mocks.reset();
    // what replaces an instance (another database name) renews the suffix
    await build({ ...DRILL, databaseName: "bloom_drill" });
    const second = mocks.one("aws:rds/instance:Instance").inputs.finalSnapshotIdentifier;
    expect(first).toMatch(/^bloom-dr-dr-failover-final-[0-9a-f]{8}$/);
    expect(second).toMatch(/^bloom-dr-dr-failover-final-[0-9a-f]{8}$/);
    expect(second).not.toBe(first);
  });

  test.each(["pitr", "restore"] as const)(
    "a %s drill with active promotes too and touches no app secret",
    async (scenario) => {
      await build({ ...DRILL, drill: { scenario } });
      expect(mocks.ofType("aws:lambda/invocation:Invocation")).toHaveLength(1);
      expect(appSecretWrites()).toHaveLength(0);
      expect(mocks.customResources().filter((resource) => resource.options.protect)).toHaveLength(0);
    },
  );
});
