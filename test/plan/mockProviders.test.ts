import { execFile } from "node:child_process";
import * as path from "node:path";
import {
  MOCK_PROMOTION_RESULT,
  MOCK_REPLICATION_SETUP_RESULT,
  mockResourceState,
  planMocks,
  prodStackOutputs,
  sessionContext,
} from "../../scripts/plan/mockProviders";
import { ROOT } from "./support/runPlanCli";

describe("sessionContext (aws.iam.getSessionContext)", () => {
  test.each([
    [
      "an assumed-role session resolves to its role",
      "arn:aws:sts::123456789012:assumed-role/bloom-deployer/ci-run-42",
      "arn:aws:iam::123456789012:role/bloom-deployer",
    ],
    ["a user is passed through", "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice"],
    [
      "another partition",
      "arn:aws-us-gov:sts::123456789012:assumed-role/deployer/s",
      "arn:aws-us-gov:iam::123456789012:role/deployer",
    ],
  ])("%s", (_label, arn, issuerArn) => {
    expect(sessionContext(arn).issuerArn).toBe(issuerArn);
  });
});

describe("planMocks", () => {
  const mocks = planMocks({ region: "eu-west-1", stackReferences: { "*": { vaultBucketName: "v" } } });

  test("resources echo their inputs plus computed outputs; components get no id", async () => {
    const bucket = await mocks.newResource({
      type: "aws:s3/bucket:Bucket",
      name: "vault-bucket",
      inputs: { objectLockEnabled: true },
      custom: true,
    });
    expect(bucket).toEqual({
      id: "vault-bucket-offline",
      state: expect.objectContaining({
        objectLockEnabled: true,
        bucket: "vault-bucket-offline",
        arn: "arn:aws:s3:::vault-bucket-offline",
      }),
    });
    const component = await mocks.newResource({
      type: "bloom-dr:backup:BackupVault",
      name: "vault",
      inputs: {},
      custom: false,
    });
    expect(component.id).toBeUndefined();
  });

  test("the prod stack's secret outputs arrive marked secret", async () => {
    const replicating = planMocks({
      stackReferences: { "*": { vaultBucketName: "v", replicationSourceUrl: "postgresql://r:pw@h/db" } },
    });
    const reference = await replicating.newResource({
      type: "pulumi:pulumi:StackReference",
      name: "org/bloom-dr/prod",
      inputs: { name: "org/bloom-dr/prod" },
      custom: true,
    });
    expect(reference.state.secretOutputNames).toEqual(["replicationSourceUrl"]);
  });

  test("any StackReference gets the prod outputs", async () => {
    const reference = await mocks.newResource({
      type: "pulumi:pulumi:StackReference",
      name: "org/bloom-dr/prod",
      inputs: { name: "org/bloom-dr/prod" },
      custom: true,
    });
    expect(reference).toEqual({
      id: "org/bloom-dr/prod",
      state: { name: "org/bloom-dr/prod", outputs: { vaultBucketName: "v" }, secretOutputNames: [] },
    });
  });

  test("availability zones: an opted-in Local Zone comes first unless filtered on opt-in-not-required", async () => {
    const token = "aws:index/getAvailabilityZones:getAvailabilityZones";
    expect((await mocks.call({ token, inputs: { state: "available" } })).names).toEqual([
      "eu-west-1-bos-1a",
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
    ]);
    const filters = [{ name: "opt-in-status", values: ["opt-in-not-required"] }];
    expect((await mocks.call({ token, inputs: { state: "available", filters } })).names).toEqual([
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
    ]);
  });

  test("answers a branch's role password for that branch and role", async () => {
    expect(
      await mocks.call({
        token: "neon:index/getBranchRolePassword:getBranchRolePassword",
        inputs: { projectId: "p", branchId: "br-pitr", roleName: "bloom_app" },
      }),
    ).toEqual({
      id: "p/br-pitr/bloom_app/password",
      projectId: "p",
      branchId: "br-pitr",
      roleName: "bloom_app",
      password: "offline-plan-password",
    });
  });

  test("answers the invokes the program uses, in the configured region", async () => {
    expect(await mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {} })).toMatchObject({
      name: "eu-west-1",
    });
    expect(
      JSON.parse(
        (await mocks.call({ token: "aws:secretsmanager/getSecretVersion:getSecretVersion", inputs: { secretId: "s" } }))
          .secretString,
      ),
    ).toEqual({
      username: "bloom_admin",
      password: "offline-plan-password",
    });
  });

  test("an unanswered invoke throws and is remembered, naming the token", () => {
    expect(() => mocks.call({ token: "aws:ec2/getInternetGateway:getInternetGateway", inputs: {} })).toThrow(
      "plan: the offline plan does not answer the invoke aws:ec2/getInternetGateway:getInternetGateway; add it to scripts/plan/mockProviders.ts",
    );
    expect(mocks.failures.map((f) => f.message)).toEqual([expect.stringContaining("getInternetGateway")]);
  });

  test.each([
    [
      {},
      [
        "appDatabaseUrlSecretArn",
        "backupImageUri",
        "backupPrefix",
        "logicalReplication",
        "vaultBucketArn",
        "vaultBucketName",
        "vaultKeyArn",
      ],
    ],
    [
      { logicalReplication: true },
      [
        "appDatabaseUrlSecretArn",
        "backupImageUri",
        "backupPrefix",
        "logicalReplication",
        "replicationRoleName",
        "replicationSourceUrl",
        "vaultBucketArn",
        "vaultBucketName",
        "vaultKeyArn",
      ],
    ],
    [
      { replicaRegion: "us-west-2" },
      [
        "appDatabaseUrlSecretArn",
        "appDatabaseUrlSecretReplicaArn",
        "backupImageUri",
        "backupPrefix",
        "logicalReplication",
        "vaultBucketArn",
        "vaultBucketName",
        "vaultKeyArn",
        "vaultReplicaBucketArn",
        "vaultReplicaBucketName",
        "vaultReplicaKeyArn",
      ],
    ],
  ])("prod outputs %j", (options, keys) => {
    expect(Object.keys(prodStackOutputs(options)).sort()).toEqual(keys);
  });

  test("with logical replication, the replication role's URL is exported (the role from the prod config)", () => {
    expect(prodStackOutputs({ logicalReplication: true, replicationRoleName: "clinic_replication" })).toMatchObject({
      logicalReplication: true,
      replicationRoleName: "clinic_replication",
      replicationSourceUrl:
        "postgresql://clinic_replication:offline-plan-password@ep-primary-endpoint-offline.aws.neon.tech/bloom?sslmode=require",
    });
  });

  test.each([
    ['{"action":"setup"}', MOCK_REPLICATION_SETUP_RESULT],
    ["{}", MOCK_PROMOTION_RESULT],
    ["not json", MOCK_PROMOTION_RESULT],
  ])("an Invocation with input %s answers as its handler would", (input, answer) => {
    const { state } = mockResourceState("aws:lambda/invocation:Invocation", "i", { functionName: "f", input });
    expect(JSON.parse(state.result)).toEqual(answer);
  });

  test("a resource's own region input wins over the stack's (the replica vault's key)", () => {
    expect(mockResourceState("aws:kms/key:Key", "k", { region: "us-west-2" }, "us-east-2").state.arn).toBe(
      "arn:aws:kms:us-west-2:123456789012:key/k-key-id",
    );
    expect(mockResourceState("aws:kms/key:Key", "k", {}, "us-east-2").state.arn).toBe(
      "arn:aws:kms:us-east-2:123456789012:key/k-key-id",
    );
  });

  test("RDS instances expose an address and a managed master secret", () => {
    const { state } = mockResourceState("aws:rds/instance:Instance", "db", { identifier: "failover" }, "us-west-2");
    expect(state).toMatchObject({
      address: "failover.offline.us-west-2.rds.amazonaws.com",
      port: 5432,
      masterUserSecrets: [
        expect.objectContaining({ secretArn: expect.stringMatching(/^arn:aws:secretsmanager:us-west-2:/) }),
      ],
    });
  });
});

