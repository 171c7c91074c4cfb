import type { Client } from "pg";
import { MARKER_SCHEMA } from "../promote/markerSchema";

/**
 * The tables logical replication carries: every ordinary and partitioned table of the user
 * schemas, except partitions (their root lists them), tables that belong to an extension (the
 * target's CREATE EXTENSION fills those) and bloom-dr's own marker schema. Names as
 * format('%I.%I') writes them, sorted.
 */
const REPLICATED_TABLES_SQL = `
SELECT format('%I.%I', n.nspname, c.relname) AS name, pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       pg_catalog.has_table_privilege(c.oid, 'SELECT') AS readable,
       pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owned,
       CASE
         WHEN c.relkind = 'p' THEN true
         WHEN c.relreplident = 'f' THEN true
         WHEN c.relreplident = 'i' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
         WHEN c.relreplident = 'd' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
         ELSE false
       END AS identified
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`;

/** Partitions whose changes the root's publication carries: each needs an identity of its own. */
const PARTITIONS_WITHOUT_IDENTITY_SQL = `
SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND c.relispartition AND n.nspname <> $1
   AND (c.relreplident = 'n'
        OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
        OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))
 ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`;

export interface ReplicatedTable {
  name: string;
  owner: string;
  /** The connected role may read it (the initial copy runs as that role). */
  readable: boolean;
  /** The connected role owns it, directly or through membership (a publication may list it). */
  owned: boolean;
  /** It has a primary key or a replica identity (index or FULL): its UPDATEs and DELETEs can be applied. */
  identified: boolean;
}

/**
 * Tables that record which migrations ran rather than the app's data: Prisma's. Each database
 * keeps its own (copied once at setup, then written by the migration tool on each side, which is
 * what `migrate run --also` relies on): replicated, the primary's rows would tell Prisma that the
 * replica is migrated when it is not.
 */
export const MIGRATION_HISTORY_TABLE = "_prisma_migrations";

export function isMigrationHistory(table: string): boolean {
  return table.endsWith(`.${MIGRATION_HISTORY_TABLE}`);
}

/** Every candidate table (the migration history included; callers split it off with isMigrationHistory). */
export async function userTablesForReplication(client: Client): Promise<ReplicatedTable[]> {
  const { rows } = await client.query<ReplicatedTable>(REPLICATED_TABLES_SQL, [MARKER_SCHEMA]);
  return rows;
}

/** The tables the publication carries: every candidate but the migration history. */
export async function replicatedTables(client: Client): Promise<ReplicatedTable[]> {
  return (await userTablesForReplication(client)).filter((t) => !isMigrationHistory(t.name));
}

/** Tables (and partitions) without a primary key or replica identity: refused by setup, by name. */
export async function tablesWithoutIdentity(client: Client, tables: readonly ReplicatedTable[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(PARTITIONS_WITHOUT_IDENTITY_SQL, [MARKER_SCHEMA]);
  return [...tables.filter((t) => !t.identified).map((t) => t.name), ...rows.map((r) => r.name)];
}
