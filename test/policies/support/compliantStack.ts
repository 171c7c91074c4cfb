/**
 * A compliant bloom-dr stack as the engine would see it: the vault with its six
 * configurations, the dump job, an active failover instance, the Neon project, alerting and the
 * health probe's SEV-1 alarm.
 * Companion resources point at their target both by value and by property dependency, as in
 * a real deployment.
 */
import { ResourceRecord } from "../../../policies/lib/validationArgs";
import { record } from "./harness";

const BUCKET = "bloom-vault-prod";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1111-2222";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts-sev1";
const SEV2_ARN = "arn:aws:sns:us-east-1:123456789012:alerts-sev2";
const RDS_ADDRESS = "failover.abc123.us-east-1.rds.amazonaws.com";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";
const DEPLOYER = "arn:aws:iam::123456789012:role/bloom-deployer";
/** Protected from a destroy, as BackupVault, AppDatabaseSecret and NeonPrimary create them. */
const HELD = { opts: { protect: true, retainOnDelete: true } };

export const tlsOnlyPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyDeleteExceptBreakGlass",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"],
      Resource: `${BUCKET_ARN}/*`,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
    },
    {
      Sid: "DenyReconfigurationExceptDeployer",
      Effect: "Deny",
      Principal: "*",
      Action: [
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutReplicationConfiguration",
      ],
      Resource: BUCKET_ARN,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [DEPLOYER, BREAK_GLASS] } },
    },
  ],
};

export const vaultKeyPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "DenyKeyDestructionExceptBreakGlass",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
    },
    {
      Sid: "DenyKeyPolicyChangesExceptDeployer",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:PutKeyPolicy",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [DEPLOYER, BREAK_GLASS] } },
    },
  ],
};

