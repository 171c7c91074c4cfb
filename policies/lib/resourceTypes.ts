/** Pulumi type tokens the rules inspect (AWS provider v7, Neon provider 0.13). */
export const S3_BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as const;
export const S3_SSE_TYPES = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
] as const;
export const S3_VERSIONING_TYPES = [
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
] as const;
export const S3_PUBLIC_ACCESS_BLOCK_TYPES = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] as const;
export const S3_BUCKET_POLICY_TYPES = ["aws:s3/bucketPolicy:BucketPolicy"] as const;
export const S3_OBJECT_LOCK_TYPES = [
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
] as const;
export const S3_LIFECYCLE_TYPES = [
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
] as const;
export const KMS_KEY_TYPES = ["aws:kms/key:Key"] as const;
export const RDS_INSTANCE_TYPES = ["aws:rds/instance:Instance"] as const;
export const SCHEDULE_TYPES = ["aws:scheduler/schedule:Schedule"] as const;
export const LAMBDA_FUNCTION_TYPES = ["aws:lambda/function:Function"] as const;
export const ECS_TASK_DEFINITION_TYPES = ["aws:ecs/taskDefinition:TaskDefinition"] as const;
export const METRIC_ALARM_TYPES = ["aws:cloudwatch/metricAlarm:MetricAlarm"] as const;
export const IAM_ROLE_POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy"] as const;
export const IAM_POLICY_TYPES = ["aws:iam/policy:Policy"] as const;
export const IAM_ROLE_TYPES = ["aws:iam/role:Role"] as const;
export const IAM_ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
] as const;
export const SNS_TOPIC_TYPES = ["aws:sns/topic:Topic"] as const;
export const SNS_SUBSCRIPTION_TYPES = ["aws:sns/topicSubscription:TopicSubscription"] as const;
export const NEON_PROJECT_TYPES = ["neon:index/project:Project"] as const;
export const NEON_DATA_TYPES = ["neon:index/database:Database", "neon:index/role:Role"] as const;
export const SECRETS_MANAGER_SECRET_TYPES = ["aws:secretsmanager/secret:Secret"] as const;
export const SECRET_VERSION_TYPES = ["aws:secretsmanager/secretVersion:SecretVersion"] as const;
export const LAMBDA_INVOCATION_TYPES = ["aws:lambda/invocation:Invocation"] as const;

/** Tag on the backup vault's buckets and KMS keys (value: the copy, primary or replica); the vault rules' scope. */
export const VAULT_TAG = "bloom-dr:vault";
/** Tag on the Secrets Manager secret that holds the app's DATABASE_URL. */
export const APP_SECRET_TAG = "bloom-dr:app-secret";

/** The tag the failover database carries; `active` means the app's DATABASE_URL points at it. */
export const FAILOVER_MODE_TAG = "bloom-dr:failover-mode";
/** On every resource of a drill (value: the scenario); a drill never serves the app. */
export const DRILL_TAG = "bloom-dr:drill";
/** The tag an SNS topic carries to say which severity of the escalation matrix it serves. */
export const SEVERITY_TAG = "bloom-dr:severity";
/**
 * The metric a replica's lag alarm watches: namespace and name as components/replicationMetrics.ts
 * spells them (the pack imports nothing outside policies/; a test holds the two equal).
 */
export const REPLICATION_LAG_METRIC = { namespace: "BloomDR", metricName: "ReplicationLagSeconds" } as const;
