import { parseConnectionUrl } from "../postgres/connectionUrl";
import { conninfoValue } from "../restore/pgRestore";

/**
 * The connection string the target's subscription uses to reach the source, from the source URL.
 * The subscriber server (RDS) connects with its own libpq, so only libpq keywords that make sense
 * there are carried over: TLS mode and SNI (Neon routes on the server name), options (Neon's
 * endpoint=… for old clients), channel binding; a certificate path on this machine would mean
 * nothing to it. A connect timeout bounds DROP SUBSCRIPTION against a source that is gone.
 */
const CARRIED_PARAMETERS = ["sslmode", "sslsni", "options", "channel_binding", "target_session_attrs"] as const;

export const SUBSCRIPTION_CONNECT_TIMEOUT_SECONDS = 10;

export function subscriptionConninfo(sourceUrl: string): string {
  const parts = parseConnectionUrl(sourceUrl, "source database URL");
  const pairs: [string, string][] = [
    ["host", parts.host],
    ["port", String(parts.port)],
    ["dbname", parts.database],
  ];
  if (parts.user) pairs.push(["user", parts.user]);
  if (parts.password) pairs.push(["password", parts.password]);
  for (const key of CARRIED_PARAMETERS) {
    const value = parts.params[key];
    if (value) pairs.push([key, value]);
  }
  pairs.push(["connect_timeout", parts.params.connect_timeout ?? String(SUBSCRIPTION_CONNECT_TIMEOUT_SECONDS)]);
  return pairs.map(([k, v]) => `${k}=${conninfoValue(v)}`).join(" ");
}

/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