export const leastPrivilegePolicy = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${BUCKET_ARN}/production/*` },
    { Effect: "Allow", Action: ["s3:ListBucket"], Resource: BUCKET_ARN },
    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KEY_ARN },
    {
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:src",
    },
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" },
  ],
};

export function compliantStack(): ResourceRecord[] {
  const bucket = record(
    "aws:s3/bucket:Bucket",
    "vault-bucket",
    {
      bucket: BUCKET,
      arn: BUCKET_ARN,
      objectLockEnabled: true,
      forceDestroy: false,
      tags: { "bloom-dr:vault": "primary" },
    },
    HELD,
  );
  const onBucket = { propertyDependencyUrns: { bucket: [bucket.urn] } };
  const fn = record("aws:lambda/function:Function", "dump-function", {
    name: "bloom-dr-prod-dump",
    arn: "arn:aws:lambda:us-east-1:123456789012:function:bloom-dr-prod-dump",
    packageType: "Image",
    environment: {
      variables: {
        SOURCE_URL_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:src",
        BACKUP_STORE: `s3://${BUCKET}/production/`,
      },
    },
  });
  const topic = record("aws:sns/topic:Topic", "alerts-sev1", {
    arn: TOPIC_ARN,
    tags: { "bloom-dr:severity": "SEV-1" },
  });
  const rds = record(
    "aws:rds/instance:Instance",
    "failover-instance",
    {
      engine: "postgres",
      engineVersion: "16.4",
      address: RDS_ADDRESS,
      username: "bloom_admin",
      publiclyAccessible: false,
      storageEncrypted: true,
      backupRetentionPeriod: 7,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "bloom-dr-dr-failover-final",
      deletionProtection: true,
      tags: { "bloom-dr:failover-mode": "active" },
    },
    { opts: { protect: true } },
  );
  // The promotion step: the app's URL is written only after it succeeded.
  const promotion = record("aws:lambda/invocation:Invocation", "failover-promote", {
    functionName: "failover-promote-function",
    input: "{}",
  });
  return [
    bucket,
    record(
      "aws:kms/key:Key",
      "vault-key",
      {
        arn: KEY_ARN,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify(vaultKeyPolicy),
        tags: { "bloom-dr:vault": "primary" },
      },
      HELD,
    ),
    record(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "vault-encryption",
      {
        bucket: BUCKET,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
            bucketKeyEnabled: true,
          },
        ],
      },
      onBucket,
    ),
    record(
      "aws:s3/bucketVersioning:BucketVersioning",
      "vault-versioning",
      { bucket: BUCKET, versioningConfiguration: { status: "Enabled" } },
      onBucket,
    ),
    record(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "vault-public-access",
      {
        bucket: BUCKET,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      onBucket,
    ),
    record(
      "aws:s3/bucketPolicy:BucketPolicy",
      "vault-policy",
      { bucket: BUCKET, policy: JSON.stringify(tlsOnlyPolicy) },
      onBucket,
    ),
    record(
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      "vault-object-lock",
      { bucket: BUCKET, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days: 14 } } },
      onBucket,
    ),
    record(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "vault-lifecycle",
      {
        bucket: BUCKET,
        rules: [
          {
            id: "expire-backups",
            status: "Enabled",
            expiration: { days: 35 },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      onBucket,
    ),
    fn,
    record("aws:iam/role:Role", "dump-role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      inlinePolicies: [],
      managedPolicyArns: [],
    }),
    record("aws:iam/rolePolicy:RolePolicy", "dump-role-policy", {
      role: "dump-role",
      policy: JSON.stringify(leastPrivilegePolicy),
    }),
    record("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "dump-role-vpc", {
      role: "dump-role",
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    }),
    record("aws:scheduler/schedule:Schedule", "dump-schedule", {
      scheduleExpression: "cron(0 2 * * ? *)",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: fn.props.arn,
        roleArn: "arn:aws:iam::123456789012:role/scheduler",
        deadLetterConfig: { arn: "arn:aws:sqs:us-east-1:123456789012:dump-dlq" },
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
    }),
    record(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "dump-errors",
      {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: "bloom-dr-prod-dump" },
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [SEV2_ARN],
      },
      { propertyDependencyUrns: { dimensions: [fn.urn] } },
    ),
    rds,
    promotion,
    record(
      "aws:secretsmanager/secretVersion:SecretVersion",
      "app-database-url",
      {
        secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-url",
        secretString: `postgresql://bloom_app:pw@${RDS_ADDRESS}:5432/app?sslmode=require`,
      },
      {
        dependencyUrns: [rds.urn, promotion.urn],
        propertyDependencyUrns: { secretString: [rds.urn, promotion.urn] },
      },
    ),
    record(
      "neon:index/project:Project",
      "primary-project",
      { name: "bloom", historyRetentionSeconds: 168 * 3600, regionId: "aws-us-east-1" },
      { opts: { protect: true } },
    ),
    record(
      "neon:index/branch:Branch",
      "primary-branch",
      { name: "production", projectId: "p", parentId: "br-default", protected: "yes" },
      { opts: { protect: true } },
    ),
    record("neon:index/role:Role", "primary-role", { name: "bloom_app", projectId: "p", branchId: "br-1" }, HELD),
    record(
      "neon:index/database:Database",
      "primary-database",
      { name: "bloom", ownerName: "bloom_app", projectId: "p", branchId: "br-1" },
      HELD,
    ),
    record(
      "aws:secretsmanager/secret:Secret",
      "app-database-url-secret",
      {
        arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-url",
        recoveryWindowInDays: 30,
        tags: { "bloom-dr:app-secret": "database-url" },
      },
      HELD,
    ),
    topic,
    record(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "health-unreachable",
      {
        namespace: "BloomDR",
        metricName: "EndpointsUp",
        dimensions: { Database: "bloom-production/bloom" },
        statistic: "Maximum",
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        alarmActions: [TOPIC_ARN],
      },
      { propertyDependencyUrns: { alarmActions: [topic.urn] } },
    ),
    record(
      "aws:sns/topicSubscription:TopicSubscription",
      "alerts-sev1-oncall",
      { topic: TOPIC_ARN, protocol: "email", endpoint: "oncall@example.com" },
      {
        propertyDependencyUrns: { topic: [topic.urn] },
      },
    ),
  ];
}

/** The one record of `type` in `resources` (fixtures are small: there is exactly one), or the one so named. */
export function only(resources: readonly ResourceRecord[], type: string, name?: string): ResourceRecord {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1)
    throw new Error(`fixture has ${found.length} resources of type ${type}${name ? ` named ${name}` : ""}`);
  return found[0];
}
