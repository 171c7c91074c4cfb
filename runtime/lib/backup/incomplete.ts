/**
 * Dumps in a store that are not part of a complete backup: a backup that failed where the store
 * refused to remove its dump (the S3 vault denies deletes) leaves `<id>.dump` (or the directory
 * `<id>/` of a directory-format dump) without a usable manifest. Nothing restores it, and the catalog leaves it out; this names it, so that a listing
 * of the store can say what it is instead of leaving an operator to guess.
 */
import { catalogBackups } from "../catalog";
import { BackupStore } from "../store/types";
import { isBackupId, manifestKeyFor } from "./manifest";

export interface IncompleteBackup {
  readonly id: string;
  /** The dump's key, relative to the store (`<id>/` for a directory). */
  readonly key: string;
  readonly bytes: number;
  readonly reason: string;
}

export async function incompleteBackups(store: BackupStore): Promise<IncompleteBackup[]> {
  const objects = await store.list();
  const { backups, skipped } = await catalogBackups(store);
  const complete = new Set(backups.map((backup) => backup.dump.key));
  const damaged = new Map(skipped.map((entry) => [entry.key, entry.reason]));
  const keys = new Set(objects.map((object) => object.key));
  const reasonFor = (id: string) => {
    const manifestKey = manifestKeyFor(id);
    return !keys.has(manifestKey)
      ? `no manifest ${manifestKey}: the backup failed before it was complete`
      : (damaged.get(manifestKey) ??
          `its manifest ${manifestKey} records other sizes: the dump is not the one it describes`);
  };
  const found: IncompleteBackup[] = [];
  for (const object of objects) {
    const id = object.key.replace(/\.dump$/, "");
    if (!object.key.endsWith(".dump") || !isBackupId(id) || complete.has(object.key)) continue;
    found.push({ id, key: object.key, bytes: object.size, reason: reasonFor(id) });
  }
  for (const id of (await store.directories?.()) ?? []) {
    if (!isBackupId(id) || complete.has(id)) continue;
    const files = await store.list(id);
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    found.push({ id, key: `${id}/`, bytes, reason: reasonFor(id) });
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
