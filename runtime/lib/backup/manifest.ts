import { z } from "zod";
import { BACKUP_ID_PATTERN } from "./backupId";

// ids are their own module (no zod): the CLI checks them without loading the manifest schema
export { BACKUP_ID_PATTERN, backupIdFor, backupIdTime, isBackupId } from "./backupId";

/**
 * The manifest written beside each dump: what the dump holds and how to check it. Restores trust
 * nothing else: the sha256 and size are checked before the target is touched, and the exact row
 * counts after.
 */
export interface BackupManifest {
  formatVersion: 1;
  id: string;
  label?: string;
  dump: { key: string; sha256: string; bytes: number; format: "custom"; compression: string };
  source: { host: string; port: number; database: string; serverVersion: string; serverMajor: number };
  pgDumpVersion: string;
  startedAt: string;
  finishedAt: string;
  /** ISO time at which the dumped snapshot was taken: the recovery point (RPO). */
  snapshotAt: string;
  /** "schema.table" → exact row count in the dumped snapshot. */
  tables: Record<string, number>;
  /** sha256 of a canonical description of tables, columns, types, constraints and indexes. */
  schemaFingerprint: string;
}

export const LATEST_KEY = "latest.json";
export const dumpKeyFor = (id: string): string => `${id}.dump`;
export const manifestKeyFor = (id: string): string => `${id}.json`;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO-8601 time");
const count = z.number().int().nonnegative();

const manifestSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string().regex(BACKUP_ID_PATTERN, "expected a backup id such as 20261127T184800123Z-a1b2c3"),
  label: z.string().optional(),
  dump: z.object({
    key: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits"),
    bytes: count,
    format: z.literal("custom"),
    compression: z.string().min(1),
  }),
  source: z.object({
    host: z.string(),
    port: z.number().int().positive(),
    database: z.string(),
    serverVersion: z.string(),
    serverMajor: z.number().int().positive(),
  }),
  pgDumpVersion: z.string().min(1),
  startedAt: isoTime,
  finishedAt: isoTime,
  snapshotAt: isoTime,
  tables: z.record(z.string(), count),
  schemaFingerprint: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits"),
});

/**
 * Parses and checks a manifest. `source` names where it came from (store and key) for the
 * one-line error, which also says what to do.
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
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "(root)";
    throw new Error(
      `manifest ${source} is malformed at ${where}: ${issue.message}; restore another backup (bloom-dr backups)`,
    );
  }
  const manifest = parsed.data as BackupManifest;
  if (manifest.dump.key !== dumpKeyFor(manifest.id)) {
    throw new Error(
      `manifest ${source} names dump ${manifest.dump.key} but backup ${manifest.id} must be ${dumpKeyFor(manifest.id)}; restore another backup`,
    );
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
