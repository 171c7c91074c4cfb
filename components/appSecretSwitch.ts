/**
 * The failover switch: a new version of the app's DATABASE_URL secret, naming the app role the
 * promotion step created and the password the stack keeps for it, written at the secret's own
 * regional endpoint (the prod region's secret, or its promoted replica in the DR region during a
 * prod-region outage). It is built from the promotion's answer, so it cannot be written before
 * the promotion succeeded: a failed promotion fails the update with the secret unchanged.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { appDatabaseUrl, regionOfArn } from "./failoverUrl";
import type { Promotion } from "./promotion";

export interface AppSecretSwitchArgs {
  readonly appDatabaseUrlSecretArn: pulumi.Input<string>;
  readonly instance: aws.rds.Instance;
  readonly databaseName: string;
  /** The app role's password (a secret output of the stack's RandomPassword). */
  readonly appPassword: pulumi.Input<string>;
  readonly promotion: Promotion;
}

export function switchAppSecret(name: string, args: AppSecretSwitchArgs, parent: pulumi.Resource) {
  return new aws.secretsmanager.SecretVersion(
    `${name}-app-database-url`,
    {
      secretId: args.appDatabaseUrlSecretArn,
      region: pulumi.output(args.appDatabaseUrlSecretArn).apply(regionOfArn),
      secretString: pulumi.secret(
        pulumi
          .all([args.promotion.summary, args.appPassword, args.instance.address, args.instance.port])
          .apply(([promotion, password, host, port]) =>
            appDatabaseUrl({ role: promotion.appRole, password, host, port, database: args.databaseName }),
          ),
      ),
    },
    {
      parent,
      // Leaving "active" must not pull the URL the app is using right now; failing back
      // is its own deliberate step (docs/aws-components.md).
      retainOnDelete: true,
      dependsOn: [args.instance, args.promotion.invocation],
    },
  );
}
