/** The rules that keep what protects recovery from a routine destroy (issue: keys and vaults). */
import {
  appSecretProtected,
  kmsKeyRetainedOnDelete,
  vaultBucketEncryptedWithCustomerKey,
  vaultBucketPolicyRequiresTls,
  vaultBucketPublicAccessBlocked,
  vaultBucketVersioningEnabled,
  vaultLifecycleRetentionMinimum,
  vaultObjectLockDefaultRetention,
  neonDatabaseAndRoleProtected,
  vaultBucketObjectLockEnabled,
  vaultBucketProtected,
  vaultKeyPolicyDeniesDestruction,
  vaultKeyProtected,
} from "../../policies/rules";
import { describeResourceRules, RuleTable } from "./support/ruleTables";
import { compliantStack, only, vaultKeyPolicy } from "./support/compliantStack";
import { DELETE, NOT_APPLICABLE, record, resourceViolations, withChange } from "./support/harness";

const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";
const SECRET = "aws:secretsmanager/secret:Secret";

/** The vault key's policy with one statement changed (by Sid). */
const keyPolicyWith = (sid: string, change: (statement: any) => object | undefined) =>
  JSON.stringify({
    ...vaultKeyPolicy,
    Statement: vaultKeyPolicy.Statement.map((s) => (s.Sid === sid ? change(s) : s)).filter(Boolean),
  });

const tables: RuleTable[] = [
  {
    rule: vaultBucketProtected,
    type: BUCKET,
    failing: [
      ["not protected", "opts.protect", false, "the vault bucket is not protected; pass { protect: true }"],
      [
        "not retained on delete",
        "opts.retainOnDelete",
        false,
        "the vault bucket is not retained on delete; pass { retainOnDelete: true }",
      ],
    ],
  },
  {
    rule: vaultKeyProtected,
    type: KEY,
    failing: [
      ["not protected", "opts.protect", false, "the vault key is not protected"],
      ["not retained on delete", "opts.retainOnDelete", false, "the vault key is not retained on delete"],
    ],
  },
  {
    rule: vaultKeyPolicyDeniesDestruction,
    type: KEY,
    failing: [
      ["no key policy (KMS's default)", "policy", DELETE, "the key has no key policy of its own"],
      [
        "deletion and disabling allowed",
        "policy",
        keyPolicyWith("DenyKeyDestructionExceptBreakGlass", () => undefined),
        "does not deny kms:ScheduleKeyDeletion, kms:DisableKey to every principal but named ones",
      ],
      [
        "policy changes allowed (any admin could lift the deny)",
        "policy",
        keyPolicyWith("DenyKeyPolicyChangesExceptDeployer", () => undefined),
        "does not deny kms:PutKeyPolicy",
      ],
      [
        "the deny is switched off by a condition other than the named principals",
        "policy",
        keyPolicyWith("DenyKeyDestructionExceptBreakGlass", (s) => ({
          ...s,
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
        })),
        "does not deny kms:ScheduleKeyDeletion, kms:DisableKey",
      ],
      [
        "the deny names some principals only",
        "policy",
        keyPolicyWith("DenyKeyPolicyChangesExceptDeployer", (s) => ({
          ...s,
          Principal: { AWS: "arn:aws:iam::123456789012:user/mallory" },
        })),
        "does not deny kms:PutKeyPolicy",
      ],
      ["not JSON", "policy", "{", "not valid JSON"],
    ],
  },
  {
    rule: kmsKeyRetainedOnDelete,
    type: KEY,
    failing: [["not retained", "opts.retainOnDelete", false, "the key is not retained on delete"]],
  },
  {
    rule: appSecretProtected,
    type: SECRET,
    failing: [
      ["not protected", "opts.protect", false, "the app's DATABASE_URL secret is not protected"],
      ["not retained on delete", "opts.retainOnDelete", false, "the app's DATABASE_URL secret is not retained"],
    ],
  },
  {
    rule: neonDatabaseAndRoleProtected,
    type: "neon:index/database:Database",
    failing: [
      ["not protected", "opts.protect", false, 'the Neon database "bloom" is not protected'],
      ["not retained on delete", "opts.retainOnDelete", false, 'the Neon database "bloom" is not retained on delete'],
    ],
  },
];

