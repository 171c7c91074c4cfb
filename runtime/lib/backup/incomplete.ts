/**
 * Dumps in a store that are not part of a complete backup: a backup that failed where the store
 * refused to remove its dump (the S3 vault denies deletes) leaves `<id>.dump` without a usable
 * manifest. Nothing restores it, and the catalog leaves it out; this names it, so that a listing
 * of the store can say what it is instead of leaving an operator to guess.
 */
import { catalogBackups } from "../catalog";
import { BackupStore } from "../store/types";
import { isBackupId, manifestKeyFor } from "./manifest";

export interface IncompleteBackup {
  readonly id: string;
  /** The dump's key, relative to the store. */
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
  const found: IncompleteBackup[] = [];
  for (const object of objects) {
    const id = object.key.replace(/\.dump$/, "");
    if (!object.key.endsWith(".dump") || !isBackupId(id) || complete.has(object.key)) continue;
    const manifestKey = manifestKeyFor(id);
    const reason = !keys.has(manifestKey)
      ? `no manifest ${manifestKey}: the backup failed before it was complete`
      : (damaged.get(manifestKey) ??
        `its manifest ${manifestKey} records another size: the dump is not the one it describes`);
    found.push({ id, key: object.key, bytes: object.size, reason });
  }
  return found;
}
