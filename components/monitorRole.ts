import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MONITOR_ROLE_ENV, MONITOR_ROLE_NAME, monitorRoleCommandLine, monitorUrlsSecret } from "./monitorRoleCommand";

export interface MonitorRoleArgs {
  /** The database owner's direct URL (secret): the engine creates the role as this user. */
  readonly ownerUrl: pulumi.Input<string>;
  readonly directHost: pulumi.Input<string>;
  readonly pooledHost: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
  /** Default "bloom_monitor". */
  readonly roleName?: string;
  /** Most sessions the role may hold at once. Default 5 (the probe holds two, for a few seconds a minute). */
  readonly connectionLimit?: number;
}

export const MONITOR_ROLE_DEFAULTS = { roleName: MONITOR_ROLE_NAME, connectionLimit: 5, passwordLength: 32 } as const;

/**
 * The health probe's low-privilege database role. Neon makes every role created through its API
 * a member of neon_superuser, so this is no neon.Role: Pulumi generates the password and runs the
 * engine's `bloom-dr monitor-role` (a local command at `pulumi up`, again whenever the password
 * or the owner's URL changes), which creates the role in SQL with LOGIN, CONNECT and pg_monitor
 * only, then logs in as it. `secretString` waits for that command, so nothing uses the URLs
 * before the role exists. Removing the component leaves the SQL role in place (DROP ROLE by hand).
 */
export class MonitorRole extends pulumi.ComponentResource {
  declare public readonly roleName: pulumi.Output<string>;
  /** Secret: {"direct": URL, "pooled": URL} as the probe reads it. */
  declare public readonly urlsSecretString: pulumi.Output<string>;

  constructor(name: string, args: MonitorRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:monitoring:MonitorRole", name, {}, opts);
    const role = args.roleName ?? MONITOR_ROLE_DEFAULTS.roleName;
    const createLine = monitorRoleCommandLine(role, args.connectionLimit ?? MONITOR_ROLE_DEFAULTS.connectionLimit);

    const password = new random.RandomPassword(
      `${name}-password`,
      // letters and digits only: safe in a URL without escaping, 190 bits of entropy
      { length: MONITOR_ROLE_DEFAULTS.passwordLength, special: false },
      { parent: this },
    );

    const sql = new command.local.Command(
      `${name}-sql`,
      {
        create: createLine,
        environment: {
          [MONITOR_ROLE_ENV.ownerUrl]: pulumi.secret(args.ownerUrl),
          [MONITOR_ROLE_ENV.password]: password.result,
        },
        // the engine never prints a password; its JSON result goes to the update's log
        logging: "stdoutAndStderr",
      },
      { parent: this },
    );

    this.roleName = pulumi.output(role);
    this.urlsSecretString = pulumi.secret(
      pulumi
        .all([sql.stdout, password.result, args.directHost, args.pooledHost, args.databaseName])
        .apply(([, pw, directHost, pooledHost, database]) =>
          monitorUrlsSecret({ role, password: pw, database, directHost, pooledHost }),
        ),
    );
    this.registerOutputs({ roleName: this.roleName, urlsSecretString: this.urlsSecretString });
  }
}
