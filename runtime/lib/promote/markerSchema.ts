/**
 * The schema inside a database where bloom-dr keeps what it must know about that database: the
 * serving marker (this database serves the app since …, from backup …), the restore job's record
 * (the standby holds backup … as validated) and a replica's replication record. Roles are
 * cluster-wide, so the marker cannot be a role: it lives in the database it describes.
 *
 * Backups never carry this schema (pg_dump --exclude-schema, and the manifest's row counts and
 * schema fingerprint leave it out), so a restore, a fail-back included, never imports a stale
 * marker. This module holds names only, so backup/ and restore/ can use them without loading
 * anything else.
 */
export const MARKER_SCHEMA = "bloom_dr";

/** One row while the database serves the app (written last by promote). */
export const SERVING_TABLE = `${MARKER_SCHEMA}.serving`;

/** One row after the restore job's validated restore: which backup the standby holds, and its state then. */
export const RESTORED_TABLE = `${MARKER_SCHEMA}.restored`;

/**
 * One row on a logical replica (failover.mode replica): its subscription, the newest moment it is
 * known to have held everything the source had (setup and every status check move it forward), and
 * while promote turns it into the serving database, that promotion's recovery point.
 */
export const REPLICATION_TABLE = `${MARKER_SCHEMA}.replication`;
