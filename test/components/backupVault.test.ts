import type * as BackupVaultModule from "../../components/backupVault";
import { MOCK_ACCOUNT_ID, PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

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
/** What the mock caller identity (an IAM user) resolves to. */
const CALLER = `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-plan`;
const HOLDS = ["aws:kms/key:Key", "aws:s3/bucket:Bucket"];

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
  [undefined, "DenyDestructionToEveryone", undefined, CALLER],
  [
    BREAK_GLASS,
    "DenyDestructionExceptBreakGlass",
    { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
    [CALLER, BREAK_GLASS],
  ],
])("bucket policy with break-glass role %s", async (breakGlassRoleArn, sid, condition, reconfigurers) => {
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
  expect(policy.Statement[1].Action).toEqual(expect.arrayContaining(["s3:DeleteObject", "s3:DeleteObjectVersion"]));
  // Lifecycle, lock, replication and the policy itself: the deployer may, everyone else may not.
  expect(policy.Statement[2]).toMatchObject({
    Sid: "DenyReconfigurationExceptDeployer",
    Effect: "Deny",
    Principal: "*",
    Resource: bucketArn,
    Condition: { ArnNotEquals: { "aws:PrincipalArn": reconfigurers } },
  });
  expect(policy.Statement[2].Action).toEqual(
    expect.arrayContaining([
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketObjectLockConfiguration",
      "s3:PutReplicationConfiguration",
    ]),
  );
});

describe("the deployer the policies name", () => {
  test("defaults to the identity running the update, resolved by getSessionContext", async () => {
    const vault = await build();
    expect(await valueOf(vault.deployerArn)).toBe(CALLER);
    const caller = mocks.invokes.find((invoke) => invoke.token === "aws:index/getCallerIdentity:getCallerIdentity");
    expect(caller).toBeDefined();
    expect(
      mocks.invokes.filter((invoke) => invoke.token === "aws:iam/getSessionContext:getSessionContext")[0].inputs,
    ).toEqual({ arn: CALLER });
  });

  test("an explicit deployer is used as given, without asking who runs the update", async () => {
    const deployer = "arn:aws:iam::123456789012:role/ci/bloom-deployer";
    const vault = await build({ deployerArn: deployer });
    expect(await valueOf(vault.deployerArn)).toBe(deployer);
    expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain("aws:iam/getSessionContext:getSessionContext");
    expect(policyOf("vault-policy").Statement[2].Condition).toEqual({
      ArnNotEquals: { "aws:PrincipalArn": deployer },
    });
    expect(policyOf("vault-key").Statement[2].Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": deployer } });
  });
});

describe("nothing that holds or locks backups can be deleted by a routine destroy", () => {
  test("key and bucket are protected and retained; every configuration resource is retained", async () => {
    await build({ replicaRegion: "us-west-2" });
    for (const resource of mocks.customResources()) {
      const holds = HOLDS.includes(resource.type);
      const expected = resource.type === "aws:kms/alias:Alias" || resource.type.startsWith("aws:iam/") ? false : true;
      expect([resource.name, resource.options.protect, resource.options.retainOnDelete]).toEqual([
        resource.name,
        holds,
        expected,
      ]);
    }
    expect(mocks.customResources().filter((resource) => resource.options.protect)).toHaveLength(4);
  });

  test.each([
    [undefined, "DenyKeyDestructionToEveryone", undefined, CALLER],
    [
      BREAK_GLASS,
      "DenyKeyDestructionExceptBreakGlass",
      { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
      [CALLER, BREAK_GLASS],
    ],
  ])(
    "each key's policy denies deletion, disabling and policy changes (break-glass %s)",
    async (breakGlassRoleArn, sid, condition, editors) => {
      await build({ replicaRegion: "us-west-2", breakGlassRoleArn });
      for (const key of ["vault-key", "vault-replica-key"]) {
        const [root, destruction, policyChanges] = policyOf(key).Statement;
        expect(root).toEqual({
          Sid: "EnableIamPolicies",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` },
          Action: "kms:*",
          Resource: "*",
        });
        expect(destruction).toEqual({
          Sid: sid,
          Effect: "Deny",
          Principal: "*",
          Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
          Resource: "*",
          ...(condition ? { Condition: condition } : {}),
        });
        expect(policyChanges).toEqual({
          Sid: "DenyKeyPolicyChangesExceptDeployer",
          Effect: "Deny",
          Principal: "*",
          Action: ["kms:PutKeyPolicy"],
          Resource: "*",
          Condition: { ArnNotEquals: { "aws:PrincipalArn": editors } },
        });
      }
    },
  );

  test("buckets and keys are tagged with the vault copy they belong to", async () => {
    await build({ replicaRegion: "us-west-2", tags: { team: "data" } });
    for (const [name, copy] of [
      ["vault-bucket", "primary"],
      ["vault-key", "primary"],
      ["vault-replica-bucket", "replica"],
      ["vault-replica-key", "replica"],
    ]) {
      expect(mocks.named(name).inputs.tags).toEqual({ team: "data", "bloom-dr:vault": copy });
    }
  });
});

test("objectLockDays above retentionDays is refused before anything is created", async () => {
  const failure = await constructionFailure(
    mocks,
    "bad",
    () => new BackupVault("bad", { retentionDays: 7, objectLockDays: 14 }),
  );
  expect(failure.error).toContain(
    "objectLockDays (14) must not exceed retentionDays (7); lower objectLockDays or raise retentionDays",
  );
  expect(failure.children).toEqual([]);
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
