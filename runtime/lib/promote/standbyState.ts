import { createHash } from "node:crypto";
import type { Client } from "pg";
import { tableLayout, userTables } from "../backup/database";
import { BackupManifest, countsTablesAlone } from "../backup/manifest";
import { schemaFingerprint } from "../backup/schemaFingerprint";
import { userObjects } from "../restore/target";
import { ensureMarkerSchema } from "./marker";
import { MARKER_SCHEMA, RESTORED_TABLE } from "./markerSchema";

/**
 * The restore job's record of a validated restore, and the check that lets promote skip the
 * restore (the fast path) only when the standby still holds exactly that backup.
 *
 * "Untouched since" is decided from the database itself, not from statistics (pg_stat counters
 * are flushed late and reset on a crash): the record keeps the id of the transaction that wrote
 * it, and every row inserted or updated since carries a newer xmin; deleted rows show in the
 * exact counts; DDL writes catalog rows with a newer xmin. Anything that does not match exactly
 * means a full restore, the safe direction.
 */

export interface RestoreRecord {
  backupId: string;
  snapshotAt: string;
  recordedAt: string;
  /** pg_current_xact_id() of the recording transaction (xid8, as text). */
  xid: string;
  schemaFingerprint: string;
  objectsSha256: string;
  sequencesSha256: string;
}

/** Per-database catalogs that any DDL writes (a newer xmin there means the schema was touched). */
const WATCHED_CATALOGS = [
  "pg_namespace",
  "pg_class",
  "pg_attribute",
  "pg_attrdef",
  "pg_constraint",
  "pg_index",
  "pg_proc",
  "pg_type",
  "pg_enum",
  "pg_trigger",
  "pg_rewrite",
  "pg_sequence",
  "pg_policy",
  "pg_extension",
] as const;

const sha256 = (lines: string[]) => createHash("sha256").update(lines.join("\n")).digest("hex");

/** Hashes of what the schema fingerprint does not cover: every user object's name, and sequence positions. */
async function stateHashes(client: Client): Promise<{ objects: string; sequences: string }> {
  const objects = (await userObjects(client)).filter((o) => !o.split(" ").at(-1)!.startsWith(`${MARKER_SCHEMA}.`));
  const { rows } = await client.query<{ line: string }>(
    `SELECT line FROM (SELECT format('%I.%I %s', schemaname, sequencename, coalesce(last_value::text, 'unset')) AS line
                         FROM pg_catalog.pg_sequences WHERE schemaname <> $1) s
      ORDER BY line COLLATE "C"`,
    [MARKER_SCHEMA],
  );
  return { objects: sha256(objects), sequences: sha256(rows.map((r) => r.line)) };
}

/**
 * Records, after a validated restore of `manifest`, that the database holds it, with the state to
 * compare against later. Replaces any earlier record; one transaction.
 */
