/**
 * One write-once bucket with its own rotating KMS key: the shared body of the backup vault and of
 * its cross-region replica, so both get exactly the same protections.
 *
 * Nothing here can be deleted by a routine `pulumi destroy`: the key and the bucket are
 * `protect`ed and retained on delete (Pulumi refuses to delete them, and `--exclude-protected`
 * or removing them from the program only forgets them), and every configuration resource is
 * retained on delete, so dropping it from the program never lifts a lock in AWS.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Deployer } from "./deployer";
import { VaultRetention } from "./retention";
import { vaultKeyPolicy } from "./vaultKeyPolicy";
import { vaultBucketPolicy } from "./vaultPolicy";

export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

/** Tag on each vault bucket and key: which copy it is. The policy pack scopes its vault rules by it. */
export const VAULT_TAG = "bloom-dr:vault";
export type VaultCopy = "primary" | "replica";

export interface LockedBucketArgs {
  /** Region for every resource; undefined = the provider's region. */
  readonly region?: string;
  readonly copy: VaultCopy;
  readonly retention: VaultRetention;
  readonly objectLockMode: ObjectLockMode;
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  readonly deployer: Deployer;
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

/** Options of what holds backups (key, bucket) and of what keeps them locked (configuration). */
export function vaultOptions(parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []) {
  return {
    holds: { parent, protect: true, retainOnDelete: true },
    locks: { parent, retainOnDelete: true, ...(dependsOn.length > 0 ? { dependsOn } : {}) },
  };
}

/** Creates `${baseName}-key|-key-alias|-bucket|-versioning|-encryption|-public-access|-lifecycle|-object-lock`. */
export function createLockedBucket(baseName: string, args: LockedBucketArgs, parent: pulumi.Resource): LockedBucket {
  const region = args.region;
  const { holds, locks } = vaultOptions(parent);
  const tags = pulumi
    .output(args.tags ?? {})
    .apply((base): Record<string, string> => ({ ...base, [VAULT_TAG]: args.copy }));
  const key = new aws.kms.Key(
    `${baseName}-key`,
    {
      region,
      description: args.description,
      enableKeyRotation: true,
      // The longest window: a scheduled key deletion is the one way to make every backup unreadable.
      deletionWindowInDays: 30,
      policy: pulumi
        .all([args.deployer.accountId, args.deployer.partition, args.deployer.arn, args.breakGlassRoleArn])
        .apply(([accountId, partition, deployerArn, breakGlassRoleArn]) =>
          JSON.stringify(vaultKeyPolicy({ accountId, partition, deployerArn, breakGlassRoleArn })),
        ),
      tags,
    },
    holds,
  );
  new aws.kms.Alias(
    `${baseName}-key-alias`,
    { region, namePrefix: "alias/bloom-dr-vault-", targetKeyId: key.keyId },
    { parent },
  );

  const bucket = new aws.s3.Bucket(
    `${baseName}-bucket`,
    {
      region,
      objectLockEnabled: true,
      // Never let `pulumi destroy` empty a vault.
      forceDestroy: false,
      tags,
    },
    holds,
  );

  const versioning = new aws.s3.BucketVersioning(
    `${baseName}-versioning`,
    {
      region,
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    },
    locks,
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
    locks,
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
    locks,
  );
  const afterVersioning = vaultOptions(parent, [versioning]).locks;
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
    afterVersioning,
  );
  const objectLock = new aws.s3.BucketObjectLockConfiguration(
    `${baseName}-object-lock`,
    {
      region,
      bucket: bucket.id,
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: args.objectLockMode, days: args.retention.objectLockDays } },
    },
    afterVersioning,
  );

  return { bucket, key, versioning, configuration: [versioning, encryption, publicAccess, lifecycle, objectLock] };
}

/**
 * The vault bucket policy, applied after every configuration resource: it denies configuration
 * changes to everyone but the deployer and the break-glass role, and it must come after the
 * public access block so a policy of denies is never judged as public.
 */
export function applyVaultPolicy(
  baseName: string,
  target: LockedBucket,
  args: Pick<LockedBucketArgs, "region" | "breakGlassRoleArn" | "deployer">,
  parent: pulumi.Resource,
  after: pulumi.Resource[] = [],
): aws.s3.BucketPolicy {
  return new aws.s3.BucketPolicy(
    `${baseName}-policy`,
    {
      region: args.region,
      bucket: target.bucket.id,
      policy: pulumi
        .all([target.bucket.arn, args.deployer.arn, args.breakGlassRoleArn])
        .apply(([bucketArn, deployerArn, breakGlassRoleArn]) =>
          JSON.stringify(vaultBucketPolicy({ bucketArn, deployerArn, breakGlassRoleArn })),
        ),
    },
    vaultOptions(parent, [...target.configuration, ...after]).locks,
  );
}
