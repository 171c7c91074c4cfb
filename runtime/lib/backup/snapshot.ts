import { Client } from "pg";

export interface ExportedSnapshot {
  /** The id pg_dump --snapshot imports. */
  id: string;
  /** When the snapshot was taken: the recovery point of the backup. */
  at: Date;
}

/**
 * Opens a read-only REPEATABLE READ transaction and exports its snapshot. Everything this
 * session reads afterwards (row counts, schema) and everything pg_dump reads after importing the
 * id sees the same database state. The transaction must stay open until pg_dump has finished:
 * call `releaseSnapshot` only then.
 */
export async function exportSnapshot(client: Client): Promise<ExportedSnapshot> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const { rows } = await client.query<{ id: string; at: Date }>(
    "SELECT pg_export_snapshot() AS id, clock_timestamp() AS at",
  );
  return { id: rows[0].id, at: new Date(rows[0].at) };
}

export async function releaseSnapshot(client: Client): Promise<void> {
  await client.query("ROLLBACK");
}
