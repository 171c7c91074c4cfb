/**
 * What a failed backup leaves in its store, said in the error: where the store refuses to remove
 * (the S3 vault denies deletes to everyone but the break-glass role), a failure must still be
 * impossible to mistake for a backup. A manifest is the only proof of a complete backup; a dump
 * without one is in no catalog, restore or latest.json.
 */
import { BackupStore } from "../store/types";
import { BackupManifest, dumpObjects, LATEST_KEY, manifestKeyFor } from "./manifest";

/**
 * Removes what a failed backup made visible: the manifest first, then the dump, so that no
 * manifest ever points at a missing dump. "" when all is gone; otherwise the error's tail naming
 * what stayed and what it is.
 */
export async function leftOver(
  store: BackupStore,
  manifest: BackupManifest,
  manifestWritten: boolean,
): Promise<string> {
  const where = store.describe();
  if (manifestWritten) {
    const refused = await removalRefused(store, manifestKeyFor(manifest.id));
    if (refused !== undefined) {
      return `; backup ${manifest.id} is nonetheless complete in ${where} (the store refused to remove its manifest: ${refused}): it is listed by bloom-dr backups and restorable by id, but ${LATEST_KEY} does not name it`;
    }
  }
  let refused: string | undefined;
  for (const object of dumpObjects(manifest)) {
    refused = await removalRefused(store, object.key);
    if (refused !== undefined) break; // a store that refuses one delete refuses them all
  }
  if (refused === undefined) return "";
  return `; ${dumpName(manifest)} stays in ${where} without a manifest (the store refused to remove it: ${refused}): it is not a backup, no catalog, restore or ${LATEST_KEY} uses it, and the vault's lifecycle expires it`;
}

/** "<id>.dump", or "<id>/ (12 files)" for the directory form. */
export function dumpName(manifest: BackupManifest): string {
  const dump = manifest.dump;
  return dump.format === "custom" ? dump.key : `${dump.key}/ (${Object.keys(dump.files).length} files)`;
}

/** undefined when the key is gone; the store's one-line refusal otherwise. */
async function removalRefused(store: BackupStore, key: string): Promise<string | undefined> {
  try {
    await store.remove(key);
    return undefined;
  } catch (err) {
    return (err as Error).message.split("\n")[0];
  }
}

/** Discards a staged dump; "" when nothing stays, otherwise the error's tail saying what does. */
export async function discarded(staged: { discard(): Promise<void> }, dumpKey: string): Promise<string> {
  try {
    await staged.discard();
    return "";
  } catch (err) {
    return `; the unfinished ${dumpKey} could not be discarded (${(err as Error).message.split("\n")[0]}): it is not a backup, no catalog, restore or ${LATEST_KEY} uses it, and the store's lifecycle removes it`;
  }
}
