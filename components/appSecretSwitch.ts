/**
 * The failover switch: a new version of the app's DATABASE_URL secret, built from the RDS-managed
 * master secret, written at the secret's own regional endpoint (the prod region's secret, or its
 * promoted replica in the DR region during a prod-region outage).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { failoverDatabaseUrl, regionOfArn } from "./failoverUrl";

export interface AppSecretSwitchArgs {
  readonly appDatabaseUrlSecretArn: pulumi.Input<string>;
  readonly masterSecretArn: pulumi.Input<string>;
  readonly instance: aws.rds.Instance;
  readonly databaseName: string;
}

export function switchAppSecret(name: string, args: AppSecretSwitchArgs, parent: pulumi.Resource) {
  const masterSecret = aws.secretsmanager.getSecretVersionOutput({ secretId: args.masterSecretArn }, { parent });
  return new aws.secretsmanager.SecretVersion(
    `${name}-app-database-url`,
    {
      secretId: args.appDatabaseUrlSecretArn,
      region: pulumi.output(args.appDatabaseUrlSecretArn).apply(regionOfArn),
      secretString: pulumi.secret(
        pulumi
          .all([masterSecret.secretString, args.instance.address, args.instance.port])
          .apply(([masterSecretJson, host, port]) =>
            failoverDatabaseUrl({ masterSecretJson, host, port, database: args.databaseName }),
          ),
      ),
    },
    {
      parent,
      // Leaving "active" must not pull the URL the app is using right now; failing back
      // is its own deliberate step (docs/aws-components.md).
      retainOnDelete: true,
      dependsOn: [args.instance],
    },
  );
}
