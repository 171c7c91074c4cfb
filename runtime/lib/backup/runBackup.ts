import { BackupStore } from "../store/types";
import { BackupManifest } from "./manifest";

export interface BackupOptions {
  dbUrl: string;
  store: BackupStore;
  label?: string;
  onProgress?: (progress: { bytes: number }) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Environment for finding pg_dump (BLOOM_DR_PG_BIN) and for the child; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface BackupResult {
  id: string;
  manifest: BackupManifest;
  durationMs: number;
}

export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  void options;
  throw new Error("runBackup: not implemented yet");
}
