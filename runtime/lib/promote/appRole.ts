import type { Client } from "pg";
import { MARKER_SCHEMA } from "./markerSchema";
import { scramSha256Verifier } from "./scram";

/**
 * The role the app connects as after failover, and the ownership of what it uses. On Neon the
 * app's role owns its tables, so its migrations (prisma migrate deploy) alter them; after a
 * failover the same must hold on RDS, where the restore ran as the master user. The master keeps
 * access through membership in the app role; the app never gets the master's powers.
 *
 * What the promoting role (the RDS master, a member of rds_superuser but no superuser) needs:
 * CREATEROLE (to create the app role or set its password), ownership of the database (to grant
 * the app role CONNECT, CREATE and TEMPORARY on it), ownership of the restored objects (it
 * restored them), and membership in the app role, which it grants itself here (a CREATEROLE role
 * may; on PostgreSQL 16+ it holds ADMIN on roles it created).
 */

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Why the app role cannot be used as it stands, or undefined: it is the role promote connects as,
 * it exists with SUPERUSER, REPLICATION or BYPASSRLS (which only a superuser can take away), or it
 * is a member of a role that can create roles or databases. Read-only, so promote asks before it
 * touches the target.
 */
export async function appRoleProblem(client: Client, name: string): Promise<string | undefined> {
  const { rows: me } = await client.query<{ me: string }>("SELECT current_user AS me");
  if (me[0].me === name)
    return `app role ${name} is the role promote connects as: the app must not connect as the master; choose another app role`;
  const { rows } = await client.query<{ super: boolean; replication: boolean; bypassrls: boolean }>(
    "SELECT rolsuper AS super, rolreplication AS replication, rolbypassrls AS bypassrls FROM pg_catalog.pg_roles WHERE rolname = $1",
    [name],
  );
  const powers = rows.length === 0 ? [] : Object.entries(rows[0]).filter(([, on]) => on);
  if (powers.length > 0)
    return `app role ${name} exists with ${powers.map(([p]) => p.toUpperCase()).join(", ")}: the app must not hold them; remove them (as a superuser) or choose another app role`;
  if (rows.length > 0) {
    // PostgreSQL 16+: a CREATEROLE role may change only roles it holds ADMIN OPTION on (it gets it
    // on roles it creates); a role someone else made is refused here rather than after the restore
    const { rows: admin } = await client.query<{ ok: boolean }>(
      `SELECT current_setting('server_version_num')::int < 160000
              OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
              OR pg_catalog.pg_has_role(current_user, $1, 'MEMBER WITH ADMIN OPTION') AS ok`,
      [name],
    );
    if (!admin[0].ok)
      return `app role ${name} exists and ${me[0].me} holds no ADMIN OPTION on it, so it cannot set its password (PostgreSQL 16+): have its creator run GRANT ${name} TO ${me[0].me} WITH ADMIN OPTION, or choose another app role`;
  }
  const { rows: inherited } = await client.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_catalog.pg_roles r
      WHERE r.rolname <> $1 AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles a WHERE a.rolname = $1)
        AND pg_catalog.pg_has_role($1, r.oid, 'MEMBER')
        AND (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)
      ORDER BY 1`,
    [name],
  );
  if (inherited.length > 0)
    return `app role ${name} is a member of ${inherited.map((r) => r.rolname).join(", ")}, which can create roles or databases or more: revoke that membership or choose another app role`;
  return undefined;
}

/**
 * Creates the app role or brings an existing one to LOGIN, the given password, no superuser, no
 * CREATEDB, no CREATEROLE; refuses one that appRoleProblem objects to. Then the promoting role
 * joins it, and it gets CONNECT, CREATE and TEMPORARY on the database. Runs in the caller's
 * transaction.
 */
export async function ensureAppRole(client: Client, name: string, password: string): Promise<void> {
  const problem = await appRoleProblem(client, name);
  if (problem) throw new Error(problem);
  const { rows } = await client.query<{ db: string; exists: boolean }>(
    "SELECT current_database() AS db, EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1) AS exists",
    [name],
  );
  const verifier = literal(scramSha256Verifier(password));
  if (!rows[0].exists) {
    await client.query(
      `CREATE ROLE ${ident(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${verifier}`,
    );
  } else {
    await client.query(`ALTER ROLE ${ident(name)} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD ${verifier}`);
  }
  await joinAndGrant(client, name, rows[0].db);
}

/**
 * The app role before it may log in: created NOLOGIN without a password when missing (an existing
 * one is left as it is), joined by the connected role and granted the database, so that objects
 * can be given to it ahead of promote (a logical replica's schema), which later sets LOGIN and the
 * password. Refuses a role that appRoleProblem objects to. Runs in the caller's transaction.
 */
export async function prepareAppRole(client: Client, name: string): Promise<void> {
  const problem = await appRoleProblem(client, name);
  if (problem) throw new Error(problem);
  const { rows } = await client.query<{ db: string; exists: boolean }>(
    "SELECT current_database() AS db, EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1) AS exists",
    [name],
  );
  if (!rows[0].exists)
    await client.query(
      `CREATE ROLE ${ident(name)} WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
    );
  await joinAndGrant(client, name, rows[0].db);
}

