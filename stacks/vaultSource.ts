/**
 * Which copy of the backup vault the dr stack restores from. Pure. When prod replicates its vault
 * (backup.replicaRegion, meant to be the dr stack's region) the replica is used, so a restore
 * still works when prod's region is down; otherwise the primary vault.
 */
export interface VaultOutputs {
  readonly vaultBucketName?: string;
  readonly vaultBucketArn?: string;
  readonly vaultKeyArn?: string;
  readonly vaultReplicaBucketName?: string;
  readonly vaultReplicaBucketArn?: string;
  readonly vaultReplicaKeyArn?: string;
}

export interface VaultSource {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly keyArn: string;
  readonly replica: boolean;
}

export function vaultSource(outputs: VaultOutputs, primaryStack: string): VaultSource {
  if (outputs.vaultReplicaBucketName && outputs.vaultReplicaBucketArn && outputs.vaultReplicaKeyArn) {
    return {
      bucketName: outputs.vaultReplicaBucketName,
      bucketArn: outputs.vaultReplicaBucketArn,
      keyArn: outputs.vaultReplicaKeyArn,
      replica: true,
    };
  }
  if (outputs.vaultBucketName && outputs.vaultBucketArn && outputs.vaultKeyArn) {
    return {
      bucketName: outputs.vaultBucketName,
      bucketArn: outputs.vaultBucketArn,
      keyArn: outputs.vaultKeyArn,
      replica: false,
    };
  }
  throw new Error(
    `stack ${primaryStack} exports no vaultBucketName/vaultBucketArn/vaultKeyArn; run \`pulumi up -s ${primaryStack}\` first or fix bloom-dr:primaryStack`,
  );
}
