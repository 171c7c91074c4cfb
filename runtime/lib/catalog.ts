import { BackupManifest } from "./backup/manifest";
import { BackupStore } from "./store/types";

/** Complete backups (a manifest whose dump exists), newest first. */
export async function listBackups(store: BackupStore): Promise<BackupManifest[]> {
  void store;
  throw new Error("listBackups: not implemented yet");
}

/** The manifest of "latest" or of a given id; throws a one-line reason when missing or malformed. */
export async function resolveBackup(store: BackupStore, backup: "latest" | string): Promise<BackupManifest> {
  void store;
  void backup;
  throw new Error("resolveBackup: not implemented yet");
}
