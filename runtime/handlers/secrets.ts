/**
 * Database credentials for the handlers come from Secrets Manager by ARN (never from plain
 * environment variables, which anyone with lambda:GetFunctionConfiguration can read).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { parseConnectionUrl } from "../lib/postgres/connectionUrl";

/** Returns a secret's SecretString; injected into the handler cores so tests can replace it. */
export type SecretReader = (secretArn: string) => Promise<string>;

/**
 * Reads secrets with the AWS SDK v3 (region, credentials and endpoint from the standard settings:
 * AWS_REGION, the Lambda role, AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL).
 */
export function secretsManagerReader(client: SecretsManagerClient = new SecretsManagerClient({})): SecretReader {
  return async (secretArn) => {
    let out;
    try {
      out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    } catch (err) {
      const e = err as { name?: string; message?: string };
      throw new Error(
        `cannot read secret ${secretArn}: ${e.name ?? "Error"}: ${firstLine(e.message)}: check the ARN and that the role may call secretsmanager:GetSecretValue (and kms:Decrypt on its key)`,
      );
    }
    if (typeof out.SecretString !== "string" || out.SecretString === "") {
      throw new Error(`secret ${secretArn} has no SecretString (binary or empty): store the value as text`);
    }
    return out.SecretString;
  };
}

/**
 * The source database URL from its secret: either the URL itself or a JSON object with a `url`
 * (or `DATABASE_URL`) field. Validates it as a PostgreSQL URL; errors never include the value.
 */
export function sourceUrlFromSecret(secretString: string, secretArn: string): string {
  const text = secretString.trim();
  let url = text;
  if (text.startsWith("{")) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `secret ${secretArn} starts with "{" but is not valid JSON: store the URL itself or {"url": "postgresql://..."}`,
      );
    }
    const candidate = parsed.url ?? parsed.DATABASE_URL;
    if (typeof candidate !== "string")
      throw new Error(
        `secret ${secretArn} is JSON without a "url" field: store the URL itself or {"url": "postgresql://..."}`,
      );
    url = candidate;
  }
  try {
    parseConnectionUrl(url, `the URL in secret ${secretArn}`);
  } catch (err) {
    // parseConnectionUrl already redacts, but a malformed value may not look like a URL at all
    throw new Error(
      `secret ${secretArn} does not hold a PostgreSQL URL: store postgresql://user:password@host:5432/dbname (${(err as Error).message.includes("must start") ? "wrong scheme" : "unparseable"})`,
    );
  }
  return url;
}

export interface DatabaseEndpoint {
  host: string;
  port: number;
  database: string;
  /** libpq sslmode; RDS accepts TLS and the standby should never be reached in clear text. */
  sslmode: string;
  /** CA bundle for verify-ca / verify-full (the RDS global bundle in the image). */
  sslrootcert?: string;
}

/**
 * A connection URL from an RDS-managed master user secret (JSON {"username", "password"}) and the
 * instance endpoint, which RDS keeps outside the secret.
 */
export function urlFromRdsMasterSecret(secretString: string, secretArn: string, endpoint: DatabaseEndpoint): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error(
      `secret ${secretArn} is not the JSON of an RDS master user secret ({"username", "password"}): pass the instance's MasterUserSecret ARN`,
    );
  }
  const { username, password } = parsed;
  if (typeof username !== "string" || !username || typeof password !== "string" || !password) {
    throw new Error(`secret ${secretArn} lacks "username" or "password": pass the instance's MasterUserSecret ARN`);
  }
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const params = new URLSearchParams();
  if (endpoint.sslmode) params.set("sslmode", endpoint.sslmode);
  if (endpoint.sslmode && endpoint.sslrootcert) params.set("sslrootcert", endpoint.sslrootcert);
  const query = params.size > 0 ? `?${params.toString()}` : "";
  return `postgresql://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${endpoint.port}/${encodeURIComponent(endpoint.database)}${query}`;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0].trim() || "no message";
}
