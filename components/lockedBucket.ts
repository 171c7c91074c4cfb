/**
 * One write-once bucket with its own rotating KMS key: the shared body of the backup vault and of
 * its cross-region replica, so both get exactly the same protections.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { VaultRetention } from "./retention";
import { vaultBucketPolicy } from "./vaultPolicy";

export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

export interface LockedBucketArgs {
  /** Region for every resource; undefined = the provider's region. */
  readonly region?: string;
  readonly retention: VaultRetention;
  readonly objectLockMode: ObjectLockMode;
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  readonly description: string;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface LockedBucket {
  readonly bucket: aws.s3.Bucket;
  readonly key: aws.kms.Key;
  readonly versioning: aws.s3.BucketVersioning;
  /** Every configuration resource; the bucket policy is applied after all of them. */
  readonly configuration: pulumi.Resource[];
}

/** Creates `${baseName}-key|-key-alias|-bucket|-versioning|-encryption|-public-access|-lifecycle|-object-lock`. */
export function createLockedBucket(baseName: string, args: LockedBucketArgs, parent: pulumi.Resource): LockedBucket {
  const region = args.region;
  const opts = { parent };
  const key = new aws.kms.Key(
    `${baseName}-key`,
    {
      region,
      description: args.description,
      enableKeyRotation: true,
      // The longest window: a scheduled key deletion is the one way to make every backup unreadable.
      deletionWindowInDays: 30,
      tags: args.tags,
    },
    opts,
  );
  new aws.kms.Alias(
    `${baseName}-key-alias`,
    { region, namePrefix: "alias/bloom-dr-vault-", targetKeyId: key.keyId },
    opts,
  );

  const bucket = new aws.s3.Bucket(
    `${baseName}-bucket`,
    {
      region,
      objectLockEnabled: true,
      // Never let `pulumi destroy` empty a vault.
      forceDestroy: false,
      tags: args.tags,
    },
    opts,
  );

  const versioning = new aws.s3.BucketVersioning(
    `${baseName}-versioning`,
    {
      region,
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${baseName}-encryption`,
    {
      region,
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${baseName}-public-access`,
    {
      region,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${baseName}-lifecycle`,
    {
      region,
      bucket: bucket.id,
      rules: [
        {
          id: "expire-backups",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: args.retention.currentVersionExpirationDays },
          noncurrentVersionExpiration: { noncurrentDays: args.retention.noncurrentVersionExpirationDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: args.retention.abortIncompleteMultipartUploadDays },
        },
      ],
    },
    { parent, dependsOn: [versioning] },
  );
  const objectLock = new aws.s3.BucketObjectLockConfiguration(
    `${baseName}-object-lock`,
    {
      region,
      bucket: bucket.id,
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: args.objectLockMode, days: args.retention.objectLockDays } },
    },
    { parent, dependsOn: [versioning] },
  );

  return { bucket, key, versioning, configuration: [versioning, encryption, publicAccess, lifecycle, objectLock] };
}

/**
 * The vault bucket policy, applied after every configuration resource: it denies lifecycle,
 * Object Lock and replication changes, and it must come after the public access block so a
 * policy of denies is never judged as public.
 */
export function applyVaultPolicy(
  baseName: string,
  target: LockedBucket,
  args: Pick<LockedBucketArgs, "region" | "breakGlassRoleArn">,
  parent: pulumi.Resource,
  after: pulumi.Resource[] = [],
): aws.s3.BucketPolicy {
  return new aws.s3.BucketPolicy(
    `${baseName}-policy`,
    {
      region: args.region,
      bucket: target.bucket.id,
      policy: pulumi
        .all([target.bucket.arn, args.breakGlassRoleArn])
        .apply(([bucketArn, breakGlassRoleArn]) => JSON.stringify(vaultBucketPolicy({ bucketArn, breakGlassRoleArn }))),
    },
    { parent, dependsOn: [...target.configuration, ...after] },
  );
}
