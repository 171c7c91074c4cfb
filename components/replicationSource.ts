/**
 * The Neon primary's replication URL in the DR region: a Secrets Manager secret the dr stack
 * writes from the prod stack's secret output, encrypted with the failover database's key. The
 * replicate function subscribes with it, and the promotion reads it to drain the lag and drop the
 * slot. The dr stack keeps its own copy (rather than reading a prod secret) so that it is in this
 * region whatever prod replicates, and readable while the prod region is down.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReplicationSourceAccess } from "./iamPolicies";

export interface ReplicationSourceArgs {
  /** The replication role's direct URL (a secret input). */
  readonly url: pulumi.Input<string>;
  /** The failover database's key. */
  readonly keyArn: pulumi.Input<string>;
  /** A drill's secret is deleted at once on destroy (no recovery window left behind). */
  readonly drill: boolean;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ReplicationSource {
  readonly secret: aws.secretsmanager.Secret;
  /** The value: whatever reads the secret waits for it. */
  readonly version: aws.secretsmanager.SecretVersion;
  /** What a reader's policy names. */
  readonly access: pulumi.Output<ReplicationSourceAccess>;
}

/** Secrets Manager's maximum: a deleted secret can be restored for 30 days. */
export const REPLICATION_SOURCE_RECOVERY_DAYS = 30;

export function createReplicationSource(
  name: string,
  args: ReplicationSourceArgs,
  parent: pulumi.Resource,
): ReplicationSource {
  const secret = new aws.secretsmanager.Secret(
    `${name}-replication-source`,
    {
      description:
        "bloom-dr: the Neon primary's replication URL (direct host), read by the replicate and promotion functions",
      kmsKeyId: args.keyArn,
      recoveryWindowInDays: args.drill ? 0 : REPLICATION_SOURCE_RECOVERY_DAYS,
      tags: args.tags,
    },
    { parent },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-replication-source-value`,
    { secretId: secret.id, secretString: pulumi.secret(args.url) },
    { parent },
  );
  const access = pulumi.all([secret.arn, args.keyArn]).apply(([secretArn, keyArn]) => ({ secretArn, keyArn }));
  return { secret, version, access };
}
