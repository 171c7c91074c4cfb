import { randomBytes } from "node:crypto";

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
