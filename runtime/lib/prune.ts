import { BackupStore } from "./store/types";

export interface PruneOptions {
  /** Newest complete backups to keep (at least 1 is always kept). */
  keep: number;
  /** Also keep anything younger than this many days. */
  keepDays?: number;
  now?: Date;
}

export async function pruneBackups(store: BackupStore, options: PruneOptions): Promise<{ removed: string[]; kept: string[] }> {
  void store;
  void options;
  throw new Error("pruneBackups: not implemented yet");
}