export async function recordValidatedRestore(
  client: Client,
  manifest: BackupManifest,
  now: Date,
): Promise<RestoreRecord> {
  await client.query("BEGIN");
  try {
    await ensureMarkerSchema(client);
    const fingerprint = await schemaFingerprint(client);
    const hashes = await stateHashes(client);
    const { rows } = await client.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
    const record: RestoreRecord = {
      backupId: manifest.id,
      snapshotAt: manifest.snapshotAt,
      recordedAt: now.toISOString(),
      xid: rows[0].xid,
      schemaFingerprint: fingerprint,
      objectsSha256: hashes.objects,
      sequencesSha256: hashes.sequences,
    };
    await client.query(`DELETE FROM ${RESTORED_TABLE}`);
    await client.query(
      `INSERT INTO ${RESTORED_TABLE} (backup_id, snapshot_at, recorded_at, xid, schema_fingerprint, objects_sha256, sequences_sha256)
       VALUES ($1, $2, $3, $4::xid8, $5, $6, $7)`,
      [
        record.backupId,
        record.snapshotAt,
        record.recordedAt,
        record.xid,
        record.schemaFingerprint,
        record.objectsSha256,
        record.sequencesSha256,
      ],
    );
    await client.query("COMMIT");
    return record;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

export async function readRestoreRecord(client: Client): Promise<RestoreRecord | undefined> {
  const { rows: found } = await client.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = 'restored' AND c.relkind = 'r') AS found`,
    [MARKER_SCHEMA],
  );
  if (!found[0].found) return undefined;
  const { rows } = await client.query<{
    backup_id: string;
    snapshot_at: Date;
    recorded_at: Date;
    xid: string;
    schema_fingerprint: string;
    objects_sha256: string;
    sequences_sha256: string;
  }>(`SELECT backup_id, snapshot_at, recorded_at, xid::text AS xid, schema_fingerprint, objects_sha256, sequences_sha256
        FROM ${RESTORED_TABLE}`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    backupId: row.backup_id,
    snapshotAt: new Date(row.snapshot_at).toISOString(),
    recordedAt: new Date(row.recorded_at).toISOString(),
    xid: row.xid,
    schemaFingerprint: row.schema_fingerprint,
    objectsSha256: row.objects_sha256,
    sequencesSha256: row.sequences_sha256,
  };
}

export type StandbyMatch =
  | { untouched: true; record: RestoreRecord; tables: Record<string, { expected: number; actual: number }> }
  | { untouched: false; reason: string };

/**
 * Whether the database holds exactly `manifest` as the restore job validated it, untouched since:
 * the record names this backup, the schema, objects and sequences are as recorded, no catalog row
 * and no row of any table was written after the record, and every table's exact count is the
 * manifest's. Read in one REPEATABLE READ snapshot, so the counts and the checks agree.
 */
export async function checkStandby(client: Client, manifest: BackupManifest): Promise<StandbyMatch> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    return await compare(client, manifest);
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
  }
}

async function compare(client: Client, manifest: BackupManifest): Promise<StandbyMatch> {
  const record = await readRestoreRecord(client);
  if (!record) return { untouched: false, reason: "no record of a validated restore by the restore job" };
  if (record.backupId !== manifest.id)
    return { untouched: false, reason: `the standby holds backup ${record.backupId}, not ${manifest.id}` };
  if ((await schemaFingerprint(client)) !== record.schemaFingerprint)
    return { untouched: false, reason: "its schema changed since the restore job validated it" };
  const hashes = await stateHashes(client);
  if (hashes.objects !== record.objectsSha256)
    return { untouched: false, reason: "objects were created or dropped since the restore job validated it" };
  if (hashes.sequences !== record.sequencesSha256)
    return { untouched: false, reason: "sequences moved since the restore job validated it" };
  // age() is stable within this transaction: a row written after the record has a smaller age
  const { rows: ages } = await client.query<{ age: number }>("SELECT age($1::xid8::xid) AS age", [record.xid]);
  const recordAge = ages[0].age;
  const catalogs = await client.query<{ catalog: string; n: string }>(
    WATCHED_CATALOGS.map(
      (c) => `SELECT '${c}' AS catalog, count(*) AS n FROM pg_catalog.${c} WHERE age(xmin) < $1`,
    ).join(" UNION ALL "),
    [recordAge],
  );
  const ddl = catalogs.rows.filter((r) => Number(r.n) > 0).map((r) => r.catalog);
  if (ddl.length > 0)
    return { untouched: false, reason: `catalog rows changed since the restore job validated it (${ddl.join(", ")})` };
  // the tables and counts as the backup made them: format 2 lists the tables that hold rows
  // (ordinary tables, leaf partitions), each counted alone; format 1 every table with descendants
  const alone = countsTablesAlone(manifest);
  const present = alone ? (await tableLayout(client)).tables : await userTables(client);
  const expected = new Set(Object.keys(manifest.tables));
  if (present.length !== expected.size || present.some((name) => !expected.has(name)))
    return { untouched: false, reason: "its tables are not the backup's" };
  const tables: Record<string, { expected: number; actual: number }> = {};
  for (const name of present) {
    // names come from format('%I.%I') (tableLayout, userTables): already quoted where needed
    const { rows } = await client.query<{ n: string; newer: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE age(xmin) < $1) AS newer FROM ${alone ? "ONLY " : ""}${name}`,
      [recordAge],
    );
    const actual = Number(rows[0].n);
    if (Number(rows[0].newer) > 0)
      return { untouched: false, reason: `rows of ${name} were written since the restore job validated it` };
    if (actual !== manifest.tables[name])
      return { untouched: false, reason: `${name} has ${actual} rows, the backup ${manifest.tables[name]}` };
    tables[name] = { expected: manifest.tables[name], actual };
  }
  return { untouched: true, record, tables };
}
