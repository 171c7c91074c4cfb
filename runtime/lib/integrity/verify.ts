import type { BackupManifest } from "../backup/manifest";

/** One problem `verify` found, with the SQL a person would review to fix it (never executed). */
export interface Finding {
  check: "orphan-rows" | "constraint-not-valid" | "index-corrupt" | "row-count";
  /** The object concerned: a constraint, index or table, schema-qualified and quoted. */
  object: string;
  detail: string;
  fixSql?: string;
}

export interface VerifyResult {
  ok: boolean;
  findings: Finding[];
  checked: { foreignKeys: number; constraints: number; indexes: number; tables: number; amcheck: boolean };
  /** Checks that were skipped and why (e.g. amcheck not available on this server). */
  notes: string[];
}

export interface VerifyOptions {
  dbUrl: string;
  /** When given, exact row counts are compared with the ones recorded in this backup. */
  manifest?: BackupManifest;
}

/** Integrity checks of a database; read-only: the fixes are returned, never run. */
export async function verifyDatabase(options: VerifyOptions): Promise<VerifyResult> {
  void options;
  throw new Error("verifyDatabase: not implemented yet");
}
