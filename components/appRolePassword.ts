/**
 * The password of the role the app connects as after failover: generated and kept by the stack,
 * stored in its own Secrets Manager secret (encrypted with the failover database's key) that the
 * promotion function reads to create or update the role. The app's URL is built from it, never
 * from the RDS master secret.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export const APP_PASSWORD_DEFAULTS = {
  /** Letters and digits only: safe in a URL, a libpq keyword string and a shell. 32 of them: ~190 bits. */
  length: 32,
  /** Secrets Manager's maximum: a deleted password secret can be restored for 30 days. */
  recoveryWindowInDays: 30,
} as const;

export interface AppRolePasswordArgs {
  /** The failover database's key (it also encrypts the master secret). */
  readonly keyArn: pulumi.Input<string>;
  /**
   * Active outside a drill: the password is the serving database's credential, so neither it nor
   * its secret may be deleted or replaced (`protect`); leaving active lifts that again.
   */
  readonly serving: boolean;
  /** A drill's secret is deleted at once on destroy (no recovery window left behind). */
  readonly drill: boolean;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface AppRolePassword {
  readonly password: random.RandomPassword;
  readonly secret: aws.secretsmanager.Secret;
  readonly version: aws.secretsmanager.SecretVersion;
}

export function createAppRolePassword(
  name: string,
  args: AppRolePasswordArgs,
  parent: pulumi.Resource,
): AppRolePassword {
  const opts = { parent, protect: args.serving };
  const password = new random.RandomPassword(
    `${name}-app-password`,
    {
      length: APP_PASSWORD_DEFAULTS.length,
      special: false,
      upper: true,
      lower: true,
      numeric: true,
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    },
    opts,
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-app-password-secret`,
    {
      description: "bloom-dr: password of the app's role in the failover database (read by the promotion step)",
      kmsKeyId: args.keyArn,
      recoveryWindowInDays: args.drill ? 0 : APP_PASSWORD_DEFAULTS.recoveryWindowInDays,
      tags: args.tags,
    },
    opts,
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-app-password-value`,
    { secretId: secret.id, secretString: password.result },
    opts,
  );
  return { password, secret, version };
}
