/**
 * Pure rules of `bloom-dr perf`: which numbers are findings, and the SQL a person reviews for
 * each. Nothing here connects; perf never runs the SQL it proposes.
 */
import { quoteIdent, quoteLiteral } from "../integrity/identifiers";
import {
  CacheHit,
  Connections,
  IndexCandidate,
  PerfFinding,
  PerfThresholds,
  SessionInfo,
  StaleStatistics,
  StatementStat,
  UnusedIndex,
} from "./types";

/** `"schema"."name"` from its two parts. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** The index to review for a table read by sequential scans; a hint when no filter column was seen. */
export function createIndexSql(schema: string, table: string, columns: readonly string[]): string {
  if (columns.length > 0)
    return `CREATE INDEX CONCURRENTLY ON ${qualified(schema, table)} (${columns.map(quoteIdent).join(", ")});`;
  return [
    `-- the top queries do not show what ${schema}.${table} is filtered on; find the query that reads it:`,
    `--   SELECT query, calls, mean_exec_time FROM pg_stat_statements WHERE query ILIKE ${quoteLiteral(`%${table}%`)} ORDER BY total_exec_time DESC LIMIT 5;`,
    `-- then: CREATE INDEX CONCURRENTLY ON ${qualified(schema, table)} (<the column it filters on>);`,
  ].join("\n");
}

export function dropIndexSql(schema: string, index: string): string {
  return `DROP INDEX CONCURRENTLY ${qualified(schema, index)};`;
}

export function analyzeSql(schema: string, table: string): string {
  return `ANALYZE ${qualified(schema, table)};`;
}

/** Whether a table's counters say "read mostly by sequential scans, many rows each". */
export function isIndexCandidate(
  t: { seqScans: number; seqRowsRead: number; indexScans: number; liveRows: number },
  th: PerfThresholds,
): boolean {
  if (t.liveRows < th.seqScanMinRows || t.seqScans < th.seqScanMinScans || t.seqScans === 0) return false;
  if (t.seqRowsRead / t.seqScans < th.seqScanMinRowsPerScan) return false;
  return t.indexScans / (t.seqScans + t.indexScans) < th.indexUsageBelow;
}

/** Whether enough rows changed since the last ANALYZE for the planner's estimates to be wrong. */
export function isStale(t: { liveRows: number; modifiedSinceAnalyze: number }, th: PerfThresholds): boolean {
  return (
    t.modifiedSinceAnalyze >= th.staleMinModifications &&
    t.modifiedSinceAnalyze >= th.staleFraction * Math.max(t.liveRows, 1)
  );
}

export function cacheFinding(cache: CacheHit, th: PerfThresholds): PerfFinding | undefined {
  const blocks = cache.blocksHit + cache.blocksRead;
  if (cache.ratio === null || blocks < th.cacheMinBlocks || cache.ratio >= th.cacheHitBelow) return undefined;
  return {
    check: "cache-hit",
    object: "database",
    detail: `cache hit ratio ${percent(cache.ratio)} (${cache.blocksHit} blocks from memory, ${cache.blocksRead} read) is under ${percent(th.cacheHitBelow)}: the working set does not fit in memory`,
    sql: [
      "-- the tables read most from disk; consider a larger compute (Neon) or instance class (RDS), or indexes that read less",
      "SELECT schemaname, relname, heap_blks_read, heap_blks_hit, idx_blks_read FROM pg_statio_user_tables ORDER BY heap_blks_read + coalesce(idx_blks_read, 0) DESC LIMIT 10;",
    ].join("\n"),
  };
}

export function connectionsFinding(c: Connections, th: PerfThresholds): PerfFinding | undefined {
  if (c.usable <= 0 || c.total / c.usable < th.connectionsUsedAbove) return undefined;
  return {
    check: "connections",
    object: "server",
    detail: `${c.total} of ${c.usable} usable connections in use (${percent(c.total / c.usable)}; max_connections ${c.max}, ${c.reserved} reserved): the app should connect through the pooler (Neon: the -pooler host), and idle sessions be closed`,
    sql: [
      "-- who holds the connections",
      "SELECT usename, application_name, state, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1, 2, 3 ORDER BY 4 DESC;",
    ].join("\n"),
  };
}

export function idleInTransactionFindings(sessions: readonly SessionInfo[], th: PerfThresholds): PerfFinding[] {
  return sessions
    .filter((s) => s.forMs >= th.idleInTransactionMs)
    .map((s) => ({
      check: "idle-in-transaction" as const,
      object: `pid ${s.pid}`,
      detail: `${s.user} (${s.application || "no application_name"}) has been ${s.state} for ${seconds(s.forMs)}, holding its locks; last statement: ${s.query}`,
      sql: `SELECT pg_terminate_backend(${s.pid});  -- ends that session and rolls its transaction back`,
    }));
}

export function longRunningFindings(sessions: readonly SessionInfo[], th: PerfThresholds): PerfFinding[] {
  return sessions
    .filter((s) => s.forMs >= th.longRunningMs)
    .map((s) => ({
      check: "long-running" as const,
      object: `pid ${s.pid}`,
      detail: `a statement of ${s.user} has run for ${seconds(s.forMs)}: ${s.query}`,
      sql: `SELECT pg_cancel_backend(${s.pid});  -- cancels the statement (pg_terminate_backend ends the session)`,
    }));
}

export function slowQueryFindings(statements: readonly StatementStat[], th: PerfThresholds): PerfFinding[] {
  return statements
    .filter((s) => s.meanMs >= th.slowMeanMs)
    .map((s) => ({
      check: "slow-query" as const,
      object: `queryid ${s.queryid}`,
      detail: `mean ${milliseconds(s.meanMs)} over ${s.calls} call(s) (total ${milliseconds(s.totalMs)}): ${s.query}`,
      sql: `-- run it with real values in place of $1, $2, … and read the plan:\nEXPLAIN (ANALYZE, BUFFERS) ${s.query.endsWith("…") ? "<the full query: SELECT query FROM pg_stat_statements WHERE queryid = " + s.queryid + ">" : s.query};`,
    }));
}

export function seqScanFinding(c: IndexCandidate): PerfFinding {
  const on = c.columns.length > 0 ? `; the top queries filter it on ${c.columns.join(", ")}` : "";
  return {
    check: "seq-scan",
    object: c.table,
    detail: `${c.seqScans} sequential scans read ${c.rowsPerScan} rows each on average (${c.liveRows} rows), ${c.indexScans} index scans${on}`,
    sql: c.sql,
  };
}

export function unusedIndexFinding(u: UnusedIndex): PerfFinding {
  return {
    check: "unused-index",
    object: u.index,
    detail: `index on ${u.table} (${u.bytes} bytes) was never used since the statistics were reset; it still slows every write`,
    sql: u.sql,
  };
}

export function staleFinding(s: StaleStatistics): PerfFinding {
  return {
    check: "stale-statistics",
    object: s.table,
    detail: `${s.modifiedSinceAnalyze} rows modified since the last analyze (${s.lastAnalyzed ?? "never analyzed"}; ${s.liveRows} live rows): the planner's estimates are off`,
    sql: s.sql,
  };
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function milliseconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
