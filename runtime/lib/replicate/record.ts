import type { Client } from "pg";
import { ensureMarkerSchema } from "../promote/marker";
import { REPLICATION_TABLE } from "../promote/markerSchema";

/**
 * The replica's record of itself, in bloom-dr's schema on the target (private to the master, like
 * the restore job's record). It answers two questions the subscription cannot answer once the
 * source is gone: how far the replica was known to be in sync (PostgreSQL keeps a subscription's
 * message times only while its worker runs, and the worker exits when the source dies), and,
 * while a promotion is under way, that it is a replica's promotion and with which recovery point
 * (so a promote that failed after dropping the subscription resumes instead of restoring a backup).
 */
export interface ReplicationRecord {
  subscription: string;
  publication: string;
  /** host:port/database of the source, never credentials. */
  source: string;
  setUpAt: string;
  /** Everything the source had committed before this moment is on the replica. */
  syncedUpTo: string;
  checkedAt: string;
  lagSeconds: number | null;
  lagBytes: number | null;
  /** Set by promote before it drops the subscription. */
  promotion: { since: string; recoveryPoint: string; rpoSeconds: number; drained: boolean } | null;
}

export async function ensureReplicationRecord(client: Client): Promise<void> {
  await ensureMarkerSchema(client);
  await client.query(`CREATE TABLE IF NOT EXISTS ${REPLICATION_TABLE} (
    one_row          boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    subscription     text NOT NULL,
    publication      text NOT NULL,
    source           text NOT NULL,
    set_up_at        timestamptz NOT NULL,
    synced_up_to     timestamptz NOT NULL,
    checked_at       timestamptz NOT NULL,
    lag_seconds      float8,
    lag_bytes        bigint,
    promoting_since  timestamptz,
    recovery_point   timestamptz,
    rpo_seconds      float8,
    drained          boolean,
    recorded_by      text NOT NULL DEFAULT current_user
  )`);
  await client.query(`REVOKE ALL ON ${REPLICATION_TABLE} FROM PUBLIC`);
}

async function recordExists(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
    REPLICATION_TABLE,
  ]);
  return rows[0].found;
}

export async function readReplicationRecord(client: Client): Promise<ReplicationRecord | undefined> {
  if (!(await recordExists(client))) return undefined;
  const { rows } = await client.query<{
    subscription: string;
    publication: string;
    source: string;
    set_up_at: Date;
    synced_up_to: Date;
    checked_at: Date;
    lag_seconds: number | null;
    lag_bytes: string | null;
    promoting_since: Date | null;
    recovery_point: Date | null;
    rpo_seconds: number | null;
    drained: boolean | null;
  }>(`SELECT * FROM ${REPLICATION_TABLE}`);
  const r = rows[0];
  if (!r) return undefined;
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    subscription: r.subscription,
    publication: r.publication,
    source: r.source,
    setUpAt: iso(r.set_up_at),
    syncedUpTo: iso(r.synced_up_to),
    checkedAt: iso(r.checked_at),
    lagSeconds: r.lag_seconds,
    lagBytes: r.lag_bytes === null ? null : Number(r.lag_bytes),
    promotion:
      r.promoting_since && r.recovery_point
        ? {
            since: iso(r.promoting_since),
            recoveryPoint: iso(r.recovery_point),
            rpoSeconds: r.rpo_seconds ?? 0,
            drained: r.drained === true,
          }
        : null,
  };
}

/** After setup: the replica holds everything as of `syncedUpTo` (its initial copy is done). Replaces any earlier record. */
export async function writeSetupRecord(
  client: Client,
  record: {
    subscription: string;
    publication: string;
    source: string;
    at: Date;
    syncedUpTo: Date;
    keepSetUpAt?: boolean;
  },
): Promise<void> {
  await client.query("BEGIN");
  try {
    await ensureReplicationRecord(client);
    const existing = record.keepSetUpAt ? await readReplicationRecord(client) : undefined;
    await client.query(`DELETE FROM ${REPLICATION_TABLE}`);
    await client.query(
      `INSERT INTO ${REPLICATION_TABLE} (subscription, publication, source, set_up_at, synced_up_to, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        record.subscription,
        record.publication,
        record.source,
        existing?.subscription === record.subscription ? existing.setUpAt : record.at.toISOString(),
        record.syncedUpTo.toISOString(),
        record.at.toISOString(),
      ],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/**
 * A status check's observation: the lag it measured and, when it knows one, how far the replica is
 * in sync. `syncedUpTo` only moves forward. Does nothing without a record (a subscription bloom-dr
 * did not set up) and never throws: the check's result matters more than its note.
 */
export async function recordCheck(
  client: Client,
  check: { at: Date; syncedUpTo: Date | null; lagSeconds: number | null; lagBytes: number | null },
): Promise<boolean> {
  try {
    if (!(await recordExists(client))) return false;
    const { rowCount } = await client.query(
      `UPDATE ${REPLICATION_TABLE}
          SET checked_at = $1, lag_seconds = $2, lag_bytes = $3,
              synced_up_to = greatest(synced_up_to, coalesce($4::timestamptz, synced_up_to))
        WHERE promoting_since IS NULL`,
      [check.at.toISOString(), check.lagSeconds, check.lagBytes, check.syncedUpTo?.toISOString() ?? null],
    );
    return (rowCount ?? 0) > 0;
  } catch {
    return false;
  }
}

/** Promote's note, before the subscription goes: a replica's promotion, with this recovery point. */
export async function recordPromotion(
  client: Client,
  promotion: { since: Date; recoveryPoint: Date; rpoSeconds: number; drained: boolean },
  fallback: { subscription: string; source: string },
): Promise<void> {
  await ensureReplicationRecord(client);
  const values = [
    promotion.since.toISOString(),
    promotion.recoveryPoint.toISOString(),
    promotion.rpoSeconds,
    promotion.drained,
  ];
  const { rowCount } = await client.query(
    `UPDATE ${REPLICATION_TABLE} SET promoting_since = $1, recovery_point = $2, rpo_seconds = $3, drained = $4`,
    values,
  );
  if ((rowCount ?? 0) === 0) {
    // a subscription set up by hand has no record: write one now, so that a second promote resumes
    await client.query(
      `INSERT INTO ${REPLICATION_TABLE} (subscription, publication, source, set_up_at, synced_up_to, checked_at,
                                          promoting_since, recovery_point, rpo_seconds, drained)
       VALUES ($5, '', $6, $2, $2, $1, $1, $2, $3, $4)`,
      [...values, fallback.subscription, fallback.source],
    );
  }
}
