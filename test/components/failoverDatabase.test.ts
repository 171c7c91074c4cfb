import * as pulumi from "@pulumi/pulumi";
import type * as FailoverModule from "../../components/failoverDatabase";
import { PulumiMockHarness, RecordedResource, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

let mocks: PulumiMockHarness;
let FailoverDatabase: typeof FailoverModule.FailoverDatabase;

const MASTER_PASSWORD = "rds/generated@pw:1";
const PROD = {
  vaultBucketName: "prod-vault",
  vaultBucketArn: "arn:aws:s3:::prod-vault",
  vaultKeyArn: "arn:aws:kms:us-east-1:123456789012:key/vault",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-url",
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:sev2",
};
const BASE: FailoverModule.FailoverDatabaseArgs = {
  ...PROD,
  mode: "standby",
  instanceClass: "db.t4g.medium",
  allocatedStorageGb: 50,
  engineVersion: "16.4",
  backupRetentionDays: 7,
  restoreSchedule: "cron(0 5 * * ? *)",
  appCidrs: ["10.0.0.0/16"],
};

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    state: ({ type, name }) => {
      if (type === "docker-build:index:Image") return { digest: "sha256:dr" };
      if (type === "aws:rds/instance:Instance") return { identifier: `${name}-identifier` };
      return undefined;
    },
    // Availability zones: the shared mock, which lists an opted-in Local Zone first unless filtered.
    invokes: {
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
beforeEach(() => mocks.reset());

interface RecordedOptions {
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
}

async function build(extra: Partial<FailoverModule.FailoverDatabaseArgs> = {}) {
  const options = new Map<string, RecordedOptions>();
  const recorder: pulumi.ResourceTransformation = ({ name, opts }) => {
    options.set(name, { protect: opts.protect, retainOnDelete: opts.retainOnDelete });
    return undefined;
  };
  const db = new FailoverDatabase("failover", { ...BASE, ...extra }, { transformations: [recorder] });
  await mocks.settle(db.address, db.masterSecretArn, db.restoreFunctionName, db.appSecretSwitched, db.securityGroupId);
  return { db, options };
}

function counts(resources: RecordedResource[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const resource of resources) result[resource.type] = (result[resource.type] ?? 0) + 1;
  return result;
}

const STANDBY_WITH_OWN_VPC = {
  "aws:ec2/vpc:Vpc": 1,
  "aws:ec2/subnet:Subnet": 2,
  "aws:ec2/routeTable:RouteTable": 1,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": 2,
  "aws:ec2/securityGroup:SecurityGroup": 3,
  "aws:ec2/vpcEndpoint:VpcEndpoint": 2,
  "aws:kms/key:Key": 1,
  "aws:rds/subnetGroup:SubnetGroup": 1,
  "aws:rds/instance:Instance": 1,
  "aws:ecr/repository:Repository": 1,
  "docker-build:index:Image": 1,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  "aws:iam/role:Role": 2,
  "aws:iam/rolePolicy:RolePolicy": 2,
  "aws:lambda/function:Function": 1,
  "aws:sqs/queue:Queue": 1,
  "aws:scheduler/schedule:Schedule": 1,
  "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
  // the final snapshot's suffix and the app role's password, kept from standby on
  "random:index/randomId:RandomId": 1,
  "random:index/randomPassword:RandomPassword": 1,
  "aws:secretsmanager/secret:Secret": 1,
  "aws:secretsmanager/secretVersion:SecretVersion": 1,
};

/** The app's own network: what an instance the app is switched to must live in. */
const APP_NETWORK = { vpcId: "vpc-app", subnetIds: ["subnet-app-1", "subnet-app-2"] };
const STANDBY_IN_APP_VPC: Record<string, number> = {
  ...STANDBY_WITH_OWN_VPC,
  "aws:ec2/securityGroup:SecurityGroup": 2,
};
for (const type of [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
]) {
  delete STANDBY_IN_APP_VPC[type];
}

test("off creates nothing but the component and reports no instance", async () => {
  const { db } = await build({ mode: "off" });
  expect(mocks.customResources()).toHaveLength(0);
  expect(mocks.resources.map((resource) => resource.type)).toEqual(["bloom-dr:dr:FailoverDatabase"]);
  expect(await valueOf(db.address)).toBeUndefined();
  expect(await valueOf(db.appSecretSwitched)).toBe(false);
});

describe("standby", () => {
  test("creates exactly the private VPC, the database and the restore job", async () => {
    await build();
    expect(counts(mocks.customResources())).toEqual(STANDBY_WITH_OWN_VPC);
    // Mock URNs carry the immediate parent's type only: image resources sit under BackupImage.
    expect(mocks.urnOf("failover-image")).toContain("bloom-dr:dr:FailoverDatabase$bloom-dr:backup:BackupImage::");
    for (const resource of mocks.customResources()) {
      expect(mocks.urnOf(resource.name)).toMatch(/bloom-dr:(dr:FailoverDatabase|backup:BackupImage)\$/);
    }
  });

  test("the VPC has two private subnets in two regular AZs (never a Local Zone) and the S3 and Secrets Manager endpoints", async () => {
    await build();
    expect(
      mocks.invokes.filter((invoke) => invoke.token === "aws:index/getAvailabilityZones:getAvailabilityZones")[0]
        .inputs,
    ).toEqual({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
    expect(mocks.named("failover-vpc").inputs).toMatchObject({
      cidrBlock: "10.42.0.0/16",
      enableDnsSupport: true,
      enableDnsHostnames: true,
    });
    expect(
      mocks
        .ofType("aws:ec2/subnet:Subnet")
        .map((subnet) => [subnet.inputs.availabilityZone, subnet.inputs.mapPublicIpOnLaunch]),
    ).toEqual([
      ["us-east-1a", false],
      ["us-east-1b", false],
    ]);
    expect(mocks.named("failover-s3-endpoint").inputs).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.s3",
      vpcEndpointType: "Gateway",
      routeTableIds: [mocks.named("failover-private-routes").id],
    });
    expect(mocks.named("failover-secretsmanager-endpoint").inputs).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.secretsmanager",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: [mocks.named("failover-private-0").id, mocks.named("failover-private-1").id],
      securityGroupIds: [mocks.named("failover-endpoint-sg").id],
    });
    expect(mocks.named("failover-endpoint-sg").inputs.ingress).toEqual([
      {
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        securityGroups: [mocks.named("failover-restore-sg").id],
        description: "restore job",
      },
    ]);
  });

  test("the database admits 5432 only from the restore job and the app CIDRs", async () => {
    const { db } = await build({ appCidrs: ["10.0.0.0/16", "10.1.0.0/16"] });
    const sg = mocks.named("failover-db-sg");
    expect(sg.inputs.ingress).toEqual([
      {
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        securityGroups: [mocks.named("failover-restore-sg").id],
        description: "restore job",
      },
      {
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["10.0.0.0/16", "10.1.0.0/16"],
        description: "application",
      },
    ]);
    expect(sg.inputs.egress).toEqual([]);
    expect(await valueOf(db.securityGroupId)).toBe(sg.id);
  });

  test("without app CIDRs only the restore job is admitted", async () => {
    await build({ appCidrs: [] });
    expect(mocks.named("failover-db-sg").inputs.ingress).toHaveLength(1);
  });

  test("the instance is private, KMS-encrypted, password-managed, snapshotted on delete, with Performance Insights", async () => {
    const { db, options } = await build();
    const keyArn = mocks.named("failover-key").state.arn;
    expect(mocks.named("failover-key").inputs.enableKeyRotation).toBe(true);
    expect(mocks.one("aws:rds/instance:Instance").inputs).toMatchObject({
      engine: "postgres",
      engineVersion: "16.4",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 50,
      storageEncrypted: true,
      kmsKeyId: keyArn,
      publiclyAccessible: false,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: keyArn,
      backupRetentionPeriod: 7,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `bloom-dr-dr-failover-final-${mocks.named("failover-snapshot-suffix").state.hex}`,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: keyArn,
      copyTagsToSnapshot: true,
      deletionProtection: false,
      dbName: "app",
      dbSubnetGroupName: mocks.named("failover-subnets").state.name,
      vpcSecurityGroupIds: [mocks.named("failover-db-sg").id],
    });
    expect(mocks.one("aws:rds/instance:Instance").inputs.password).toBeUndefined();
    // 4 random bytes keyed to what replaces an RDS instance: a new instance gets a new snapshot name
    expect(mocks.named("failover-snapshot-suffix").inputs).toEqual({
      byteLength: 4,
      keepers: { database: "app", username: "bloom_admin", kmsKeyId: keyArn },
    });
    expect(mocks.named("failover-snapshot-suffix").state.hex).toMatch(/^[0-9a-f]{8}$/);
    expect(mocks.named("failover-subnets").inputs.subnetIds).toEqual([
      mocks.named("failover-private-0").id,
      mocks.named("failover-private-1").id,
    ]);
    expect(options.get("failover-db")?.protect).toBeFalsy();
    // The final snapshot (standby -> off deletes the instance) is encrypted with this key: it stays.
    expect(mocks.named("failover-key").options).toMatchObject({ protect: false, retainOnDelete: true });
    expect(await valueOf(db.masterSecretArn)).toBe(
      mocks.one("aws:rds/instance:Instance").state.masterUserSecrets[0].secretArn,
    );
  });

  test("the restore job runs the restoreTest handler in the VPC with read-only vault access", async () => {
    const { db } = await build({ smokeQuery: "select count(*) from orders" });
    const instance = mocks.one("aws:rds/instance:Instance");
    const fn = mocks.one("aws:lambda/function:Function");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: expect.stringMatching(/failover-image-repository@sha256:dr$/),
      imageConfig: { commands: ["runtime/handlers/restoreTest.handler"] },
      vpcConfig: {
        subnetIds: [mocks.named("failover-private-0").id, mocks.named("failover-private-1").id],
        securityGroupIds: [mocks.named("failover-restore-sg").id],
      },
      timeout: 900,
    });
    expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
    expect(fn.inputs.environment.variables).toEqual({
      BACKUP_BUCKET: "prod-vault",
      BACKUP_PREFIX: "production/",
      BACKUP_KMS_KEY_ID: PROD.vaultKeyArn,
      RESTORE_TARGET_SECRET_ARN: instance.state.masterUserSecrets[0].secretArn,
      RESTORE_TARGET_HOST: instance.state.address,
      RESTORE_TARGET_PORT: "5432",
      RESTORE_TARGET_DATABASE: "app",
      RESTORE_SMOKE_QUERY: "select count(*) from orders",
      FAILOVER_MODE: "standby",
    });
    const policy = JSON.parse(mocks.named("failover-restore-policy").inputs.policy);
    const actions = policy.Statement.flatMap((statement: { Action: string | string[] }) => [statement.Action].flat());
    expect(actions.filter((action: string) => action.startsWith("s3:")).sort()).toEqual([
      "s3:GetObject",
      "s3:ListBucket",
    ]);
    expect(
      policy.Statement.find((statement: { Sid: string }) => statement.Sid === "ReadBackupsUnderPrefix").Resource,
    ).toBe("arn:aws:s3:::prod-vault/production/*");
    expect(policy.Statement.find((statement: { Sid: string }) => statement.Sid === "ReadMasterSecret").Resource).toBe(
      instance.state.masterUserSecrets[0].secretArn,
    );
    const schedule = mocks.one("aws:scheduler/schedule:Schedule").inputs;
    expect(schedule).toMatchObject({
      scheduleExpression: "cron(0 5 * * ? *)",
      state: "ENABLED",
      target: { arn: fn.state.arn },
    });
    expect(mocks.named("failover-restore-errors").inputs).toMatchObject({
      metricName: "Errors",
      threshold: 1,
      alarmActions: [PROD.alarmTopicArn],
    });
    expect(mocks.named("failover-restore-staleness").inputs).toMatchObject({
      namespace: "BloomDR",
      metricName: "RestoreSucceeded",
      dimensions: { Prefix: "production/" },
      period: 86400 + 3600,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [PROD.alarmTopicArn],
    });
    expect(
      mocks
        .ofType("aws:secretsmanager/secretVersion:SecretVersion")
        .filter((version) => version.inputs.secretId === PROD.appDatabaseUrlSecretArn),
    ).toHaveLength(0);
    expect(mocks.ofType("aws:lambda/invocation:Invocation")).toHaveLength(0);
    expect(await valueOf(db.appSecretSwitched)).toBe(false);
    expect(await valueOf(db.promotion)).toBeUndefined();
    expect(await valueOf(db.promoteFunctionName)).toBeUndefined();
  });

  test("the app role's password is generated (letters and digits), kept in its own secret under the database's key, unprotected", async () => {
    const { db } = await build();
    const keyArn = mocks.named("failover-key").state.arn;
    const password = mocks.one("random:index/randomPassword:RandomPassword");
    expect(password.inputs).toEqual({
      length: 32,
      special: false,
      upper: true,
      lower: true,
      numeric: true,
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    });
    const secret = mocks.one("aws:secretsmanager/secret:Secret");
    expect(secret.name).toBe("failover-app-password-secret");
    expect(secret.inputs).toMatchObject({ kmsKeyId: keyArn, recoveryWindowInDays: 30 });
    const value = mocks.one("aws:secretsmanager/secretVersion:SecretVersion");
    expect(value.inputs).toEqual({ secretId: secret.id, secretString: password.state.result });
    expect(value.secretInputs).toEqual(["secretString"]);
    for (const resource of [password, secret, value]) expect(resource.options.protect).toBe(false);
    expect(await valueOf(db.appPasswordSecretArn)).toBe(secret.state.arn);
  });

  test("reserveConcurrency reserves one execution for the restore test", async () => {
    await build({ reserveConcurrency: true });
    expect(mocks.one("aws:lambda/function:Function").inputs.reservedConcurrentExecutions).toBe(1);
  });

  test("given subnets are used and no VPC or endpoints are created", async () => {
    await build({ vpcId: "vpc-dr", subnetIds: ["subnet-1", "subnet-2"] });
    expect(counts(mocks.customResources())).toEqual(STANDBY_IN_APP_VPC);
    expect(mocks.named("failover-subnets").inputs.subnetIds).toEqual(["subnet-1", "subnet-2"]);
    expect(mocks.named("failover-db-sg").inputs.vpcId).toBe("vpc-dr");
  });

  test("the DR image repository can be torn down with its images (forceDelete)", async () => {
    await build();
    expect(mocks.one("aws:ecr/repository:Repository").inputs.forceDelete).toBe(true);
  });

  test("an image from the prod stack is reused instead of building one", async () => {
    await build({ imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/backup@sha256:prod" });
    expect(mocks.ofType("docker-build:index:Image")).toHaveLength(0);
    expect(mocks.one("aws:lambda/function:Function").inputs.imageUri).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/backup@sha256:prod",
    );
  });
});

