import { generateBloomDatabase } from "../bloom/generate";
import { BLOOM_TABLES } from "../bloom/schema";
import { quoteIdent, withClient } from "../platform/sql";
import { MARKER_SCHEMA } from "../promote/markerSchema";

/**
 * The data side of the drills: seeding the Bloom database, the playbook's "50 test reservations",
 * the random corruption of Drill 2, and fingerprints that show which tables changed.
 */

/** Fills an empty database with Bloom data; leaves one that already has the schema alone. */
export async function seedIfEmpty(
  url: string,
  scale: number,
): Promise<{ seeded: boolean; rows: Record<string, number> }> {
  const exists = await withClient(
    url,
    async (c) => (await c.query("SELECT to_regclass('public.reservations') IS NOT NULL AS e")).rows[0].e as boolean,
  );
  if (!exists) return { seeded: true, rows: await generateBloomDatabase(url, scale) };
  return { seeded: false, rows: await rowCounts(url, [...BLOOM_TABLES]) };
}

export async function rowCounts(url: string, tables: string[]): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const out: Record<string, number> = {};
    for (const table of tables)
      out[table] = Number((await c.query(`SELECT count(*) AS n FROM ${quoteIdent(table)}`)).rows[0].n);
    return out;
  });
}

export interface TestReservations {
  clientIds: string[];
  reservationIds: string[];
}

/** Creates `count` clients and one reservation for each, in one transaction (ids after the current maximum). */
export async function createTestReservations(url: string, count: number): Promise<TestReservations> {
  return withClient(url, async (c) => {
    await c.query("BEGIN");
    try {
      // explicit ids: the generator inserts explicit ids too, so the identity sequences lag behind
      const clients = await c.query<{ id: string; clinic_id: string }>(
        `INSERT INTO clients (id, clinic_id, full_name, email, tags, notes)
         SELECT m.id + i, (SELECT min(id) FROM clinics), 'Drill client ' || i, 'drill' || i || '@drill.example', '{drill}', '{"drill": true}'
           FROM (SELECT coalesce(max(id), 0) AS id FROM clients) m, generate_series(1, $1) i
         RETURNING id, clinic_id`,
        [count],
      );
      const reservations = await c.query<{ id: string }>(
        `INSERT INTO reservations (id, clinic_id, client_id, starts_at, status, price, details)
         SELECT m.id + row_number() OVER (ORDER BY x.id), x.clinic_id, x.id, now() + interval '1 day', 'confirmed', 500, '{"drill": true}'
           FROM (SELECT coalesce(max(id), 0) AS id FROM reservations) m, unnest($1::bigint[], $2::bigint[]) AS x(id, clinic_id)
         RETURNING id`,
        [clients.rows.map((r) => r.id), clients.rows.map((r) => r.clinic_id)],
      );
      await c.query("COMMIT");
      return {
        clientIds: clients.rows.map((r) => String(r.id)),
        reservationIds: reservations.rows.map((r) => String(r.id)),
      };
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Like createTestReservations, but the ids come from the tables' sequences (no explicit id), as
 * the app inserts: on a promoted logical replica this fails with a duplicate key unless promote
 * set every sequence past the replicated ids.
 */
export async function createReservationsFromSequences(url: string, count: number): Promise<TestReservations> {
  return withClient(url, async (c) => {
    await c.query("BEGIN");
    try {
      const clients = await c.query<{ id: string; clinic_id: string }>(
        `INSERT INTO clients (clinic_id, full_name, email, tags, notes)
         SELECT (SELECT min(id) FROM clinics), 'Failover client ' || i, 'failover' || i || '@drill.example', '{drill}', '{"drill": true}'
           FROM generate_series(1, $1) i
         RETURNING id, clinic_id`,
        [count],
      );
      const reservations = await c.query<{ id: string }>(
        `INSERT INTO reservations (clinic_id, client_id, starts_at, status, price, details)
         SELECT x.clinic_id, x.id, now() + interval '1 day', 'confirmed', 500, '{"drill": true}'
           FROM unnest($1::bigint[], $2::bigint[]) AS x(id, clinic_id)
         RETURNING id`,
        [clients.rows.map((r) => r.id), clients.rows.map((r) => r.clinic_id)],
      );
      await c.query("COMMIT");
      return {
        clientIds: clients.rows.map((r) => String(r.id)),
        reservationIds: reservations.rows.map((r) => String(r.id)),
      };
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/** The accident of Drill 1: the reservations and their clients deleted in one transaction. */
export async function deleteTestReservations(
  url: string,
  rows: TestReservations,
): Promise<{ reservations: number; clients: number }> {
  return withClient(url, async (c) => {
    await c.query("BEGIN");
    const reservations = await c.query("DELETE FROM reservations WHERE id = ANY($1::bigint[])", [rows.reservationIds]);
    const clients = await c.query("DELETE FROM clients WHERE id = ANY($1::bigint[])", [rows.clientIds]);
    await c.query("COMMIT");
    return { reservations: reservations.rowCount ?? 0, clients: clients.rowCount ?? 0 };
  });
}

/** How many of the test rows exist. */
export async function countTestReservations(
  url: string,
  rows: TestReservations,
): Promise<{ reservations: number; clients: number }> {
  return withClient(url, async (c) => ({
    reservations: Number(
      (await c.query("SELECT count(*) AS n FROM reservations WHERE id = ANY($1::bigint[])", [rows.reservationIds]))
        .rows[0].n,
    ),
    clients: Number(
      (await c.query("SELECT count(*) AS n FROM clients WHERE id = ANY($1::bigint[])", [rows.clientIds])).rows[0].n,
    ),
  }));
}

/**
 * The corruption of Drill 2: deletes a random `fraction` of the rows of every table (at least one
 * each), with foreign-key triggers bypassed (session_replication_role = replica) so that children
 * are orphaned the way a bad migration or a manual DELETE would leave them.
 */
export async function corruptRandomRows(
  url: string,
  tables: readonly string[],
  fraction: number,
): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    await c.query("BEGIN");
    await c.query("SET LOCAL session_replication_role = replica");
    const deleted: Record<string, number> = {};
    for (const table of tables) {
      const t = quoteIdent(table);
      const result = await c.query(
        `DELETE FROM ${t} WHERE ctid IN (SELECT ctid FROM ${t} ORDER BY random() LIMIT greatest(1, round((SELECT count(*) FROM ${t}) * $1::float8)::bigint))`,
        [fraction],
      );
      deleted[table] = result.rowCount ?? 0;
    }
    await c.query("COMMIT");
    return deleted;
  });
}

/**
 * An order-independent fingerprint of every user table (row count and md5 of its rows sorted by
 * their text form): equal fingerprints mean equal data, column by column. bloom-dr's marker
 * schema is not the app's data (backups leave it out), so it is not compared.
 */
export async function tableDigests(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1`,
      [MARKER_SCHEMA],
    );
    const out: Record<string, string> = {};
    for (const { name } of rows) {
      const r = (
        await c.query(
          `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS d FROM ${name} t`,
        )
      ).rows[0];
      out[name] = `${r.n}:${r.d}`;
    }
    return out;
  });
}

/** Tables whose fingerprints differ (or exist on one side only). */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}
