import type { ClientBase } from "pg";

/**
 * How many connections the restore target can still accept, as one session of the role that
 * restores sees it. pg_restore -j N holds N connections at once (its leader disconnects before
 * the workers connect), so N must fit in what is left.
 */
export interface TargetConnections {
  maxConnections: number;
  /** superuser_reserved_connections plus reserved_connections (PostgreSQL 16+): slots an ordinary role cannot use. */
  reservedConnections: number;
  /** Client sessions open on the server now, the restore's own included. */
  inUse: number;
  /** CONNECTION LIMIT of the target database (-1: none) and its sessions now. */
  database: { limit: number; inUse: number };
  /** CONNECTION LIMIT of the restoring role (-1: none) and its sessions now. */
  role: { limit: number; inUse: number };
}

/**
 * Connections kept free under a limit for everyone else (monitoring, an operator's psql, the
 * app's health check): 10 % of the limit, at least 2.
 */
export function connectionMargin(limit: number): number {
  return Math.max(2, Math.ceil(limit * 0.1));
}

/**
 * Connections the restore may open: under each limit that applies (the server's slots for an
 * ordinary role, the database's and the role's CONNECTION LIMIT), what is not in use minus that
 * limit's margin; the tightest wins.
 */
export function connectionsAvailable(target: TargetConnections): number {
  const room = (limit: number, inUse: number) => limit - inUse - connectionMargin(limit);
  const rooms = [room(target.maxConnections - target.reservedConnections, target.inUse)];
  if (target.database.limit >= 0) rooms.push(room(target.database.limit, target.database.inUse));
  if (target.role.limit >= 0) rooms.push(room(target.role.limit, target.role.inUse));
  return Math.min(...rooms);
}

/**
 * pg_restore's jobs: as many as asked (by default the machine's cores), never more than the
 * target can accept, at least 1. A 64-core runner against a small RDS instance or a test cluster
 * with max_connections = 10 would otherwise fail with "too many clients already".
 */
export function restoreJobs(requested: number, target: TargetConnections): number {
  if (!Number.isInteger(requested) || requested < 1)
    throw new Error(`jobs must be a positive integer (got ${requested})`);
  return Math.max(1, Math.min(requested, connectionsAvailable(target)));
}

/**
 * Reads the limits and the sessions open now. A role that is not a superuser (or member of
 * pg_read_all_stats) sees other roles' sessions without their backend_type, so a session counts
 * as a client when it has a database and a user: background processes have neither, and the few
 * that have both (parallel workers, logical walsenders) only make the count err on the safe side.
 */
export async function targetConnections(client: ClientBase): Promise<TargetConnections> {
  const { rows } = await client.query<{
    max_connections: number;
    reserved: number;
    in_use: number;
    database_limit: number;
    database_in_use: number;
    role_limit: number;
    role_in_use: number;
  }>(`
    WITH sessions AS (
      SELECT datid, usesysid FROM pg_catalog.pg_stat_activity
       WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL)
    )
    SELECT current_setting('max_connections')::int AS max_connections,
           current_setting('superuser_reserved_connections')::int
             + coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
           (SELECT count(*) FROM sessions)::int AS in_use,
           d.datconnlimit AS database_limit,
           (SELECT count(*) FROM sessions s WHERE s.datid = d.oid)::int AS database_in_use,
           r.rolconnlimit AS role_limit,
           (SELECT count(*) FROM sessions s WHERE s.usesysid = r.oid)::int AS role_in_use
      FROM pg_catalog.pg_database d, pg_catalog.pg_roles r
     WHERE d.datname = current_database() AND r.rolname = current_user`);
  const row = rows[0];
  return {
    maxConnections: row.max_connections,
    reservedConnections: row.reserved,
    inUse: row.in_use,
    database: { limit: row.database_limit, inUse: row.database_in_use },
    role: { limit: row.role_limit, inUse: row.role_in_use },
  };
}
