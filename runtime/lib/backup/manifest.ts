import { createHash } from "node:crypto";
import { BACKUP_ID_PATTERN } from "./backupId";
import { manifestShape, ShapeError } from "./manifestShape";

// ids are their own module (no zod): the CLI checks them without loading the manifest schema
export { BACKUP_ID_PATTERN, backupIdFor, backupIdTime, isBackupId } from "./backupId";

/** One file of a dump: its exact size and sha256 (hex), computed while it was stored. */
export interface DumpFile {
  bytes: number;
  sha256: string;
}

/** A `pg_dump --format=custom` archive: one object `<id>.dump`. */
export interface CustomDump extends DumpFile {
  key: string;
  format: "custom";
  /** "gzip:1", "zstd:3", "lz4:1", "none". */
  compression: string;
}

/**
 * A `pg_dump --format=directory` dump: the objects `<id>/<name>` (toc.dat and one file per table,
 * as pg_dump named them), which stock pg_restore reads once copied into one local directory.
 */
export interface DirectoryDump extends DumpFile {
  /** The directory: `<id>`. */
  key: string;
  format: "directory";
  compression: string;
  /** pg_dump's parallel jobs (-j). */
  jobs: number;
  /** `bytes`: the sum of the files' sizes; `sha256`: directoryDigest(files), one digest for the whole dump. */
  /** File name → size and sha256. */
  files: Record<string, DumpFile>;
}

/**
 * The manifest written beside each dump: what the dump holds and how to check it. Restores trust
 * nothing else: every object's sha256 and size are checked before the target is touched, and the
 * exact row counts after.
 *
 * Format 1 (written before the directory form): one custom-format dump; `tables` holds every
 * ordinary and partitioned table, each counted with its descendants (`count(*) FROM t`), so a
 * partitioned table's rows appear under the parent and again under each partition.
 *
 * Format 2: a custom or a directory dump; `tables` holds the tables that hold rows (ordinary
 * tables and leaf partitions), each counted alone (`count(*) FROM ONLY t`), so every row is
 * counted once, and `partitions` maps each partitioned table to its leaf partitions (all levels),
 * whose counts add up to the parent's.
 */
export interface BackupManifest {
  formatVersion: 1 | 2;
  id: string;
  label?: string;
  /** Format 1: custom only. */
  dump: CustomDump | DirectoryDump;
  source: { host: string; port: number; database: string; serverVersion: string; serverMajor: number };
  pgDumpVersion: string;
  startedAt: string;
  finishedAt: string;
  /** ISO time at which the dumped snapshot was taken: the recovery point (RPO). */
  snapshotAt: string;
  /** "schema.table" → exact row count in the dumped snapshot (alone in format 2, see above). */
  tables: Record<string, number>;
  /** Format 2: partitioned table → its leaf partitions (keys of `tables`), sorted; [] when it has none. */
  partitions?: Record<string, string[]>;
  /** sha256 of a canonical description of tables, columns, types, constraints and indexes. */
  schemaFingerprint: string;
}

/**
 * One digest for a directory dump: the sha256 of its `sha256sum` listing (`<sha256>  <name>` lines,
 * names in byte order), so `sha256sum -c` in a copy of the directory checks the same files.
 */
export function directoryDigest(files: Record<string, DumpFile>): string {
  return createHash("sha256").update(sha256sumListing(files)).digest("hex");
}

/** The `sha256sum` output for the files, names in byte order. */
export function sha256sumListing(files: Record<string, DumpFile>): string {
  return Object.keys(files)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((name) => `${files[name].sha256}  ${name}\n`)
    .join("");
}

/** The manifest format backups write now. */
export const MANIFEST_FORMAT_VERSION = 2;

export const LATEST_KEY = "latest.json";
export const dumpKeyFor = (id: string): string => `${id}.dump`;
export const manifestKeyFor = (id: string): string => `${id}.json`;

