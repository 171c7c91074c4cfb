/**
 * The health probe's own database role, created in SQL by the engine. Neon makes every role
 * created through its API or Console a member of neon_superuser (read and write all data, create
 * roles), so a neon.Role could never be a low-privilege monitor; a role created with SQL starts
 * with nothing. This one gets exactly what the probe needs: LOGIN, CONNECT on the database and
 * pg_monitor (to count every session in pg_stat_activity), read-only sessions, a statement
 * timeout and a connection limit. Run as the database owner (Neon's owner role, RDS's master).
 */
import { Client } from "pg";
import { connectDatabase } from "../backup/database";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";

export const MONITOR_GRANTS = ["pg_monitor"] as const;
export const DEFAULT_MONITOR_ROLE = "bloom_monitor";
export const DEFAULT_MONITOR_CONNECTION_LIMIT = 5;
/** Set on the role, so every session of it (through the pooler too) has it. */
export const MONITOR_ROLE_SETTINGS = { default_transaction_read_only: "on", statement_timeout: "5s" } as const;

export interface MonitorRoleRequest {
  /** The database owner's URL (CREATEROLE, owner of the database). */
  ownerUrl: string;
  role: string;
  password: string;
  connectionLimit: number;
}

export interface MonitorRoleResult {
  role: string;
  database: string;
  created: boolean;
  grants: string[];
  settings: Record<string, string>;
  connectionLimit: number;
  /** The role logged in, ran select 1 and saw every session's backend type. */
  verified: true;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Problems with the request itself (exit 2), before anything connects. */
export function monitorRoleRequestProblem(request: Omit<MonitorRoleRequest, "ownerUrl">): string | undefined {
  if (!ROLE_NAME.test(request.role))
    return `role name "${request.role}" must be a lowercase PostgreSQL identifier (a-z, 0-9, _; at most 63; not starting with a digit)`;
  if (request.role.startsWith("pg_")) return `role name "${request.role}" must not start with pg_ (reserved)`;
  if (request.password.length < 16 || [...request.password].some((c) => c.charCodeAt(0) <= 0x20))
    return "the monitor password must be at least 16 characters without spaces or control characters";
  if (!Number.isInteger(request.connectionLimit) || request.connectionLimit < 1 || request.connectionLimit > 100)
    return `the connection limit must be a whole number from 1 to 100 (got ${request.connectionLimit})`;
  return undefined;
}

interface ExistingRole {
  rolsuper: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  member_of: string[];
}

/** What an existing role has beyond a monitor's needs, or undefined. */
export function excessPrivileges(existing: ExistingRole): string | undefined {
  const extra = [
    existing.rolsuper && "SUPERUSER",
    existing.rolcreaterole && "CREATEROLE",
    existing.rolcreatedb && "CREATEDB",
    existing.rolreplication && "REPLICATION",
    existing.rolbypassrls && "BYPASSRLS",
    ...existing.member_of
      .filter((r) => !(MONITOR_GRANTS as readonly string[]).includes(r))
      .map((r) => `member of ${r}`),
  ].filter((x): x is string => Boolean(x));
  return extra.length > 0 ? extra.join(", ") : undefined;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function createOrUpdate(client: Client, request: MonitorRoleRequest, database: string): Promise<boolean> {
  const { rows: me } = await client.query<{ name: string; can: boolean }>(
    "SELECT current_user AS name, (rolsuper OR rolcreaterole) AS can FROM pg_catalog.pg_roles WHERE rolname = current_user",
  );
  if (!me[0]?.can)
    throw new Error(
      `role ${me[0]?.name ?? "?"} cannot create roles (no CREATEROLE): connect as the database owner (Neon: the project's owner role; RDS: the master user)`,
    );
  const { rows } = await client.query<ExistingRole>(
    `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
            ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   WHERE m.member = r.oid ORDER BY 1) AS member_of
       FROM pg_catalog.pg_roles r WHERE r.rolname = $1`,
    [request.role],
  );
  const existing = rows[0];
  if (existing) {
    const excess = excessPrivileges(existing);
    if (excess)
      throw new Error(
        `role ${request.role} already exists with more than a monitor needs (${excess}): roles made in the Neon Console or API join neon_superuser; drop it (DROP ROLE ${request.role}) or choose another --role`,
      );
  }
  const role = ident(request.role);
  const attributes = `LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT ${request.connectionLimit} PASSWORD ${client.escapeLiteral(request.password)}`;
  await client.query("BEGIN");
  try {
    try {
      // ALTER may not name SUPERUSER, REPLICATION or BYPASSRLS unless run by a superuser; the
      // existing role was checked to have none of them above
      await client.query(
        existing
          ? `ALTER ROLE ${role} WITH ${attributes}`
          : `CREATE ROLE ${role} NOSUPERUSER NOREPLICATION NOBYPASSRLS ${attributes}`,
      );
    } catch (err) {
      throw new Error(
        `cannot ${existing ? "update" : "create"} role ${request.role}: ${(err as Error).message.split("\n")[0]}`,
      );
    }
    for (const [name, value] of Object.entries(MONITOR_ROLE_SETTINGS))
      await client.query(`ALTER ROLE ${role} SET ${name} = ${client.escapeLiteral(value)}`);
    for (const grant of MONITOR_GRANTS) {
      try {
        await client.query(`GRANT ${grant} TO ${role}`);
      } catch (err) {
        throw new Error(
          `cannot grant ${grant} to ${request.role}: ${(err as Error).message.split("\n")[0]}: the --db role needs ${grant} WITH ADMIN OPTION (Neon's owner role and RDS's master user have it)`,
        );
      }
    }
    await client.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${role}`);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
  return !existing;
}

/** Logs in as the monitor and checks it sees other roles' sessions (pg_monitor took effect). */
async function verify(ownerUrl: string, request: MonitorRoleRequest): Promise<void> {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(request.role);
  url.password = encodeURIComponent(request.password);
  const client = await connectDatabase(url.toString(), `database as ${request.role}`);
  try {
    const { rows } = await client.query<{ sees: boolean }>(
      "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS sees",
    );
    if (!rows[0].sees)
      throw new Error(`role ${request.role} logs in but cannot read other sessions (no pg_read_all_stats)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the monitor role, or brings an existing bloom-dr monitor role to the requested password and limits. */
export async function ensureMonitorRole(request: MonitorRoleRequest): Promise<MonitorRoleResult> {
  const problem = monitorRoleRequestProblem(request);
  if (problem) throw new Error(problem);
  const owner = parseConnectionUrl(request.ownerUrl, "--db");
  const secrets = [owner.password, request.password];
  const client = await connectDatabase(request.ownerUrl, "database");
  let created: boolean;
  try {
    created = await createOrUpdate(client, request, owner.database);
  } catch (err) {
    throw new Error(redactSecrets((err as Error).message, secrets));
  } finally {
    await client.end().catch(() => undefined);
  }
  try {
    await verify(request.ownerUrl, request);
  } catch (err) {
    throw new Error(redactSecrets((err as Error).message, secrets));
  }
  return {
    role: request.role,
    database: owner.database,
    created,
    grants: [...MONITOR_GRANTS, `CONNECT ON DATABASE ${owner.database}`],
    settings: { ...MONITOR_ROLE_SETTINGS },
    connectionLimit: request.connectionLimit,
    verified: true,
  };
}