function runFixture(program: string): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(
      path.join(ROOT, "node_modules/.bin/tsx"),
      [path.join(__dirname, "fixtures/runFixtureProgram.ts"), path.join(__dirname, "fixtures", program)],
      { cwd: ROOT },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    ),
  );
}

test("the recorder captures parents, dependencies, property dependencies, protect and secrets (masked)", async () => {
  const run = await runFixture("recordingProgram.ts");
  expect(run.ok).toBe(true);
  const byName = Object.fromEntries(run.resources.map((r: { name: string }) => [r.name, r]));
  expect(run.resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`).sort()).toEqual([
    "aws:s3/bucket:Bucket vault-bucket",
    "aws:s3/bucketVersioning:BucketVersioning vault-versioning",
    "aws:secretsmanager/secret:Secret url",
    "aws:secretsmanager/secretVersion:SecretVersion url-version",
    "test:fixture:Vault vault",
  ]);
  const vault = byName["vault"];
  expect(vault.custom).toBe(false);
  expect(byName["vault-bucket"]).toMatchObject({
    parentUrn: vault.urn,
    protect: true,
    inputs: { objectLockEnabled: true },
  });
  expect(byName["vault-versioning"].propertyDependencyUrns.bucket).toEqual([byName["vault-bucket"].urn]);
  expect(byName["vault-versioning"].outputs.bucket).toBe("vault-bucket-offline");
  // dependsOn a component means its children, as in the engine.
  expect([...byName["url-version"].dependencyUrns].sort()).toEqual(
    [byName["url"].urn, byName["vault-bucket"].urn, byName["vault-versioning"].urn].sort(),
  );
  expect(byName["url-version"].inputs.secretString).toBe("[secret]");
  expect(run.outputs).toEqual({ bucketName: "vault-bucket-offline", url: "[secret]" });
  expect(JSON.stringify(run)).not.toContain("hunter2");
});

test("a program that calls an unanswered invoke fails with the token named, not an empty error", async () => {
  expect(await runFixture("unansweredInvokeProgram.ts")).toEqual({
    ok: false,
    error:
      "plan: the offline plan does not answer the invoke aws:ec2/getInternetGateway:getInternetGateway; add it to scripts/plan/mockProviders.ts",
  });
});

test("an error thrown inside an apply fails the run with the program's own message", async () => {
  expect(await runFixture("failingApplyProgram.ts")).toEqual({
    ok: false,
    error: "FailoverDatabase failover: RDS reported no managed master secret",
  });
});
