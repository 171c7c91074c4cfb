import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arnInRegion } from "./failoverUrl";

/** Tag on the app's DATABASE_URL secret; the policy pack finds it by this. */
export const APP_SECRET_TAG = "bloom-dr:app-secret";

export interface AppDatabaseSecretArgs {
  /** The app's DATABASE_URL while the primary is healthy (the Neon pooled URI). A secret input. */
  readonly initialDatabaseUrl: pulumi.Input<string>;
  /** Customer KMS key for the secret; default the account's aws/secretsmanager key. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * The DR region: Secrets Manager keeps a read-only replica there, so the app can read its
   * DATABASE_URL while the prod region is down (encrypted with that region's aws/secretsmanager
   * key). Plain string: decides whether the replica exists.
   */
  readonly replicaRegion?: string;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The secret the application reads its DATABASE_URL from. The prod stack writes the Neon pooled
 * URI; the dr stack's FailoverDatabase writes the RDS URL into the same secret when failover is
 * active (or into the promoted replica during a prod-region outage). That is why the prod
 * version ignores changes to its version stages: after a failover the DR version is AWSCURRENT,
 * and a `pulumi refresh` of prod must not move it back. The secret is `protect`ed and retained on
 * delete: a destroy that deleted it would take the app down (and recovery windows do not help an
 * app that cannot start).
 */
export class AppDatabaseSecret extends pulumi.ComponentResource {
  declare public readonly secretArn: pulumi.Output<string>;
  /** The replica's ARN in `replicaRegion`; undefined without one. */
  declare public readonly replicaSecretArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: AppDatabaseSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:app:AppDatabaseSecret", name, {}, opts);
    const replicaRegion = args.replicaRegion;
    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        description: "bloom-dr: the application's DATABASE_URL (Neon primary, or the RDS failover when active)",
        kmsKeyId: args.kmsKeyArn,
        // The maximum: a deleted app secret takes the app down, so keep it restorable for 30 days.
        recoveryWindowInDays: 30,
        ...(replicaRegion !== undefined ? { replicas: [{ region: replicaRegion }] } : {}),
        tags: pulumi
          .output(args.tags ?? {})
          .apply((base): Record<string, string> => ({ ...base, [APP_SECRET_TAG]: "database-url" })),
      },
      { parent: this, protect: true, retainOnDelete: true },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-primary-url`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(args.initialDatabaseUrl),
      },
      { parent: this, ignoreChanges: ["versionStages"] },
    );

    this.secretArn = secret.arn;
    this.replicaSecretArn =
      replicaRegion === undefined
        ? pulumi.output(undefined)
        : secret.arn.apply((arn) => arnInRegion(arn, replicaRegion));
    this.registerOutputs({ secretArn: this.secretArn, replicaSecretArn: this.replicaSecretArn });
  }
}