describeResourceRules(tables);

describe("scope", () => {
  test.each([
    [vaultBucketProtected, BUCKET],
    [vaultBucketObjectLockEnabled, BUCKET],
    [vaultKeyProtected, KEY],
    [vaultKeyPolicyDeniesDestruction, KEY],
  ])("%s: a resource without the bloom-dr:vault tag is not a vault (not applicable)", async (rule, type) => {
    const resource = only(compliantStack(), type);
    const untagged = { ...resource, props: withChange(resource.props, "tags", {}), opts: { protect: false } };
    expect(await resourceViolations(rule, untagged)).toBe(NOT_APPLICABLE);
  });

  test.each([
    {
      rule: vaultLifecycleRetentionMinimum,
      type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      broken: { rules: [{ id: "expire-logs", status: "Enabled", expiration: { days: 7 } }] },
    },
    {
      rule: vaultBucketEncryptedWithCustomerKey,
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      broken: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    },
    {
      rule: vaultBucketVersioningEnabled,
      type: "aws:s3/bucketVersioning:BucketVersioning",
      broken: { versioningConfiguration: { status: "Suspended" } },
    },
    {
      rule: vaultBucketPublicAccessBlocked,
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      broken: {},
    },
    { rule: vaultBucketPolicyRequiresTls, type: "aws:s3/bucketPolicy:BucketPolicy", broken: { policy: "{}" } },
    {
      rule: vaultObjectLockDefaultRetention,
      type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      broken: { objectLockEnabled: "Enabled" },
    },
  ])(
    "$rule.name judges a vault's configuration, not a log bucket's in another component",
    async ({ rule, type, broken }) => {
      const compliant = only(compliantStack(), type);
      const inVault = "urn:pulumi:prod::bloom-dr::bloom-dr:backup:BackupVault::vault";
      const inLogs = "urn:pulumi:prod::bloom-dr::bloom-dr:logs:LogBucket::logs";
      const atTop = "urn:pulumi:prod::bloom-dr::pulumi:pulumi:Stack::bloom-dr-prod";
      for (const parent of [inVault, atTop]) {
        expect(await resourceViolations(rule, { ...compliant, props: broken, opts: { parent } })).not.toEqual([]);
      }
      expect(await resourceViolations(rule, { ...compliant, props: broken, opts: { parent: inLogs } })).toBe(
        NOT_APPLICABLE,
      );
    },
  );

  test("a log bucket without Object Lock is no violation", async () => {
    const logs = record(BUCKET, "access-logs", { bucket: "access-logs", objectLockEnabled: false });
    expect(await resourceViolations(vaultBucketObjectLockEnabled, logs)).toBe(NOT_APPLICABLE);
  });

  test("a secret that is not the app's is not judged", async () => {
    const other = record(SECRET, "backup-source-url", { tags: {} });
    expect(await resourceViolations(appSecretProtected, other)).toBe(NOT_APPLICABLE);
  });

  test("the owner role is held like the database", async () => {
    const role = only(compliantStack(), "neon:index/role:Role");
    expect(await resourceViolations(neonDatabaseAndRoleProtected, role)).toEqual([]);
    expect(await resourceViolations(neonDatabaseAndRoleProtected, { ...role, opts: { protect: false } })).toEqual([
      'the Neon role "bloom_app" is not protected; pass { protect: true }',
    ]);
  });

  test("retainOnDelete is judged only where the runner reports it (pulumi preview does not)", async () => {
    for (const rule of [vaultBucketProtected, kmsKeyRetainedOnDelete]) {
      const resource = only(compliantStack(), rule === vaultBucketProtected ? BUCKET : KEY);
      expect(await resourceViolations(rule, { ...resource, opts: { protect: true } })).toEqual([]);
    }
  });

  test("a failover key (no vault tag) must still be retained", async () => {
    const failoverKey = record(KEY, "failover-key", { enableKeyRotation: true }, { opts: { retainOnDelete: false } });
    expect(await resourceViolations(kmsKeyRetainedOnDelete, failoverKey)).toEqual([
      "the key is not retained on delete; pass { retainOnDelete: true }",
    ]);
    expect(await resourceViolations(vaultKeyProtected, failoverKey)).toBe(NOT_APPLICABLE);
  });
});
