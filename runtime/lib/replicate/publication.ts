import type { Client } from "pg";

/**
 * The publication on the source: an explicit list of the replicated tables, publishing every kind
 * of change. Not FOR ALL TABLES: that needs a superuser (which Neon has none of), and it would
 * publish a table the moment it is created, before the replica has it, which stops the
 * subscription until the replica catches up with the DDL; a listed table is added by running setup
 * again after the migration reached both databases (`migrate run --also`).
 */

const ALL_CHANGES = "insert, update, delete, truncate";

export interface PublicationState {
  name: string;
  allTables: boolean;
  /** Listed tables, format('%I.%I'), sorted. */
  tables: string[];
  publishesEverything: boolean;
}

export async function readPublication(client: Client, name: string): Promise<PublicationState | undefined> {
  const { rows } = await client.query<{ oid: number; all_tables: boolean; everything: boolean }>(
    `SELECT oid, puballtables AS all_tables, (pubinsert AND pubupdate AND pubdelete AND pubtruncate) AS everything
       FROM pg_catalog.pg_publication WHERE pubname = $1`,
    [name],
  );
  if (rows.length === 0) return undefined;
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE pr.prpubid = $1 ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`,
    [rows[0].oid],
  );
  return {
    name,
    allTables: rows[0].all_tables,
    tables: tables.map((t) => t.name),
    publishesEverything: rows[0].everything,
  };
}

/** Whether the publication carries exactly these tables, every kind of change. */
export function publicationMatches(state: PublicationState | undefined, tables: readonly string[]): boolean {
  if (!state || !state.publishesEverything) return false;
  if (state.allTables) return true;
  return state.tables.length === tables.length && state.tables.every((t, i) => t === tables[i]);
}

/**
 * Creates the publication, or brings an existing one to these tables and every kind of change.
 * Returns what it did. Table names come from format('%I.%I') (quoted where needed).
 */
export async function ensurePublication(
  client: Client,
  name: string,
  tables: readonly string[],
): Promise<"created" | "altered" | "unchanged"> {
  const state = await readPublication(client, name);
  if (publicationMatches(state, tables)) return "unchanged";
  const list = tables.join(", ");
  if (!state) {
    await client.query(`CREATE PUBLICATION ${name} FOR TABLE ${list} WITH (publish = '${ALL_CHANGES}')`);
    return "created";
  }
  await client.query("BEGIN");
  try {
    if (!state.allTables) await client.query(`ALTER PUBLICATION ${name} SET TABLE ${list}`);
    if (!state.publishesEverything) await client.query(`ALTER PUBLICATION ${name} SET (publish = '${ALL_CHANGES}')`);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
  return "altered";
}
