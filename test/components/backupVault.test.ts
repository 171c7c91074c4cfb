import type * as BackupVaultModule from "../../components/backupVault";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let BackupVault: typeof BackupVaultModule.BackupVault;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    state: ({ type, name }) => (type === "aws:kms/key:Key" ? { keyId: `${name}-key-id` } : undefined),
  });
  ({ BackupVault } = await import("../../components/backupVault"));
});
beforeEach(() => mocks.reset());

const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";

async function build(args: BackupVaultModule.BackupVaultArgs = {}) {
  const vault = new BackupVault("vault", args);
  await mocks.settle(vault.bucketName, vault.bucketArn, vault.keyArn, vault.replicaBucketArn);
  return vault;
}

function policyOf(name: string) {
  return JSON.parse(mocks.named(name).inputs.policy);
}

test("creates exactly the nine vault resources inside the component", async () => {
  await build();
  expect(
    mocks
      .customResources()
      .map((resource) => resource.type)
      .sort(),
  ).toEqual(
    [
      "aws:kms/key:Key",
      "aws:kms/alias:Alias",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      "aws:s3/bucketPolicy:BucketPolicy",
    ].sort(),
  );
  expect(mocks.one("bloom-dr:backup:BackupVault").custom).toBe(false);
  for (const resource of mocks.customResources()) {
    expect(mocks.urnOf(resource.name)).toContain("bloom-dr:backup:BackupVault$");
  }
});

test("bucket has Object Lock on and is never force-destroyed", async () => {
  await build();
  expect(mocks.one("aws:s3/bucket:Bucket").inputs).toMatchObject({ objectLockEnabled: true, forceDestroy: false });
  expect(mocks.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({
    status: "Enabled",
  });
});

test("encrypts with its own rotating key", async () => {
  const vault = await build();
  const key = mocks.one("aws:kms/key:Key");
  expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
  const keyArn = await valueOf(vault.keyArn);
  expect(keyArn).toBe(key.state.arn);
  expect(
    mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules,
  ).toEqual([
    { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
  ]);
  expect(mocks.one("aws:kms/alias:Alias").inputs).toMatchObject({
    namePrefix: "alias/bloom-dr-vault-",
    targetKeyId: "vault-key-key-id",
  });
});

test("blocks all public access", async () => {
  await build();
  expect(mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
});

test.each([
  [{}, 35, 14, "GOVERNANCE"],
  [{ retentionDays: 90, objectLockDays: 30, objectLockMode: "COMPLIANCE" as const }, 90, 30, "COMPLIANCE"],
])("retention %j -> expiry %i days, lock %i days %s", async (args, expiry, lockDays, mode) => {
  await build(args);
  expect(mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toEqual([
    {
      id: "expire-backups",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days: expiry },
      noncurrentVersionExpiration: { noncurrentDays: 1 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
  ]);
  expect(mocks.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs).toMatchObject({
    objectLockEnabled: "Enabled",
    rule: { defaultRetention: { mode, days: lockDays } },
  });
});

test.each([
  [undefined, "DenyDestructionToEveryone", undefined],
  [BREAK_GLASS, "DenyDestructionExceptBreakGlass", { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } }],
])("bucket policy with break-glass role %s", async (breakGlassRoleArn, sid, condition) => {
  const vault = await build({ breakGlassRoleArn });
  const bucketArn = await valueOf(vault.bucketArn);
  const policy = policyOf("vault-policy");
  expect(policy.Statement[0]).toEqual({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  expect(policy.Statement[1].Sid).toBe(sid);
  expect(policy.Statement[1].Condition).toEqual(condition);
  expect(policy.Statement[1].Action).toEqual(
    expect.arrayContaining(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"]),
  );
});

test("objectLockDays above retentionDays is refused before anything is created", () => {
  expect(() => new BackupVault("bad", { retentionDays: 7, objectLockDays: 14 })).toThrow(
    "objectLockDays (14) must not exceed retentionDays (7); lower objectLockDays or raise retentionDays",
  );
});

describe("with a replica region", () => {
  test("creates an identical locked bucket in that region plus role, policy and replication", async () => {
    const vault = await build({ replicaRegion: "us-west-2", breakGlassRoleArn: BREAK_GLASS });
    expect(mocks.customResources()).toHaveLength(9 + 9 + 3);
    const replicaResources = mocks.customResources().filter((resource) => resource.name.startsWith("vault-replica-"));
    expect(replicaResources).toHaveLength(9);
    for (const resource of replicaResources) expect(resource.inputs.region).toBe("us-west-2");
    for (const resource of mocks.customResources().filter((r) => !r.name.startsWith("vault-replica"))) {
      expect(resource.inputs.region).toBeUndefined();
    }
    expect(mocks.named("vault-replica-bucket").inputs.objectLockEnabled).toBe(true);
    expect(mocks.named("vault-replica-key").inputs.enableKeyRotation).toBe(true);
    expect(policyOf("vault-replica-policy").Statement[1].Sid).toBe("DenyDestructionExceptBreakGlass");
    expect(await valueOf(vault.replicaBucketArn)).toBe(mocks.named("vault-replica-bucket").state.arn);
    expect(await valueOf(vault.replicaKeyArn)).toBe(mocks.named("vault-replica-key").state.arn);
  });

  test("replicates encrypted objects with the replica key and never replicates deletes", async () => {
    await build({ replicaRegion: "us-west-2" });
    const replication = mocks.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    expect(replication.inputs.bucket).toBe(mocks.named("vault-bucket").id);
    expect(replication.inputs.role).toBe(mocks.named("vault-replication-role").state.arn);
    expect(replication.inputs.rules).toEqual([
      {
        id: "replicate-backups",
        status: "Enabled",
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Disabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: mocks.named("vault-replica-bucket").state.arn,
          encryptionConfiguration: { replicaKmsKeyId: mocks.named("vault-replica-key").state.arn },
        },
      },
    ]);
    const trust = JSON.parse(mocks.named("vault-replication-role").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal).toEqual({ Service: "s3.amazonaws.com" });
    const permissions = JSON.parse(mocks.named("vault-replication-policy").inputs.policy);
    expect(
      permissions.Statement.flatMap((statement: { Action: string | string[] }) => [statement.Action].flat()),
    ).not.toContain("s3:ReplicateDelete");
  });

  test("without a replica region the replica outputs are undefined", async () => {
    const vault = await build();
    expect(await valueOf(vault.replicaBucketName)).toBeUndefined();
    expect(mocks.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(0);
  });
});
