/** Parsing and redaction of PostgreSQL connection URLs; pure, no I/O. */

export interface ConnectionParts {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Query parameters such as sslmode, kept as given. */
  params: Record<string, string>;
}

/** Parses a postgres:// or postgresql:// URL; throws a one-line error without the password. */
export function parseConnectionUrl(url: string, what = "database URL"): ConnectionParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `${what} is not a valid URL (${redactUrl(url)}): expected postgresql://user@host:5432/dbname with the password in the URL or PGPASSWORD`,
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`${what} must start with postgresql:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.hostname)
    throw new Error(
      `${what} has no host: expected postgresql://user@host:5432/dbname with the password in the URL or PGPASSWORD`,
    );
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: parsed.port ? Number(parsed.port) : 5432,
    database: database || "postgres",
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    params: Object.fromEntries(parsed.searchParams.entries()),
  };
}

/** The URL with its password replaced by "***": safe for logs, errors and manifests. */
export function redactUrl(url: string): string {
  return url.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, "$1***@");
}

/** Removes every listed secret and any password embedded in a URL from a message. */
export function redactSecrets(message: string, secrets: readonly string[] = []): string {
  let out = redactUrl(message);
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join("***");
  }
  return out;
}

/** Neon's pooled endpoints (PgBouncer in transaction mode) cannot hold pg_dump's snapshot. */
export function isNeonPooledHost(host: string): boolean {
  return /-pooler(\.|$)/i.test(host);
}

/** The direct-endpoint URL a user should use instead of a pooled one. */
export function directHostFor(host: string): string {
  return host.replace(/-pooler(?=\.|$)/i, "");
}

/**
 * libpq environment for a URL: the password travels in PGPASSWORD rather than argv, where any
 * user of the machine could read it in the process list.
 */
export function libpqEnvironment(url: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const parts = parseConnectionUrl(url);
  const env: NodeJS.ProcessEnv = {
    ...base,
    PGHOST: parts.host,
    PGPORT: String(parts.port),
    PGDATABASE: parts.database,
  };
  if (parts.user) env.PGUSER = parts.user;
  // A URL without a password leaves PGPASSWORD (or ~/.pgpass) to supply it, as node-postgres
  // does for the engine's own sessions: the child tools must authenticate the same way.
  if (parts.password) env.PGPASSWORD = parts.password;
  if (parts.params.sslmode) env.PGSSLMODE = parts.params.sslmode;
  if (parts.params.sslrootcert) env.PGSSLROOTCERT = parts.params.sslrootcert;
  if (parts.params.options) env.PGOPTIONS = parts.params.options;
  env.PGCONNECT_TIMEOUT = parts.params.connect_timeout ?? base.PGCONNECT_TIMEOUT ?? "10";
  env.PGAPPNAME = "bloom-dr";
  return env;
}
