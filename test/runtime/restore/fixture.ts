import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { query } from "../../support/postgres";

/**
 * What a restore must carry beyond the Bloom schema: a second schema, a domain, a standalone
 * sequence advanced past its start, numeric arrays, a SQL function, a view in another schema and
 * an AFTER trigger that writes to another table.
 */
export const EXTRA_OBJECTS_SQL = `
CREATE SCHEMA audit;
CREATE DOMAIN audit.money_mx AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TABLE audit.events (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT '2024-06-01 12:00:00.123456+00',
  payload  jsonb NOT NULL,
  amounts  numeric[] NOT NULL DEFAULT '{}',
  total    audit.money_mx,
  raw      bytea
);
CREATE SEQUENCE public.invoice_no START 1000;
SELECT nextval('public.invoice_no') FROM generate_series(1, 7);
CREATE FUNCTION public.clinic_revenue(clinic bigint) RETURNS numeric LANGUAGE sql STABLE AS
  $$ SELECT coalesce(sum(p.amount), 0) FROM payments p JOIN reservations r ON r.id = p.reservation_id WHERE r.clinic_id = clinic $$;
CREATE VIEW audit.big_payments AS SELECT id, amount FROM public.payments WHERE amount > 500;
CREATE FUNCTION audit.log_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.events (payload, amounts, total) VALUES (jsonb_build_object('payment', NEW.id), ARRAY[NEW.amount], NEW.amount);
  RETURN NEW;
END $$;
CREATE TRIGGER payments_audit AFTER INSERT ON public.payments FOR EACH ROW EXECUTE FUNCTION audit.log_payment();
INSERT INTO audit.events (payload, amounts, total, raw)
  SELECT jsonb_build_object('n', i, 'nested', jsonb_build_object('a', ARRAY[i, i + 1])), ARRAY[i * 1.5, 1e-10, 123456789.123456789],
         i * 10.25, decode(md5(i::text), 'hex')
  FROM generate_series(1, 50) i;
`;

/** A Bloom database at scale 0.01 plus EXTRA_OBJECTS_SQL. */
export async function createFixtureDatabase(url: string): Promise<void> {
  await generateBloomDatabase(url, 0.01);
  await query(url, EXTRA_OBJECTS_SQL);
}

/** Sequence positions, read without advancing them. */
export async function sequencePositions(url: string): Promise<Record<string, string>> {
  const rows = await query<{ name: string; last_value: string; is_called: boolean }>(
    url,
    `SELECT format('%I.%I', schemaname, sequencename) AS name, coalesce(last_value::text, 'unset') AS last_value FROM pg_sequences ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.last_value]));
}
