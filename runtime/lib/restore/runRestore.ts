import { BackupManifest } from "../backup/manifest";
import { BackupStore } from "../store/types";

export type RestorePhase = "download" | "restore" | "validate" | "then";

export interface RestoreOptions {
  store: BackupStore;
  backup: "latest" | string;
  targetUrl: string;
  /** pg_restore -j; default os.availableParallelism(). */
  jobs?: number;
  /** Drop what the dump holds before restoring into a non-empty target. */
  clean?: boolean;
  /** Follow-up shell command after a validated restore (DATABASE_URL = the target). */
  then?: string;
  onPhase?: (phase: RestorePhase, state: "start" | "done") => void;
  signal?: AbortSignal;
  /** Directory for the downloaded dump; default os.tmpdir(). */
  tempDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RestoreResult {
  manifest: BackupManifest;
  phases: { downloadMs: number; restoreMs: number; validateMs: number; thenMs?: number };
  totalMs: number;
  tables: Record<string, { expected: number; actual: number }>;
}

export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  void options;
  throw new Error("runRestore: not implemented yet");
}