/** Every object a dump consists of, with its store key, size and sha256. */
export function dumpObjects(manifest: BackupManifest): { key: string; bytes: number; sha256: string }[] {
  const dump = manifest.dump;
  if (dump.format === "custom") return [{ key: dump.key, bytes: dump.bytes, sha256: dump.sha256 }];
  return Object.entries(dump.files).map(([name, file]) => ({ key: `${dump.key}/${name}`, ...file }));
}

/**
 * How the manifest's row counts were taken, so that a restore or verify counts the same way:
 * format 2 counts each table alone (ONLY), format 1 with its descendants.
 */
export function countsTablesAlone(manifest: BackupManifest): boolean {
  return manifest.formatVersion >= 2;
}

/** Row counts of the partitioned tables, derived from their leaves (format 2; format 1 lists them in tables). */
export function partitionedTotals(manifest: BackupManifest): Record<string, number> {
  return Object.fromEntries(
    Object.entries(manifest.partitions ?? {}).map(([parent, leaves]) => [
      parent,
      leaves.reduce((sum, leaf) => sum + (manifest.tables[leaf] ?? 0), 0),
    ]),
  );
}

/**
 * Parses and checks a manifest (format 1 or 2). `source` names where it came from (store and key)
 * for the one-line error, which also says what to do.
 */
export function parseManifest(text: string, source: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `manifest ${source} is not valid JSON: the backup cannot be trusted; restore another backup (bloom-dr backups)`,
    );
  }
  let manifest: BackupManifest;
  try {
    manifest = manifestShape(json);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
    const hint =
      err.at === "formatVersion" && typeof version === "number" && version > MANIFEST_FORMAT_VERSION
        ? ` (format ${version} is newer than this bloom-dr reads: upgrade bloom-dr)`
        : "";
    throw new Error(
      `manifest ${source} is malformed at ${err.at}: ${err.reason}${hint}; restore another backup (bloom-dr backups)`,
    );
  }
  const expectedKey = manifest.dump.format === "custom" ? dumpKeyFor(manifest.id) : manifest.id;
  if (manifest.dump.key !== expectedKey) {
    throw new Error(
      `manifest ${source} names dump ${manifest.dump.key} but backup ${manifest.id} must be ${expectedKey}; restore another backup`,
    );
  }
  if (manifest.dump.format === "directory") {
    const total = Object.values(manifest.dump.files).reduce((sum, file) => sum + file.bytes, 0);
    if (total !== manifest.dump.bytes)
      throw new Error(
        `manifest ${source} says dump.bytes ${manifest.dump.bytes} but its files add up to ${total}; restore another backup`,
      );
    if (directoryDigest(manifest.dump.files) !== manifest.dump.sha256)
      throw new Error(
        `manifest ${source} says dump.sha256 ${manifest.dump.sha256.slice(0, 12)}… but its files' digest differs; restore another backup`,
      );
  }
  if (manifest.partitions) {
    for (const [parent, leaves] of Object.entries(manifest.partitions)) {
      const missing = leaves.find((leaf) => !(leaf in manifest.tables));
      if (missing !== undefined)
        throw new Error(
          `manifest ${source} lists partition ${missing} of ${parent} without a row count; restore another backup`,
        );
    }
  }
  return manifest;
}

/** The content of latest.json: a pointer to the newest complete backup's manifest. */
export interface LatestPointer {
  formatVersion: 1;
  id: string;
  manifest: string;
  finishedAt: string;
}

export function latestPointerFor(manifest: BackupManifest): LatestPointer {
  return { formatVersion: 1, id: manifest.id, manifest: manifestKeyFor(manifest.id), finishedAt: manifest.finishedAt };
}

export function parseLatestPointer(text: string, source: string): LatestPointer {
  let json: { id?: unknown } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!json || typeof json.id !== "string" || !BACKUP_ID_PATTERN.test(json.id)) {
    throw new Error(`${source} is malformed (no valid backup id): pass an explicit --backup ID (bloom-dr backups)`);
  }
  return json as LatestPointer;
}
