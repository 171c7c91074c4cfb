/**
 * The DATABASE_URL the app gets when failover is active, built from the RDS-managed master secret.
 * Pure, so the escaping is table-tested: RDS generates passwords with characters such as "/", "@",
 * ":" and "%" that break a URL unless percent-encoded.
 */

export interface FailoverUrlArgs {
  /** The RDS master secret's SecretString: {"username": ..., "password": ...}. */
  readonly masterSecretJson: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** RDS always offers TLS; "require" works for apps that do not ship the RDS CA bundle. */
export const FAILOVER_SSLMODE = "require";

export function failoverDatabaseUrl(args: FailoverUrlArgs): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args.masterSecretJson);
  } catch {
    throw new Error(
      `the RDS master secret of ${args.host} is not JSON: check that the instance uses manageMasterUserPassword`,
    );
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || typeof password !== "string" || username === "" || password === "") {
    throw new Error(
      `the RDS master secret of ${args.host} lacks username or password: check that the instance uses manageMasterUserPassword`,
    );
  }
  const credentials = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
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
