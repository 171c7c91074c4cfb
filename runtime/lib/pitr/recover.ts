export interface RecoverOptions {
  /** The branch (point-in-time copy) that still has the rows. */
  fromUrl: string;
  /** The database that lost them. */
  targetUrl: string;
  /** "table" (schema public) or "schema.table". */
  tables: string[];
  /** false = dry run: count only, change nothing. */
  apply: boolean;
}

export interface TableRecovery {
  table: string;
  /** Rows in the branch whose primary key is absent from the target. */
  missing: number;
  /** Rows in the branch whose primary key already exists in the target (left untouched). */
  existing: number;
  /** Rows inserted (0 in a dry run). */
  inserted: number;
}

export interface RecoverResult {
  applied: boolean;
  /** In insertion order: parents before children. */
  tables: TableRecovery[];
}

/** Copies rows missing from the target back from the branch, in one transaction, never overwriting. */
export async function recoverRows(options: RecoverOptions): Promise<RecoverResult> {
  void options;
  throw new Error("recoverRows: not implemented yet");
}
