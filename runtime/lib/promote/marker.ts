import type { Client } from "pg";
import { MARKER_SCHEMA, RESTORED_TABLE, SERVING_TABLE } from "./markerSchema";

const PATHS = "('restored', 'fast', 'replica')";

/**
 * How a database came to serve: restored by promote, promoted as the restore job left it, or a
 * logical replica promoted (failover.mode replica).
 */
export type PromotePath = "restored" | "fast" | "replica";

/** The serving marker's backup_id for a replica's promotion: what it was promoted from. */
export function replicaSourceId(subscription: string): string {
  return `replica:${subscription}`;
}

/** The serving marker: this database serves the app. Nothing automated restores over it. */
export interface ServingMarker {
  /** ISO time the promotion finished (the promoting engine's clock). */
  since: string;
  backupId: string;
  /** ISO time of the backup's snapshot: the recovery point the app resumed from. */
  snapshotAt: string;
  path: PromotePath;
  /** The role that ran promote (the RDS master, the database's owner). */
  promotedBy: string;
  appRole: string;
}

/** Whether a table of the marker schema exists, without touching anything that does not. */
async function markerTableExists(client: Client, qualified: string): Promise<boolean> {
  const [schema, table] = qualified.split(".");
  const { rows } = await client.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r') AS found`,
    [schema, table],
  );
  return rows[0].found;
}

/** The database's serving marker, or undefined when it does not serve. */
export async function readServingMarker(client: Client): Promise<ServingMarker | undefined> {
  if (!(await markerTableExists(client, SERVING_TABLE))) return undefined;
  const { rows } = await client.query<{
    since: Date;
    backup_id: string;
    snapshot_at: Date;
    path: PromotePath;
    promoted_by: string;
    app_role: string;
  }>(`SELECT since, backup_id, snapshot_at, path, promoted_by, app_role FROM ${SERVING_TABLE}`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    since: new Date(row.since).toISOString(),
    backupId: row.backup_id,
    snapshotAt: new Date(row.snapshot_at).toISOString(),
    path: row.path,
    promotedBy: row.promoted_by,
    appRole: row.app_role,
  };
}

/** "serving since 2027-03-01T10:00:00.000Z (from backup …, promoted by …)", for refusals and notices. */
export function describeServing(marker: ServingMarker): string {
  const from =
    marker.path === "replica"
      ? `a logical replica (${marker.backupId.replace(/^replica:/, "subscription ")}, recovery point ${marker.snapshotAt})`
      : `backup ${marker.backupId}`;
  return `serving since ${marker.since} (from ${from}, promoted by ${marker.promotedBy}, app role ${marker.appRole})`;
}

/**
 * Creates the marker schema and its tables when missing. The schema belongs to whoever promotes
 * (the master). Every role may read the serving marker (whoever restores, even as another role,
 * must see it; the app may show it), none but the owner may change it: the app cannot remove its
 * own marker. The restore job's record stays private.
 */
export async function ensureMarkerSchema(client: Client): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${MARKER_SCHEMA}`);
  await client.query(`REVOKE ALL ON SCHEMA ${MARKER_SCHEMA} FROM PUBLIC`);
  await client.query(`GRANT USAGE ON SCHEMA ${MARKER_SCHEMA} TO PUBLIC`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${SERVING_TABLE} (
    one_row     boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    since       timestamptz NOT NULL,
    backup_id   text NOT NULL,
    snapshot_at timestamptz NOT NULL,
    path        text NOT NULL CONSTRAINT serving_path_check CHECK (path IN ${PATHS}),
    promoted_by text NOT NULL DEFAULT current_user,
    app_role    text NOT NULL
  )`);
  await allowEveryPath(client);
  await client.query(`REVOKE ALL ON ${SERVING_TABLE} FROM PUBLIC`);
  await client.query(`GRANT SELECT ON ${SERVING_TABLE} TO PUBLIC`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${RESTORED_TABLE} (
    one_row            boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    backup_id          text NOT NULL,
    snapshot_at        timestamptz NOT NULL,
    recorded_at        timestamptz NOT NULL,
    xid                xid8 NOT NULL,
    schema_fingerprint text NOT NULL,
    objects_sha256     text NOT NULL,
    sequences_sha256   text NOT NULL,
    recorded_by        text NOT NULL DEFAULT current_user
  )`);
  await client.query(`REVOKE ALL ON ${RESTORED_TABLE} FROM PUBLIC`);
}

/**
 * A serving table created before replicas existed allows only 'restored' and 'fast': its check is
 * replaced once (PostgreSQL named the old one serving_path_check as well).
 */
async function allowEveryPath(client: Client): Promise<void> {
  const { rows } = await client.query<{ def: string }>(
    `SELECT pg_catalog.pg_get_constraintdef(oid) AS def FROM pg_catalog.pg_constraint
      WHERE conrelid = $1::regclass AND conname = 'serving_path_check'`,
    [SERVING_TABLE],
  );
  if (rows[0]?.def.includes("'replica'")) return;
  await client.query(`ALTER TABLE ${SERVING_TABLE} DROP CONSTRAINT IF EXISTS serving_path_check`);
  await client.query(`ALTER TABLE ${SERVING_TABLE} ADD CONSTRAINT serving_path_check CHECK (path IN ${PATHS})`);
}

/**
 * Marks the database serving, in one transaction, as promote's last step; the restore job's
 * record goes with it (a serving database is no longer a standby). The caller has checked, under
 * the target lock, that it was not serving already: a second row is refused by the primary key.
 */
export async function writeServingMarker(client: Client, marker: Omit<ServingMarker, "promotedBy">): Promise<void> {
  await client.query("BEGIN");
  try {
    await ensureMarkerSchema(client);
    await client.query(
      `INSERT INTO ${SERVING_TABLE} (since, backup_id, snapshot_at, path, app_role) VALUES ($1, $2, $3, $4, $5)`,
      [marker.since, marker.backupId, marker.snapshotAt, marker.path, marker.appRole],
    );
    await client.query(`DELETE FROM ${RESTORED_TABLE}`);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