/** The connected role joins the app role (it keeps access to what it gives away); the app role gets the database. */
async function joinAndGrant(client: Client, name: string, database: string): Promise<void> {
  const { rows: member } = await client.query<{ ok: boolean }>(
    "SELECT pg_catalog.pg_has_role(current_user, $1, 'USAGE') AS ok",
    [name],
  );
  if (!member[0].ok) await client.query(`GRANT ${ident(name)} TO CURRENT_USER`);
  await client.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(name)}`);
}

/** What transferOwnership changed, by kind (for the report). */
export type OwnershipCounts = Record<"schemas" | "relations" | "routines" | "types" | "others", number>;

/**
 * Objects of the user schemas (not the marker schema, not extension members) and the statement
 * that gives each to the role. Sequences owned by a column move with their table, and indexes
 * and a table's row type with the table, so they are not listed. Names are schema-qualified
 * (search_path is pinned to pg_catalog by the caller).
 */
const OWNED_OBJECTS_SQL = `
WITH user_ns AS (
  SELECT oid, nspname, nspowner FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', '${MARKER_SCHEMA}')
     AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
                       AND d.objid = pg_namespace.oid AND d.deptype = 'e')
), ext AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
)
SELECT kind, statement FROM (
  SELECT 'schemas' AS kind, 0 AS ord, format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $1::text) AS statement, n.nspowner AS owner
    FROM user_ns n
  UNION ALL
  SELECT 'relations', 1,
         format('ALTER %s %I.%I OWNER TO %I',
                CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                               WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname, $1::text),
         c.relowner
    FROM pg_catalog.pg_class c JOIN user_ns n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_class'::regclass AND ext.objid = c.oid)
     AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')))
  UNION ALL
  SELECT 'routines', 2, format('ALTER ROUTINE %I.%I(%s) OWNER TO %I', n.nspname, p.proname,
                               pg_catalog.pg_get_function_identity_arguments(p.oid), $1::text), p.proowner
    FROM pg_catalog.pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
   WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_proc'::regclass AND ext.objid = p.oid)
  UNION ALL
  SELECT 'types', 3, format('ALTER %s %I.%I OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                            n.nspname, t.typname, $1::text), t.typowner
    FROM pg_catalog.pg_type t JOIN user_ns n ON n.oid = t.typnamespace
   WHERE (t.typtype IN ('e', 'd', 'r')
          OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
     AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_type'::regclass AND ext.objid = t.oid)
  UNION ALL
  SELECT 'others', 4, format('ALTER COLLATION %I.%I OWNER TO %I', n.nspname, co.collname, $1::text), co.collowner
    FROM pg_catalog.pg_collation co JOIN user_ns n ON n.oid = co.collnamespace
   WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_collation'::regclass AND ext.objid = co.oid)
  UNION ALL
  SELECT 'others', 4, format('ALTER STATISTICS %I.%I OWNER TO %I', n.nspname, s.stxname, $1::text), s.stxowner
    FROM pg_catalog.pg_statistic_ext s JOIN user_ns n ON n.oid = s.stxnamespace
  UNION ALL
  SELECT 'others', 4, format('ALTER TEXT SEARCH CONFIGURATION %I.%I OWNER TO %I', n.nspname, cf.cfgname, $1::text), cf.cfgowner
    FROM pg_catalog.pg_ts_config cf JOIN user_ns n ON n.oid = cf.cfgnamespace
   WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_ts_config'::regclass AND ext.objid = cf.oid)
  UNION ALL
  SELECT 'others', 4, format('ALTER TEXT SEARCH DICTIONARY %I.%I OWNER TO %I', n.nspname, di.dictname, $1::text), di.dictowner
    FROM pg_catalog.pg_ts_dict di JOIN user_ns n ON n.oid = di.dictnamespace
   WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_ts_dict'::regclass AND ext.objid = di.oid)
) objects
WHERE owner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)
ORDER BY ord, statement`;

/**
 * Gives every object of the user schemas to the role: schemas first (the new owner needs CREATE
 * on a schema to own what is in it), then tables (their sequences, indexes and row types follow),
 * views, sequences, routines, types and the rest. Idempotent; runs in the caller's transaction.
 * Afterwards nothing listed is owned by anyone else, or it throws naming what is left.
 */
export async function transferOwnership(client: Client, role: string): Promise<OwnershipCounts> {
  await client.query("SET LOCAL search_path = pg_catalog");
  const { rows } = await client.query<{ kind: keyof OwnershipCounts; statement: string }>(OWNED_OBJECTS_SQL, [role]);
  const counts: OwnershipCounts = { schemas: 0, relations: 0, routines: 0, types: 0, others: 0 };
  for (const { kind, statement } of rows) {
    await client.query(statement);
    counts[kind]++;
  }
  const { rows: left } = await client.query<{ statement: string }>(OWNED_OBJECTS_SQL, [role]);
  if (left.length > 0)
    throw new Error(
      `${left.length} object(s) are still not owned by ${role} after the transfer (first: ${left[0].statement}): give them to it by hand`,
    );
  return counts;
}
