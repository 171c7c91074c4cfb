import type { ClientBase } from "pg";
import { displayTable, TableName } from "../integrity/identifiers";

/** child references parent (display names "schema.table"). */
export interface ForeignKeyEdge {
  child: string;
  parent: string;
}

/**
 * Orders tables so that every parent comes before its children (Kahn's algorithm, ties broken by
 * the order the user gave). A table referencing itself is fine: each table's rows go in with one
 * INSERT and foreign keys are checked at the end of the statement. A cycle between tables is an
 * error naming it, because no insertion order satisfies non-deferred keys.
 */
export function parentsFirst(tables: readonly string[], edges: readonly ForeignKeyEdge[]): string[] {
  const chosen = new Set(tables);
  const relevant = edges.filter((e) => chosen.has(e.child) && chosen.has(e.parent) && e.child !== e.parent);
  const pendingParents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of relevant) pendingParents.get(e.child)!.add(e.parent);
  const ordered: string[] = [];
  const remaining = [...tables];
  while (remaining.length) {
    const next = remaining.findIndex((t) => pendingParents.get(t)!.size === 0);
    if (next < 0)
      throw new Error(
        `foreign keys form a cycle among the chosen tables (${describeCycle(remaining, relevant)}): no insertion order puts every parent first; recover these tables through pitr export and edit the file`,
      );
    const [table] = remaining.splice(next, 1);
    ordered.push(table);
    for (const parents of pendingParents.values()) parents.delete(table);
  }
  return ordered;
}

/** "a → b → a" for the first cycle reachable among the stuck tables. */
function describeCycle(stuck: readonly string[], edges: readonly ForeignKeyEdge[]): string {
  const path: string[] = [stuck[0]];
  for (;;) {
    const current = path[path.length - 1];
    const parent = edges.find((e) => e.child === current && stuck.includes(e.parent))!.parent;
    const seen = path.indexOf(parent);
    if (seen >= 0) return [...path.slice(seen), parent].join(" → ");
    path.push(parent);
  }
}

/** Foreign keys between the given tables, read from one side's catalog. */
export async function foreignKeyEdges(client: ClientBase, tables: readonly TableName[]): Promise<ForeignKeyEdge[]> {
  const { rows } = await client.query(
    `SELECT DISTINCT cn.nspname::text AS child_schema, cc.relname::text AS child_table, pn.nspname::text AS parent_schema, pc.relname::text AS parent_table
       FROM pg_constraint c
       JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
       JOIN pg_class pc ON pc.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE c.contype = 'f'
        AND (cn.nspname, cc.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        AND (pn.nspname, pc.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return rows.map((r) => ({
    child: displayTable({ schema: r.child_schema, name: r.child_table }),
    parent: displayTable({ schema: r.parent_schema, name: r.parent_table }),
  }));
}
