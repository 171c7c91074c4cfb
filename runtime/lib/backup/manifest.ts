import { randomBytes } from "node:crypto";
import { z } from "zod";

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

/** 20261127T184800123Z-a1b2c3: UTC to the millisecond, then 6 random hex digits. */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

/**
 * A backup id that sorts by time as a plain string and is safe as a file name and an S3 key
 * (no colons, no slashes). The random suffix separates backups started in the same millisecond.
 */
export function backupIdFor(date: Date, random: string = randomBytes(3).toString("hex")): string {
  if (Number.isNaN(date.getTime())) throw new Error("backupIdFor needs a valid date");
  if (!/^[0-9a-f]{6}$/.test(random)) throw new Error(`backup id suffix must be 6 hex digits (got "${random}")`);
  const compact = date.toISOString().replace(/[-:.]/g, "");
  return `${compact}-${random}`;
}

/** The time encoded in a backup id, or undefined for anything that is not one. */
export function backupIdTime(id: string): Date | undefined {
  if (!BACKUP_ID_PATTERN.test(id)) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id)!;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function isBackupId(id: string): boolean {
  return backupIdTime(id) !== undefined;
}

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
