/**
 * Pure helpers of the MonitorRole component: the engine command `pulumi up` runs to create the
 * role in SQL, and the monitor's connection URLs. The command line carries no secret: the owner's
 * URL and the generated password travel in the command's environment, which Pulumi keeps secret.
 */
import { connectionUri } from "./neonNames";

/** Environment names the engine's `bloom-dr monitor-role` reads (runtime/cli/commands/monitorRole.ts). */
export const MONITOR_ROLE_ENV = {
  ownerUrl: "BLOOM_DR_OWNER_URL",
  password: "BLOOM_DR_MONITOR_PASSWORD",
} as const;

/** The probe's role name (MonitorRole's default); the replication role must not take it. */
export const MONITOR_ROLE_NAME = "bloom_monitor";

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The command, run from the repository root (the Pulumi project directory) with the Node that
 * runs the program. Its values are checked here, since the command provider hands the line to a
 * shell: only a validated identifier and a whole number are interpolated.
 */
export function monitorRoleCommandLine(role: string, connectionLimit: number): string {
  if (!ROLE_NAME.test(role) || role.startsWith("pg_"))
    throw new Error(`monitor role name "${role}" must be a lowercase PostgreSQL identifier not starting with pg_`);
  if (!Number.isInteger(connectionLimit) || connectionLimit < 1 || connectionLimit > 100)
    throw new Error(`monitor connection limit must be a whole number from 1 to 100 (got ${connectionLimit})`);
  return `node bin/bloom-dr.js monitor-role --role ${role} --connection-limit ${connectionLimit} --json`;
}

export interface MonitorUrlParts {
  readonly role: string;
  readonly password: string;
  readonly database: string;
  readonly directHost: string;
  readonly pooledHost: string;
}

/** The secret the probe reads: {"direct": URL, "pooled": URL}, TLS required like every Neon URL. */
export function monitorUrlsSecret(parts: MonitorUrlParts): string {
  const url = (host: string) =>
    connectionUri({ user: parts.role, password: parts.password, host, database: parts.database });
  return JSON.stringify({ direct: url(parts.directHost), pooled: url(parts.pooledHost) });
}
