import { Client } from "pg";
import { BLOOM_SCHEMA_SQL, BloomTable } from "./schema";

/** Rows per table at scale 1 (about 100 MB on disk with indexes). Fractional scales are allowed. */
export const ROWS_AT_SCALE_1: Record<BloomTable, number> = {
  clinics: 40,
  users: 400,
  clients: 60_000,
  reservations: 240_000,
  payments: 180_000,
};

export function rowCountsForScale(scale: number): Record<BloomTable, number> {
  if (!(scale > 0)) throw new Error(`scale must be a positive number (got ${scale})`);
  const out = {} as Record<BloomTable, number>;
  for (const [table, rows] of Object.entries(ROWS_AT_SCALE_1) as [BloomTable, number][]) {
    out[table] = Math.max(table === "clinics" ? 2 : 5, Math.round(rows * scale));
  }
  return out;
}

/**
 * Fills an empty database with the Bloom schema and deterministic data: every value is a function
 * of the row number (md5 of it, modular arithmetic), so the same scale always yields the same
 * rows and digests, with no dependency on random() or the clock.
 */
export async function generateBloomDatabase(url: string, scale: number): Promise<Record<BloomTable, number>> {
  const n = rowCountsForScale(scale);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off");
    await client.query(BLOOM_SCHEMA_SQL);
    await client.query(
      `INSERT INTO clinics (id, name, timezone, settings, created_at)
       SELECT i, 'Clinic ' || i, (ARRAY['America/Mexico_City','America/Monterrey','America/Cancun'])[1 + i % 3],
              jsonb_build_object('slotMinutes', 15 + 15 * (i % 3), 'reminders', i % 2 = 0),
              timestamptz '2024-01-01 00:00+00' + i * interval '1 day'
       FROM generate_series(1, $1) i`,
      [n.clinics],
    );
    await client.query(
      `INSERT INTO users (id, clinic_id, email, full_name, roles, avatar, created_at)
       SELECT i, 1 + i % $2, 'staff' || i || '@bloom.example', 'Staff ' || md5(i::text),
              CASE WHEN i % 10 = 0 THEN '{admin,staff}'::text[] ELSE '{staff}'::text[] END,
              CASE WHEN i % 4 = 0 THEN decode(md5(i::text), 'hex') END,
              timestamptz '2024-02-01 00:00+00' + i * interval '1 hour'
       FROM generate_series(1, $1) i`,
      [n.users, n.clinics],
    );
    await client.query(
      `INSERT INTO clients (id, clinic_id, full_name, email, phone, tags, notes, created_at, updated_at)
       SELECT i, 1 + i % $2, 'Client ' || substr(md5(i::text), 1, 12),
              'client' || i || '@mail.example', '+52' || lpad((i::bigint * 7919 % 10000000000)::text, 10, '0'),
              CASE i % 3 WHEN 0 THEN '{vip}'::text[] WHEN 1 THEN '{}'::text[] ELSE '{new,promo}'::text[] END,
              CASE WHEN i % 5 = 0 THEN jsonb_build_object('allergies', 'none', 'visits', i % 17) END,
              timestamptz '2024-03-01 00:00+00' + i * interval '1 minute',
              timestamptz '2024-03-01 00:00+00' + i * interval '1 minute'
       FROM generate_series(1, $1) i`,
      [n.clients, n.clinics],
    );
    // client_id is chosen so that (clinic_id, client_id) always names an existing client.
    await client.query(
      `INSERT INTO reservations (id, clinic_id, client_id, staff_id, starts_at, duration, status, price, details, created_at, updated_at)
       SELECT i, 1 + c % $3, c, 1 + i % $4,
              timestamptz '2025-01-01 08:00+00' + (i % 5000) * interval '1 hour' + (i % 4) * interval '15 minutes',
              (15 * (1 + i % 4)) * interval '1 minute',
              (ARRAY['pending','confirmed','completed','cancelled','no_show']::reservation_status[])[1 + i % 5],
              round((300 + (i * 37) % 2700)::numeric, 2),
              jsonb_build_object('service', 'svc-' || (i % 23), 'room', i % 7, 'note', substr(md5(i::text), 1, 20)),
              timestamptz '2024-12-01 00:00+00' + i * interval '10 seconds',
              timestamptz '2024-12-01 00:00+00' + i * interval '10 seconds'
       FROM (SELECT i, 1 + (i * 7) % $2 AS c FROM generate_series(1, $1) i) s`,
      [n.reservations, n.clients, n.clinics, n.users],
    );
    await client.query(
      `INSERT INTO payments (id, reservation_id, amount, currency, paid_at, provider_ref, raw)
       SELECT i, 1 + (i * 3) % $2, round((300 + (i * 41) % 2700)::numeric / 1.0, 2), 'MXN',
              timestamptz '2025-01-01 09:00+00' + i * interval '7 seconds',
              'pay_' || substr(md5('p' || i), 1, 16),
              CASE WHEN i % 2 = 0 THEN jsonb_build_object('method', 'card', 'last4', lpad((i % 10000)::text, 4, '0')) END
       FROM generate_series(1, $1) i`,
      [n.payments, n.reservations],
    );
    // identity sequences must continue after the generated ids, as they would in production
    for (const table of Object.keys(n)) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }
    await client.query("ANALYZE");
    return n;
  } finally {
    await client.end();
  }
}
