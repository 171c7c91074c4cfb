/** What `bloom-dr perf` reads and concludes (the playbook's SEV-4 diagnosis). */

export interface StatementStat {
  queryid: string;
  /** Normalized by pg_stat_statements ($1 for constants), whitespace collapsed, shortened. */
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface StatementStats {
  available: boolean;
  /** Why it is not available, and how to enable it (one line). */
  note?: string;
  byTotalTime: StatementStat[];
  byMeanTime: StatementStat[];
  byCalls: StatementStat[];
}

export interface IndexCandidate {
  /** `schema.table`, unquoted. */
  table: string;
  seqScans: number;
  seqRowsRead: number;
  rowsPerScan: number;
  indexScans: number;
  liveRows: number;
  /** Columns the top queries filter or join this table on, where their text shows it. */
  columns: string[];
  sql: string;
}

export interface UnusedIndex {
  index: string;
  table: string;
  bytes: number;
  sql: string;
}

export interface StaleStatistics {
  table: string;
  liveRows: number;
  modifiedSinceAnalyze: number;
  lastAnalyzed: string | null;
  sql: string;
}

export interface Connections {
  /** Client sessions on the whole server (max_connections is server-wide). */
  total: number;
  max: number;
  reserved: number;
  /** max - reserved: what non-superusers can open. */
  usable: number;
  byState: Record<string, number>;
  /** Sessions of this database idle inside an open transaction, longest first. */
  idleInTransaction: SessionInfo[];
}

export interface SessionInfo {
  pid: number;
  user: string;
  application: string;
  state: string;
  /** Since the statement started (active) or the state began (idle in transaction). */
  forMs: number;
  query: string;
}

export interface CacheHit {
  blocksHit: number;
  blocksRead: number;
  /** hit / (hit + read); null before any block was read. */
  ratio: number | null;
}

export type PerfCheck =
  | "slow-query"
  | "seq-scan"
  | "unused-index"
  | "stale-statistics"
  | "connections"
  | "idle-in-transaction"
  | "cache-hit"
  | "long-running";

export interface PerfFinding {
  check: PerfCheck;
  object: string;
  detail: string;
  /** SQL for a person to review; perf runs none of it. */
  sql: string;
}

export interface PerfReport {
  ok: boolean;
  statsSince: string | null;
  statements: StatementStats;
  indexCandidates: IndexCandidate[];
  unusedIndexes: UnusedIndex[];
  staleStatistics: StaleStatistics[];
  connections: Connections;
  cache: CacheHit;
  longRunning: SessionInfo[];
  findings: PerfFinding[];
  notes: string[];
}

/** When a number becomes a finding. Every default is documented in docs/operations.md. */
export interface PerfThresholds {
  /** The playbook's "slow query": mean execution time at or above this (2 s). */
  slowMeanMs: number;
  /** Tables smaller than this are fine to read sequentially (10,000 rows). */
  seqScanMinRows: number;
  /** Sequential scans needed before a table is judged (50: a daily backup alone adds one a day). */
  seqScanMinScans: number;
  /** Rows read per sequential scan, on average, for "many rows per scan" (1,000). */
  seqScanMinRowsPerScan: number;
  /** A table is "read mostly by sequential scans" when indexes serve fewer than this share of scans (0.95). */
  indexUsageBelow: number;
  /** Modifications since the last analyze for stale statistics: at least this many (1,000) … */
  staleMinModifications: number;
  /** … and at least this share of the live rows (0.2). */
  staleFraction: number;
  /** Share of usable connections in use that is a finding (0.8). */
  connectionsUsedAbove: number;
  /** Cache hit ratio under this is a finding (0.99) … */
  cacheHitBelow: number;
  /** … once this many blocks were hit or read (100,000, 800 MB); before that the ratio means little. */
  cacheMinBlocks: number;
  /** An active statement running this long is a finding (60 s). */
  longRunningMs: number;
  /** A session idle inside a transaction this long is a finding (5 min): it holds locks and blocks vacuum. */
  idleInTransactionMs: number;
}

export const DEFAULT_THRESHOLDS: PerfThresholds = {
  slowMeanMs: 2000,
  seqScanMinRows: 10_000,
  seqScanMinScans: 50,
  seqScanMinRowsPerScan: 1000,
  indexUsageBelow: 0.95,
  staleMinModifications: 1000,
  staleFraction: 0.2,
  connectionsUsedAbove: 0.8,
  cacheHitBelow: 0.99,
  cacheMinBlocks: 100_000,
  longRunningMs: 60_000,
  idleInTransactionMs: 300_000,
};
