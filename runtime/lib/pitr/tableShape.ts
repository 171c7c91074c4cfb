import type { ClientBase } from "pg";
import { displayTable, TableName } from "../integrity/identifiers";

export interface ColumnShape {
  name: string;
  /** format_type(): "bigint", "numeric(10,2)", "reservation_status", "text[]". */
  type: string;
  /** Stored generated columns are computed by the target, never inserted. */
  generated: boolean;
  /** "a" = GENERATED ALWAYS AS IDENTITY (needs OVERRIDING SYSTEM VALUE), "d" = BY DEFAULT, "" = none. */
  identity: "a" | "d" | "";
  /** The sequence behind a serial or identity column, quoted and qualified, if any. */
  sequence: string | null;
}

export interface TableShape {
  table: TableName;
  /** Columns in attnum order. */
  columns: ColumnShape[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
}

/** The table's columns and primary key as one side sees them; undefined when it does not exist there. */
export async function describeTable(client: ClientBase, table: TableName): Promise<TableShape | undefined> {
  const found = await client.query(
    `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [table.schema, table.name],
  );
  if (found.rowCount === 0) return undefined;
  const oid = found.rows[0].oid;
  const columns = await client.query(
    `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated,
            a.attidentity::text AS identity, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) AS sequence
       FROM pg_attribute a
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  const key = await client.query(
    `SELECT a.attname::text AS name
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisprimary
      ORDER BY k.ord`,
    [oid],
  );
  return {
    table,
    columns: columns.rows.map((r) => ({
      name: r.name,
      type: r.type,
      generated: r.generated,
      identity: r.identity,
      sequence: r.sequence,
    })),
    primaryKey: key.rows.map((r) => r.name),
  };
}

/** Columns that receive values on insert (everything but generated columns). */
export function insertableColumns(shape: TableShape): ColumnShape[] {
  return shape.columns.filter((c) => !c.generated);
}

/** The type of each primary-key column, in key order. */
export function keyColumns(shape: TableShape): ColumnShape[] {
  return shape.primaryKey.map((name) => shape.columns.find((c) => c.name === name)!);
}

/**
 * Why the branch's and the target's versions of a table cannot exchange rows, or undefined when
 * they can: same column names with the same types and generation (order may differ, the SQL
 * names every column) and the same primary key.
 */
export function shapeDifference(branch: TableShape, target: TableShape): string | undefined {
  const name = displayTable(branch.table);
  const targetByName = new Map(target.columns.map((c) => [c.name, c]));
  const branchByName = new Map(branch.columns.map((c) => [c.name, c]));
  const problems: string[] = [];
  for (const column of branch.columns) {
    const other = targetByName.get(column.name);
    if (!other) problems.push(`column ${column.name} exists only in the branch`);
    else if (other.type !== column.type)
      problems.push(`column ${column.name} is ${column.type} in the branch and ${other.type} in the target`);
    else if (other.generated !== column.generated) problems.push(`column ${column.name} is generated on one side only`);
  }
  for (const column of target.columns) {
    if (!branchByName.has(column.name)) problems.push(`column ${column.name} exists only in the target`);
  }
  if (problems.length === 0 && branch.primaryKey.join(",") !== target.primaryKey.join(",")) {
    problems.push(
      `primary key is (${branch.primaryKey.join(", ")}) in the branch and (${target.primaryKey.join(", ")}) in the target`,
    );
  }
  return problems.length ? `table ${name} differs between branch and target: ${problems.join("; ")}` : undefined;
}
