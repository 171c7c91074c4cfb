/** The manifest written beside each dump: what it holds and how to check it. */
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
  schemaFingerprint: string;
}

export function parseManifest(text: string, source: string): BackupManifest {
  void text;
  void source;
  throw new Error("parseManifest: not implemented yet");
}

export function backupIdFor(date: Date, random?: string): string {
  void date;
  void random;
  throw new Error("backupIdFor: not implemented yet");
}

export const LATEST_KEY = "latest.json";
export const dumpKeyFor = (id: string): string => `${id}.dump`;
export const manifestKeyFor = (id: string): string => `${id}.json`;
