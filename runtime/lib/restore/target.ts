import { Client } from "pg";

/** User objects (not system, not extension members) that make a target "not empty". */
const USER_OBJECTS_SQL = `
WITH user_ns AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema')
     AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
), ext AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
)
SELECT kind, name FROM (
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                        WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
         format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_catalog.pg_class c JOIN user_ns n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_class'::regclass AND ext.objid = c.oid)
  UNION ALL
  SELECT 'function', format('%I.%I', n.nspname, p.proname)
    FROM pg_catalog.pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
   WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_proc'::regclass AND ext.objid = p.oid)
  UNION ALL
  SELECT 'type', format('%I.%I', n.nspname, t.typname)
    FROM pg_catalog.pg_type t JOIN user_ns n ON n.oid = t.typnamespace
   WHERE (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND t.typrelid IN (SELECT oid FROM pg_catalog.pg_class WHERE relkind = 'c')))
     AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_type'::regclass AND ext.objid = t.oid)
) objects
ORDER BY (kind = 'table') DESC, name`;

/** The target's user objects, tables first ("table public.clients"). Empty means safe to restore into. */
export async function userObjects(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ kind: string; name: string }>(USER_OBJECTS_SQL);
  return rows.map((r) => `${r.kind} ${r.name}`);
}

/**
 * Makes the target empty, in one transaction: drops every user schema (CASCADE, so tables,
 * views, functions, triggers, enums and sequences go with it, whatever depends on what) except
 * schemas that belong to extensions, then recreates `public` as PostgreSQL 15+ creates it.
 * Dropping schemas rather than `pg_restore --clean` is deliberate: --clean only drops what the
 * dump holds and fails (half-way, without --single-transaction) on any object that depends on
 * it but is not in the dump, such as a view added after the backup. beforeDrop gets the schemas
 * before anything is dropped (the CLI names them to the operator).
 */
export async function emptyTarget(
  client: Client,
  serverMajor: number,
  beforeDrop?: (schemas: string[]) => void,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname AS name FROM pg_catalog.pg_namespace n
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                         WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  const schemas = rows.map((r) => r.name);
  beforeDrop?.(schemas);
  await client.query("BEGIN");
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await client.query("CREATE SCHEMA public");
    await client.query("COMMENT ON SCHEMA public IS 'standard public schema'");
    if (serverMajor >= 15) {
      const { rows: can } = await client.query<{ ok: boolean }>(
        "SELECT pg_catalog.pg_has_role(current_user, 'pg_database_owner', 'MEMBER') AS ok",
      );
      if (can[0].ok) await client.query("ALTER SCHEMA public OWNER TO pg_database_owner");
      await client.query("GRANT USAGE ON SCHEMA public TO PUBLIC");
    } else {
      await client.query("GRANT ALL ON SCHEMA public TO PUBLIC");
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
  return schemas;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
