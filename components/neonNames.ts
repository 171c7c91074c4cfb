/**
 * Pure helpers for the Neon components: connection strings, pooled hosts and timestamp math.
 */

/** The name Neon gives a project's default branch; the project creates it, so it is reserved. */
export const NEON_DEFAULT_BRANCH = "main";

/** Neon's pooler is the same endpoint host with "-pooler" after the endpoint id. */
export function pooledHost(host: string): string {
  const dot = host.indexOf(".");
  if (dot <= 0) throw new Error(`neon endpoint host "${host}" has no domain; expected ep-<id>.<region>.aws.neon.tech`);
  const endpointId = host.slice(0, dot);
  if (endpointId.endsWith("-pooler")) return host;
  return `${endpointId}-pooler${host.slice(dot)}`;
}

export interface ConnectionParts {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly database: string;
}

/** A libpq URI; TLS is required because Neon only accepts TLS and a downgrade must fail loudly. */
export function connectionUri(parts: ConnectionParts): string {
  const user = encodeURIComponent(parts.user);
  const password = encodeURIComponent(parts.password);
  const database = encodeURIComponent(parts.database);
  return `postgresql://${user}:${password}@${parts.host}/${database}?sslmode=require`;
}

/** Neon's history_retention_seconds from the config's hours. */
export function historyRetentionSeconds(hours: number): number {
  if (!Number.isInteger(hours) || hours < 1)
    throw new Error(`history retention must be a whole number of hours ≥ 1 (got ${hours})`);
  return hours * 3600;
}

/** Neon's parent_timestamp: whole epoch seconds of an ISO-8601 UTC timestamp. */
export function epochSeconds(iso: string): number {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis))
    throw new Error(`PITR timestamp "${iso}" is not a date; use ISO-8601 UTC like 2026-03-01T14:05:00Z`);
  return Math.floor(millis / 1000);
}

/** What Neon's getBranchRolePassword answers. */
export interface BranchRolePassword {
  readonly password: string;
  readonly roleName: string;
  readonly branchId: string;
}

/**
 * The password, or a one-line error naming role and branch: the provider answers a failed API
 * call with an empty password rather than an error, and a URI with an empty password would only
 * fail later, at the first connection during an incident.
 */
export function requireBranchPassword(answer: BranchRolePassword, component: string): string {
  if (!answer.password) {
    throw new Error(
      `${component}: Neon returned no password for role ${answer.roleName} on branch ${answer.branchId}; check neon:apiKey and that the project stores passwords`,
    );
  }
  return answer.password;
}

/** Neon's flag fields take "yes" / "no" strings. */
export function yesNo(flag: boolean): "yes" | "no" {
  return flag ? "yes" : "no";
}
