import type { ClientBase } from "pg";
import { TableName } from "./identifiers";

/** SQL condition: `column` names a user schema (not the catalog, information_schema, toast or temp). */
export function userSchema(column: string): string {
  return `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg\\_toast%' AND ${column} NOT LIKE 'pg\\_temp\\_%'`;
}

export interface ForeignKeyInfo {
  constraint: string;
  child: TableName;
  /** True when the child is a plain table: its inheritance children are not bound by the key. */
  childOnly: boolean;
  parent: TableName;
  parentOnly: boolean;
  /** Columns in key order; childColumns[i] references parentColumns[i]. */
  childColumns: string[];
  parentColumns: string[];
  /** True when every child column accepts NULL, so orphans could be detached with SET NULL. */
  childNullable: boolean;
  /** MATCH FULL forbids partly-NULL keys; MATCH SIMPLE (the default) ignores any key with a NULL. */
  matchFull: boolean;
}

/** Foreign keys declared in user schemas (partition clones excluded: their parent's check covers them). */
export async function listForeignKeys(client: ClientBase): Promise<ForeignKeyInfo[]> {
  const { rows } = await client.query(`
    SELECT c.conname::text AS constraint, c.confmatchtype = 'f' AS match_full,
           cn.nspname::text AS child_schema, cc.relname::text AS child_table, cc.relkind = 'r' AS child_only,
           pn.nspname::text AS parent_schema, pc.relname::text AS parent_table, pc.relkind = 'r' AS parent_only,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS child_columns,
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS parent_columns,
           NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attnotnull) AS child_nullable
      FROM pg_constraint c
      JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
      JOIN pg_class pc ON pc.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE c.contype = 'f' AND c.conparentid = 0 AND ${userSchema("cn.nspname")}
     ORDER BY cn.nspname, cc.relname, c.conname`);
  return rows.map((r) => ({
    constraint: r.constraint,
    child: { schema: r.child_schema, name: r.child_table },
    childOnly: r.child_only,
    parent: { schema: r.parent_schema, name: r.parent_table },
    parentOnly: r.parent_only,
    childColumns: r.child_columns,
    parentColumns: r.parent_columns,
    childNullable: r.child_nullable,
    matchFull: r.match_full,
  }));
}

export interface ConstraintInfo {
  constraint: string;
  /** The table, or for a domain constraint the domain. */
  owner: TableName;
  ownerKind: "table" | "domain";
  /** p, u, f, c, x, n… as in pg_constraint.contype. */
  type: string;
  validated: boolean;
}

/** Every table and domain constraint in user schemas, with its validation state. */
export async function listConstraints(client: ClientBase): Promise<ConstraintInfo[]> {
  const { rows } = await client.query(`
    SELECT c.conname::text AS constraint, c.contype::text AS type, c.convalidated AS validated,
           coalesce(rn.nspname, tn.nspname)::text AS schema, coalesce(r.relname, t.typname)::text AS owner,
           CASE WHEN c.conrelid <> 0 THEN 'table' ELSE 'domain' END AS owner_kind
      FROM pg_constraint c
      LEFT JOIN pg_class r ON r.oid = c.conrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      LEFT JOIN pg_type t ON t.oid = c.contypid LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace
     WHERE (c.conrelid <> 0 OR c.contypid <> 0) AND c.conparentid = 0
       AND ${userSchema("coalesce(rn.nspname, tn.nspname)")}
     ORDER BY 4, 5, 1`);
  return rows.map((r) => ({
    constraint: r.constraint,
    owner: { schema: r.schema, name: r.owner },
    ownerKind: r.owner_kind,
    type: r.type,
    validated: r.validated,
  }));
}

export interface IndexInfo {
  index: TableName;
  table: TableName;
}

/** Valid, permanent B-tree indexes in user schemas: what amcheck's bt_index_check can verify. */
export async function listBtreeIndexes(client: ClientBase): Promise<IndexInfo[]> {
  const { rows } = await client.query(`
    SELECT n.nspname::text AS schema, ic.relname::text AS index, tn.nspname::text AS table_schema, tc.relname::text AS table_name
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
      JOIN pg_am am ON am.oid = ic.relam
      JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
     WHERE am.amname = 'btree' AND ic.relkind = 'i' AND i.indisvalid AND i.indisready
       AND ic.relpersistence <> 't' AND ${userSchema("n.nspname")}
     ORDER BY 1, 2`);
  return rows.map((r) => ({
    index: { schema: r.schema, name: r.index },
    table: { schema: r.table_schema, name: r.table_name },
  }));
}

/** A table and the name backup manifests use for it: format('%I.%I'), quoted only where needed. */
export interface TableEntry extends TableName {
  manifestKey: string;
  /** A partitioned table holds no rows itself: its partitions do. */
  partitioned: boolean;
}

/** Ordinary and partitioned tables in user schemas. */
export async function listTables(client: ClientBase): Promise<TableEntry[]> {
  const { rows } = await client.query(`
    SELECT n.nspname::text AS schema, c.relname::text AS name, format('%I.%I', n.nspname, c.relname) AS manifest_key,
           c.relkind = 'p' AS partitioned
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${userSchema("n.nspname")}
     ORDER BY 1, 2`);
  return rows.map((r) => ({ schema: r.schema, name: r.name, manifestKey: r.manifest_key, partitioned: r.partitioned }));
}
