import {
  kmsKeyRotationEnabled,
  vaultBucketEncryptedWithCustomerKey,
  vaultBucketObjectLockEnabled,
  vaultBucketPolicyRequiresTls,
  vaultBucketPublicAccessBlocked,
  vaultBucketVersioningEnabled,
  vaultLifecycleRetentionMinimum,
  vaultObjectLockDefaultRetention,
} from "../../policies/rules";
import { describeResourceRules, RuleTable } from "./support/ruleTables";
import { compliantStack, only, tlsOnlyPolicy } from "./support/compliantStack";
import { DELETE, resourceViolations, withChange } from "./support/harness";

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const insecureOnlyStatement = tlsOnlyPolicy.Statement[0];

const tables: RuleTable[] = [
  {
    rule: vaultBucketEncryptedWithCustomerKey,
    type: SSE,
    failing: [
      [
        "AES256 instead of KMS",
        "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
        "AES256",
        'sseAlgorithm is "AES256"',
      ],
      [
        "no customer key (aws/s3)",
        "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId",
        DELETE,
        "has no kmsMasterKeyId",
      ],
      ["no rules at all", "rules", [], "has no rules"],
    ],
  },
  {
    rule: vaultBucketVersioningEnabled,
    type: "aws:s3/bucketVersioning:BucketVersioning",
    failing: [
      ["suspended", "versioningConfiguration.status", "Suspended", 'status is "Suspended"'],
      ["status missing", "versioningConfiguration", DELETE, "status is undefined"],
    ],
  },
  {
    rule: vaultBucketPublicAccessBlocked,
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    failing: [
      ["blockPublicAcls false", "blockPublicAcls", false, "blockPublicAcls is false"],
      ["blockPublicPolicy false", "blockPublicPolicy", false, "blockPublicPolicy is false"],
      ["ignorePublicAcls missing", "ignorePublicAcls", DELETE, "ignorePublicAcls is undefined"],
      ["restrictPublicBuckets false", "restrictPublicBuckets", false, "restrictPublicBuckets is false"],
    ],
  },
  {
    rule: vaultBucketPolicyRequiresTls,
    type: "aws:s3/bucketPolicy:BucketPolicy",
    failing: [
      [
        "no TLS statement",
        "policy",
        JSON.stringify({ Version: "2012-10-17", Statement: [tlsOnlyPolicy.Statement[1]] }),
        "no statement denies",
      ],
      [
        "Allow instead of Deny",
        "policy",
        JSON.stringify({ Statement: [{ ...insecureOnlyStatement, Effect: "Allow" }] }),
        "no statement denies",
      ],
      [
        "condition true",
        "policy",
        JSON.stringify({
          Statement: [{ ...insecureOnlyStatement, Condition: { Bool: { "aws:SecureTransport": "true" } } }],
        }),
        "no statement denies",
      ],
      [
        "only some principals",
        "policy",
        JSON.stringify({ Statement: [{ ...insecureOnlyStatement, Principal: { AWS: "arn:aws:iam::1:root" } }] }),
        "no statement denies",
      ],
      [
        "only GetObject denied",
        "policy",
        JSON.stringify({ Statement: [{ ...insecureOnlyStatement, Action: "s3:GetObject" }] }),
        "no statement denies",
      ],
      [
        "objects not covered",
        "policy",
        JSON.stringify({ Statement: [{ ...insecureOnlyStatement, Resource: "arn:aws:s3:::bloom-vault-prod" }] }),
        "no statement denies",
      ],
      [
        "bucket not covered",
        "policy",
        JSON.stringify({ Statement: [{ ...insecureOnlyStatement, Resource: "arn:aws:s3:::bloom-vault-prod/*" }] }),
        "no statement denies",
      ],
      ["not JSON", "policy", "{not json", "not valid JSON"],
    ],
  },
  {
    rule: vaultBucketObjectLockEnabled,
    type: "aws:s3/bucket:Bucket",
    failing: [
      ["objectLockEnabled false", "objectLockEnabled", false, "objectLockEnabled is false"],
      ["objectLockEnabled missing", "objectLockEnabled", DELETE, "objectLockEnabled is undefined"],
    ],
  },
  {
    rule: vaultObjectLockDefaultRetention,
    type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    failing: [
      ["lock disabled", "objectLockEnabled", "Disabled", 'objectLockEnabled is "Disabled"'],
      ["no default retention", "rule", DELETE, "rule.defaultRetention is missing"],
      ["unknown mode", "rule.defaultRetention.mode", "LEGAL_HOLD", 'mode is "LEGAL_HOLD"'],
      ["zero days", "rule.defaultRetention.days", 0, "default retention is 0 days"],
    ],
  },
  {
    rule: vaultLifecycleRetentionMinimum,
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    failing: [
      ["expires after 7 days", "rules.0.expiration.days", 7, "expires backups after 7 days; the minimum is 30"],
      ["expires on a date", "rules.0.expiration", { date: "2027-01-01" }, "fixed date"],
    ],
  },
  {
    rule: kmsKeyRotationEnabled,
    type: "aws:kms/key:Key",
    failing: [["rotation off", "enableKeyRotation", false, "enableKeyRotation is false"]],
  },
];

describeResourceRules(tables);

describe("configurable minimums", () => {
  test.each([
    {
      rule: vaultLifecycleRetentionMinimum,
      type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      config: { minRetentionDays: 36 },
      expected: "expires backups after 35 days; the minimum is 36",
    },
    {
      rule: vaultObjectLockDefaultRetention,
      type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      config: { minObjectLockDays: 15 },
      expected: "default retention is 14 days; it must be at least 15",
    },
  ])("$rule.name honours its config", async ({ rule, type, config, expected }) => {
    const compliant = only(compliantStack(), type);
    expect(await resourceViolations(rule, compliant)).toEqual([]);
    expect(await resourceViolations(rule, compliant, config)).toEqual([expect.stringContaining(expected)]);
  });

  test("object lock years count as 365 days", async () => {
    const lock = only(compliantStack(), "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
    const inYears = {
      ...lock,
      props: withChange(withChange(lock.props, "rule.defaultRetention.days", DELETE), "rule.defaultRetention.years", 1),
    };
    expect(await resourceViolations(vaultObjectLockDefaultRetention, inYears, { minObjectLockDays: 365 })).toEqual([]);
    expect(await resourceViolations(vaultObjectLockDefaultRetention, inYears, { minObjectLockDays: 366 })).toHaveLength(
      1,
    );
  });

  test("disabled lifecycle rules do not count", async () => {
    const lifecycle = only(compliantStack(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const disabled = withChange(
      withChange(lifecycle.props, "rules.0.expiration.days", 1),
      "rules.0.status",
      "Disabled",
    );
    expect(await resourceViolations(vaultLifecycleRetentionMinimum, { ...lifecycle, props: disabled })).toEqual([]);
  });
});
