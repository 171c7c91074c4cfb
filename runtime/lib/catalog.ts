import {
  BackupManifest,
  dumpObjects,
  isBackupId,
  LATEST_KEY,
  manifestKeyFor,
  parseLatestPointer,
  parseManifest,
} from "./backup/manifest";
import { BackupStore } from "./store/types";

/** A manifest the catalog could not use, and why. */
export interface SkippedManifest {
  key: string;
  reason: string;
}

/**
 * Complete backups, newest first: a manifest that parses and whose dump is in the store with the
 * sizes the manifest records (every file, for a directory-format dump). A dump without manifest (an interrupted backup) is not a backup one
 * could restore, so it is not listed. A manifest that does not parse is not listed either, but is
 * returned in `skipped` so that a damaged catalog is not mistaken for a short one.
 */
export async function catalogBackups(
  store: BackupStore,
): Promise<{ backups: BackupManifest[]; skipped: SkippedManifest[] }> {
  const objects = await store.list();
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  const backups: BackupManifest[] = [];
  const skipped: SkippedManifest[] = [];
  for (const { key } of objects) {
    const id = key.replace(/\.json$/, "");
    if (key === LATEST_KEY || !key.endsWith(".json") || !isBackupId(id)) continue;
    const text = await store.getText(key);
    if (text === undefined) continue;
    let manifest: BackupManifest;
    try {
      manifest = parseManifest(text, `${store.describe()}/${key}`);
    } catch (err) {
      skipped.push({ key, reason: (err as Error).message });
      continue;
    }
    if (manifest.id === id && (await dumpComplete(store, manifest, sizes))) backups.push(manifest);
  }
  backups.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { backups, skipped };
}

/** Whether every object of the dump is in the store with its recorded size. */
async function dumpComplete(
  store: BackupStore,
  manifest: BackupManifest,
  topLevelSizes: Map<string, number>,
): Promise<boolean> {
  const sizes =
    manifest.dump.format === "directory"
      ? new Map((await store.list(manifest.dump.key)).map((o) => [o.key, o.size]))
      : topLevelSizes;
  return dumpObjects(manifest).every((object) => sizes.get(object.key) === object.bytes);
}

/** Complete backups, newest first (see catalogBackups; malformed manifests are left out). */
export async function listBackups(store: BackupStore): Promise<BackupManifest[]> {
  return (await catalogBackups(store)).backups;
}

/** The manifest of "latest" or of a given id; throws a one-line reason when missing or malformed. */
export async function resolveBackup(store: BackupStore, backup: "latest" | string): Promise<BackupManifest> {
  const where = store.describe();
  let id = backup;
  if (backup === "latest") {
    const pointer = await store.getText(LATEST_KEY);
    if (pointer === undefined)
      throw new Error(`no backups in ${where}: ${LATEST_KEY} not found; run bloom-dr backup first or check --store`);
    id = parseLatestPointer(pointer, `${where}/${LATEST_KEY}`).id;
  } else if (!isBackupId(backup)) {
    throw new Error(
      `"${backup}" is not a backup id (e.g. 20261127T184800123Z-a1b2c3) or "latest": list them with bloom-dr backups --store ${where}`,
    );
  }
  const key = manifestKeyFor(id);
  const text = await store.getText(key);
  if (text === undefined) {
    throw new Error(
      `manifest ${key} not found in ${where}: backup ${id} is missing or incomplete; list complete backups with bloom-dr backups --store ${where}`,
    );
  }
  const manifest = parseManifest(text, `${where}/${key}`);
  if (manifest.id !== id)
    throw new Error(
      `manifest ${where}/${key} describes backup ${manifest.id}, not ${id}: the store was tampered with; restore another backup`,
    );
  return manifest;
}