describe("modes", () => {
  test.each(["standby", "active"] as const)(
    "the %s instance carries its mode as a tag for the policy pack",
    async (mode) => {
      await build({ mode, ...APP_NETWORK });
      expect(mocks.one("aws:rds/instance:Instance").inputs.tags).toEqual({ "bloom-dr:failover-mode": mode });
    },
  );
});

test.each([
  [{ mode: "actve" as never }, 'FailoverDatabase bad: mode must be one of off, standby, replica, active (got "actve")'],
  [{ vpcId: "vpc-1" }, "FailoverDatabase bad: vpcId and subnetIds go together"],
  [
    { vpcId: "vpc-1", subnetIds: ["subnet-1"] },
    "FailoverDatabase bad: subnetIds needs at least two subnets in two AZs (got 1)",
  ],
  [{ restoreSchedule: "daily" }, 'schedule "daily" is neither rate(...) nor cron(...)'],
  [
    { mode: "active" as const },
    'FailoverDatabase bad: mode "active" points the app at the instance, so it needs the app\'s network: vpcId and subnetIds the app can reach, and appCidrs (a VPC created here has no route to the app)',
  ],
  [{ mode: "active" as const, ...APP_NETWORK, appCidrs: [] }, 'FailoverDatabase bad: mode "active" points the app'],
])("rejects %j before creating anything", async (extra, message) => {
  const failure = await constructionFailure(mocks, "bad", () => new FailoverDatabase("bad", { ...BASE, ...extra }));
  expect(failure.error).toContain(message);
  expect(failure.children).toEqual([]);
});
