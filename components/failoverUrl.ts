/**
 * The DATABASE_URL the app gets when failover is active: the app's own role and the password the
 * stack generated for it, never the RDS master (RDS rotates the master password every 7 days and
 * a copy in the app secret would go stale; the app must not run as a superuser either). Pure, so
 * the escaping is table-tested.
 */

export interface AppDatabaseUrlArgs {
  /** The app role the promotion step created (LOGIN, not superuser). */
  readonly role: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** RDS always offers TLS; "require" works for apps that do not ship the RDS CA bundle. */
export const FAILOVER_SSLMODE = "require";

export function appDatabaseUrl(args: AppDatabaseUrlArgs): string {
  if (args.role === "" || args.password === "") {
    throw new Error(`the app's URL for ${args.host} needs the app role and its password (got an empty one)`);
  }
  const credentials = `${encodeURIComponent(args.role)}:${encodeURIComponent(args.password)}`;
  return `postgresql://${credentials}@${args.host}:${args.port}/${encodeURIComponent(args.database)}?sslmode=${FAILOVER_SSLMODE}`;
}

/**
 * The region an ARN lives in ("arn:aws:secretsmanager:us-east-2:…" → "us-east-2"). The app's
 * secret lives in the prod region while the dr stack runs in another one, and Secrets Manager
 * only answers for a secret at its own regional endpoint.
 */
export function regionOfArn(arn: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(parts[3])) {
    throw new Error(
      `"${arn}" is not a regional ARN (arn:aws:<service>:<region>:<account>:…): check the prod stack's appDatabaseUrlSecretArn output`,
    );
  }
  return parts[3];
}

/**
 * The same resource's ARN in another region. A Secrets Manager replica keeps its primary's name
 * and random suffix, so its ARN differs only in the region.
 */
export function arnInRegion(arn: string, region: string): string {
  regionOfArn(arn);
  const parts = arn.split(":");
  parts[3] = region;
  return parts.join(":");
}
