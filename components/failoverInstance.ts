/**
 * The failover database's storage: its KMS key, subnet group and the RDS PostgreSQL instance,
 * with a final-snapshot name unique to the instance. Split out of FailoverDatabase (which adds the
 * jobs and the app switch around it).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { finalSnapshotIdentifier } from "./names";

/**
 * On the instance: which mode it serves in. The policy pack (rds-deletion-protection-when-active)
 * reads it to tell an active instance from a standby one; a drill's instance also carries the
 * drill tag, which tells the pack that it never serves the app.
 */
export const FAILOVER_MODE_TAG = "bloom-dr:failover-mode";

export const FAILOVER_INSTANCE_DEFAULTS = {
  performanceInsightsRetentionDays: 7,
  /** Hex characters of the final snapshot's suffix (4 random bytes). */
  snapshotSuffixBytes: 4,
} as const;

export interface FailoverInstanceArgs {
  readonly mode: "standby" | "replica" | "active";
  /** Active outside a drill: the app uses the instance, so it gets deletion protection and `protect`. */
  readonly serving: boolean;
  /**
   * `protect` without deletion protection: a replica (outside a drill), since deleting it (off,
   * `pulumi destroy`) would leave its replication slot on Neon holding WAL. Implied by serving.
   */
  readonly protect: boolean;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly backupRetentionDays: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface FailoverInstance {
  readonly key: aws.kms.Key;
  readonly instance: aws.rds.Instance;
  /** The RDS-managed master secret (the jobs connect as master; the app never does). */
  readonly masterSecretArn: pulumi.Output<string>;
}

export function createFailoverInstance(
  name: string,
  args: FailoverInstanceArgs,
  parent: pulumi.Resource,
): FailoverInstance {
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `bloom-dr failover database ${name}: storage, master secret, app password, Performance Insights`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: args.tags,
    },
    // The final snapshot taken when the instance is deleted (standby -> off) is encrypted with
    // this key: dropping the instance must leave the key in place, or the snapshot is unreadable.
    { parent, retainOnDelete: true },
  );
  const subnetGroup = new aws.rds.SubnetGroup(
    `${name}-subnets`,
    { description: "bloom-dr failover database: private subnets", subnetIds: args.subnetIds, tags: args.tags },
    { parent },
  );
  // Snapshot identifiers are unique per account and region. The suffix lives as long as the
  // instance: it is created and deleted with it, and renewed with whatever replaces it (the
  // keepers are the inputs whose change replaces an RDS instance).
  const snapshotSuffix = new random.RandomId(
    `${name}-snapshot-suffix`,
    {
      byteLength: FAILOVER_INSTANCE_DEFAULTS.snapshotSuffixBytes,
      keepers: { database: args.databaseName, username: args.masterUsername, kmsKeyId: key.arn },
    },
    { parent },
  );
  const instance = new aws.rds.Instance(
    `${name}-db`,
    {
      engine: "postgres",
      engineVersion: args.engineVersion,
      instanceClass: args.instanceClass,
      allocatedStorage: args.allocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbName: args.databaseName,
      username: args.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [args.securityGroupId],
      publiclyAccessible: false,
      backupRetentionPeriod: args.backupRetentionDays,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: snapshotSuffix.hex.apply((suffix) =>
        finalSnapshotIdentifier(pulumi.getProject(), pulumi.getStack(), name, suffix),
      ),
      copyTagsToSnapshot: true,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key.arn,
      performanceInsightsRetentionPeriod: FAILOVER_INSTANCE_DEFAULTS.performanceInsightsRetentionDays,
      autoMinorVersionUpgrade: true,
      deletionProtection: args.serving,
      // Failover must not wait for the next maintenance window.
      applyImmediately: true,
      tags: pulumi
        .output(args.tags)
        .apply((base): Record<string, string> => ({ ...base, [FAILOVER_MODE_TAG]: args.mode })),
    },
    // A drill's instance is neither: `pulumi destroy` of a drill stack must remove it.
    { parent, protect: args.serving || args.protect },
  );
  const masterSecretArn = instance.masterUserSecrets.apply((secrets) => {
    const arn = secrets?.[0]?.secretArn;
    if (!arn)
      throw new Error(
        `FailoverDatabase ${name}: RDS reported no managed master secret; manageMasterUserPassword must stay true`,
      );
    return arn;
  });
  return { key, instance, masterSecretArn };
}
