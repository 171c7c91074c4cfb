/**
 * `bloom-dr perf`: the playbook's SEV-4 diagnosis in one read-only pass. Every session setting
 * keeps it harmless on a struggling server: read-only transactions, a statement timeout, and an
 * application_name that marks it in pg_stat_activity.
 */
import { connectDatabase } from "../backup/database";
import { readCacheHit, readConnections, readLongRunning, statsSince } from "./activity";
import {
  cacheFinding,
  connectionsFinding,
  idleInTransactionFindings,
  longRunningFindings,
  seqScanFinding,
  slowQueryFindings,
  staleFinding,
  unusedIndexFinding,
} from "./findings";
import { PERF_TAG, readStatements } from "./statements";
import { readTables, readUnusedIndexes } from "./tables";
import { DEFAULT_THRESHOLDS, PerfReport, PerfThresholds } from "./types";

export interface PerfOptions {
  dbUrl: string;
  /** How many statements per list and long-running statements to show (default 10). */
  top?: number;
  thresholds?: Partial<PerfThresholds>;
}

export async function diagnosePerformance(options: PerfOptions): Promise<PerfReport> {
  const top = options.top ?? 10;
  const th: PerfThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const client = await connectDatabase(options.dbUrl, "database");
  try {
    for (const setting of [
      "default_transaction_read_only = on",
      "statement_timeout = '30s'",
      "application_name = 'bloom-dr perf'",
    ])
      await client.query(`${PERF_TAG} SET ${setting}`);
    const { stats: statements, forColumns, notes } = await readStatements(client, top);
    const { indexCandidates, staleStatistics } = await readTables(client, forColumns, th);
    const unusedIndexes = await readUnusedIndexes(client);
    const connections = await readConnections(client);
    const cache = await readCacheHit(client);
    const longRunning = await readLongRunning(client, top);
    const since = await statsSince(client);
    if (!statements.available && statements.note) notes.unshift(statements.note);
    const findings = [
      ...slowQueryFindings(statements.byMeanTime, th),
      ...indexCandidates.map(seqScanFinding),
      ...unusedIndexes.map(unusedIndexFinding),
      ...staleStatistics.map(staleFinding),
      ...[connectionsFinding(connections, th)].filter((f) => f !== undefined),
      ...idleInTransactionFindings(connections.idleInTransaction, th),
      ...[cacheFinding(cache, th)].filter((f) => f !== undefined),
      ...longRunningFindings(longRunning, th),
    ];
    return {
      ok: findings.length === 0,
      statsSince: since,
      statements,
      indexCandidates,
      unusedIndexes,
      staleStatistics,
      connections,
      cache,
      longRunning,
      findings,
      notes,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
