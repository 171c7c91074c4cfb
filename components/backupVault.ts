import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveDeployer } from "./deployer";
import { assumeRolePolicy, replicationPolicy } from "./iamPolicies";
import { LockedBucket, ObjectLockMode, applyVaultPolicy, createLockedBucket, vaultOptions } from "./lockedBucket";
import { vaultRetention } from "./retention";

export type { ObjectLockMode } from "./lockedBucket";

export interface BackupVaultArgs {
  /** Days a backup object (current and noncurrent versions) is kept. Default 35. */
  readonly retentionDays?: number;
  /** Default Object Lock retention in days; must be ≤ retentionDays. Default 14. */
  readonly objectLockDays?: number;
  /** Default "GOVERNANCE": only the break-glass role may bypass it (documented trade-off). */
  readonly objectLockMode?: ObjectLockMode;
  /** The only principal allowed to delete objects or change retention; none = nobody can. */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /**
   * The IAM role or user that deploys the stack: with the break-glass role, the only principal
   * allowed to change the vault's configuration, bucket policy and key policies. Default: the
   * identity running `pulumi up` (an assumed role's session resolved to the role). Set it when more
   * than one identity deploys (components/deployer.ts).
   */
  readonly deployerArn?: pulumi.Input<string>;
  /** Region of an optional replica vault (own key; same credentials). Plain: decides existence. */
  readonly replicaRegion?: string;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const BACKUP_VAULT_DEFAULTS = {
  retentionDays: 35,
  objectLockDays: 14,
  objectLockMode: "GOVERNANCE",
} as const;

/**
 * The backup vault: a write-once S3 bucket (Object Lock, versioning, SSE-KMS with its own rotating
 * key, public access blocked, TLS-only, deletion only by a break-glass role, lifecycle expiry)
 * and optionally an identical replica in another region that deletions never reach.
 */
export class BackupVault extends pulumi.ComponentResource {
  declare public readonly bucketName: pulumi.Output<string>;
  declare public readonly bucketArn: pulumi.Output<string>;
  declare public readonly keyArn: pulumi.Output<string>;
  /** Undefined values when no replicaRegion is configured. */
  declare public readonly replicaBucketName: pulumi.Output<string | undefined>;
  declare public readonly replicaBucketArn: pulumi.Output<string | undefined>;
  declare public readonly replicaKeyArn: pulumi.Output<string | undefined>;
  /** The principal the vault's policies let reconfigure it (besides the break-glass role). */
  declare public readonly deployerArn: pulumi.Output<string>;

  constructor(name: string, args: BackupVaultArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:backup:BackupVault", name, {}, opts);
    const retention = vaultRetention(
      args.retentionDays ?? BACKUP_VAULT_DEFAULTS.retentionDays,
      args.objectLockDays ?? BACKUP_VAULT_DEFAULTS.objectLockDays,
    );
    const shared = {
      retention,
      objectLockMode: args.objectLockMode ?? BACKUP_VAULT_DEFAULTS.objectLockMode,
      breakGlassRoleArn: args.breakGlassRoleArn,
      deployer: resolveDeployer(args.deployerArn, this),
      tags: args.tags,
    };
    const primary = createLockedBucket(
      name,
      { ...shared, copy: "primary", description: `bloom-dr backup vault ${name}` },
      this,
    );
    const replica =
      args.replicaRegion === undefined ? undefined : this.replicate(name, args.replicaRegion, primary, shared);
    applyVaultPolicy(name, primary, shared, this, replica ? [replica.replication] : []);

    this.bucketName = primary.bucket.bucket;
    this.bucketArn = primary.bucket.arn;
    this.keyArn = primary.key.arn;
    this.replicaBucketName = replica ? replica.bucket.bucket : pulumi.output(undefined);
    this.replicaBucketArn = replica ? replica.bucket.arn : pulumi.output(undefined);
    this.replicaKeyArn = replica ? replica.key.arn : pulumi.output(undefined);
    this.deployerArn = shared.deployer.arn;
    this.registerOutputs({
      deployerArn: this.deployerArn,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      keyArn: this.keyArn,
      replicaBucketName: this.replicaBucketName,
      replicaBucketArn: this.replicaBucketArn,
      replicaKeyArn: this.replicaKeyArn,
    });
  }

  /**
   * The replica uses the per-resource `region` argument of @pulumi/aws v7 rather than a second
   * explicit provider: an explicit provider would not inherit the stack's aws:* config
   * (profile, assumeRole), so the replica would be deployed with different credentials.
   */
  private replicate(
    name: string,
    replicaRegion: string,
    primary: LockedBucket,
    shared: Omit<Parameters<typeof createLockedBucket>[1], "description" | "region" | "copy">,
  ): LockedBucket & { replication: aws.s3.BucketReplicationConfig } {
    const replica = createLockedBucket(
      `${name}-replica`,
      {
        ...shared,
        region: replicaRegion,
        copy: "replica",
        description: `bloom-dr backup vault ${name} (replica in ${replicaRegion})`,
      },
      this,
    );
    applyVaultPolicy(`${name}-replica`, replica, { ...shared, region: replicaRegion }, this);
    const role = new aws.iam.Role(
      `${name}-replication-role`,
      {
        assumeRolePolicy: JSON.stringify(assumeRolePolicy("s3.amazonaws.com")),
        tags: shared.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([primary.bucket.arn, primary.key.arn, replica.bucket.arn, replica.key.arn])
          .apply(([sourceBucketArn, sourceKeyArn, destinationBucketArn, destinationKeyArn]) =>
            JSON.stringify(
              replicationPolicy({ sourceBucketArn, sourceKeyArn, destinationBucketArn, destinationKeyArn }),
            ),
          ),
      },
      { parent: this },
    );
    const replication = new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: primary.bucket.id,
        role: role.arn,
        rules: [
          {
            id: "replicate-backups",
            status: "Enabled",
            filter: { prefix: "" },
            // A delete in the primary must never reach the copy.
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: { bucket: replica.bucket.arn, encryptionConfiguration: { replicaKmsKeyId: replica.key.arn } },
          },
        ],
      },
      vaultOptions(this, [primary.versioning, replica.versioning]).locks,
    );
    return { ...replica, replication };
  }
}
