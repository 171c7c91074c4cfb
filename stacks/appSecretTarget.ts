/**
 * Which copy of the app's DATABASE_URL secret the dr stack writes on failover. Pure.
 *
 * - "primary" (default): the secret in the prod region; Secrets Manager replicates the new
 *   version to the replica in the DR region by itself.
 * - "replica": the copy in the DR region, for an outage of the prod region, where the primary
 *   cannot be written. A replica is read-only until it is promoted
 *   (`aws secretsmanager stop-replication-to-replica`), so promote it first (README, "Disaster
 *   Recovery failover").
 */
export type AppSecretCopy = "primary" | "replica";

export interface AppSecretOutputs {
  readonly appDatabaseUrlSecretArn?: string;
  readonly appDatabaseUrlSecretReplicaArn?: string;
}

export function appSecretTarget(outputs: AppSecretOutputs, copy: AppSecretCopy, primaryStack: string): string {
  if (copy === "replica") {
    if (outputs.appDatabaseUrlSecretReplicaArn) return outputs.appDatabaseUrlSecretReplicaArn;
    throw new Error(
      `bloom-dr:failover.appSecret is replica but stack ${primaryStack} exports no appDatabaseUrlSecretReplicaArn: set backup.replicaRegion (this region) on the prod stack and run \`pulumi up -s ${primaryStack}\` while its region is up, or use appSecret: primary`,
    );
  }
  if (outputs.appDatabaseUrlSecretArn) return outputs.appDatabaseUrlSecretArn;
  throw new Error(
    `stack ${primaryStack} exports no appDatabaseUrlSecretArn: run \`pulumi up -s ${primaryStack}\` first or fix bloom-dr:primaryStack`,
  );
}
