import type { ClientBase } from "pg";
import { IndexInfo } from "./catalog";
import { quoteIdent, quoteTable } from "./identifiers";

export interface AmcheckOutcome {
  /** False when amcheck could not run; `reason` says why. */
  ran: boolean;
  reason?: string;
  /** Indexes whose check raised an error, with PostgreSQL's message. */
  failures: { index: IndexInfo; message: string }[];
}

/**
 * Runs amcheck's bt_index_check(index, heapallindexed => true) on every index: the B-tree's own
 * invariants plus "every heap tuple has its index entry", the corruption a collation change or a
 * bad restore leaves behind. It takes only AccessShareLock.
 *
 * When the extension is available but not installed, it is created inside a transaction that is
 * rolled back at the end (CREATE EXTENSION is transactional), so verify leaves nothing installed.
 * Creating it needs superuser (or a role allowed to); otherwise the check is skipped with a reason.
 */
export async function runAmcheck(client: ClientBase, indexes: IndexInfo[]): Promise<AmcheckOutcome> {
  const { rows } = await client.query(`
    SELECT (SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck') AS schema,
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck') AS available`);
  let schema: string | null = rows[0].schema;
  if (!schema && !rows[0].available) {
    return {
      ran: false,
      reason: "amcheck skipped: the extension is not available on this server (package postgresql-contrib)",
      failures: [],
    };
  }
  await client.query("BEGIN");
  try {
    if (!schema) {
      try {
        await client.query("CREATE EXTENSION amcheck");
      } catch (err) {
        return {
          ran: false,
          reason: `amcheck skipped: could not create the extension temporarily (${(err as Error).message}); a superuser can run CREATE EXTENSION amcheck`,
          failures: [],
        };
      }
      const created = await client.query(
        `SELECT n.nspname::text AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck'`,
      );
      schema = created.rows[0].schema as string;
    }
    const check = `SELECT ${quoteIdent(schema)}.bt_index_check($1::regclass, true)`;
    const failures: AmcheckOutcome["failures"] = [];
    for (const index of indexes) {
      await client.query("SAVEPOINT bloom_dr_amcheck");
      try {
        await client.query(check, [quoteTable(index.index)]);
        await client.query("RELEASE SAVEPOINT bloom_dr_amcheck");
      } catch (err) {
        failures.push({ index, message: (err as Error).message });
        await client.query("ROLLBACK TO SAVEPOINT bloom_dr_amcheck");
      }
    }
    return { ran: true, failures };
  } finally {
    await client.query("ROLLBACK");
  }
}
