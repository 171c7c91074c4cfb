/** Table and index counters (pg_stat_user_tables / _indexes) of this database. */
import { Client } from "pg";
import { analyzeSql, createIndexSql, dropIndexSql, isIndexCandidate, isStale } from "./findings";
import { filterColumns } from "./queryText";
import { PERF_TAG } from "./statements";
import { IndexCandidate, PerfThresholds, StaleStatistics, StatementStat, UnusedIndex } from "./types";

interface TableRow {
  schema: string;
  name: string;
  seq_scan: string;
  seq_tup_read: string;
  idx_scan: string;
  n_live_tup: string;
  n_mod_since_analyze: string;
  last_analyzed: Date | null;
}

async function tableCounters(client: Client): Promise<TableRow[]> {
  const { rows } = await client.query<TableRow>(
    `${PERF_TAG} SELECT schemaname AS schema, relname AS name, seq_scan::text, seq_tup_read::text,
            coalesce(idx_scan, 0)::text AS idx_scan, n_live_tup::text, n_mod_since_analyze::text,
            greatest(last_analyze, last_autoanalyze) AS last_analyzed
       FROM pg_catalog.pg_stat_user_tables
      ORDER BY schemaname, relname`,
  );
  return rows;
}

async function columnsOf(client: Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `${PERF_TAG} SELECT a.attname AS name FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = $1 AND c.relname = $2)
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, table],
  );
  return rows.map((r) => r.name);
}

/**
 * Index candidates (read mostly by sequential scans, many rows each) with the columns the top
 * statements filter them on, and tables whose statistics are stale.
 */
export async function readTables(
  client: Client,
  statements: readonly StatementStat[],
  th: PerfThresholds,
): Promise<{ indexCandidates: IndexCandidate[]; staleStatistics: StaleStatistics[] }> {
  const indexCandidates: IndexCandidate[] = [];
  const staleStatistics: StaleStatistics[] = [];
  for (const r of await tableCounters(client)) {
    const table = `${r.schema}.${r.name}`;
    const counters = {
      seqScans: Number(r.seq_scan),
      seqRowsRead: Number(r.seq_tup_read),
      indexScans: Number(r.idx_scan),
      liveRows: Number(r.n_live_tup),
    };
    if (isIndexCandidate(counters, th)) {
      const known = await columnsOf(client, r.schema, r.name);
      let columns: string[] = [];
      for (const s of statements) {
        columns = filterColumns(s.query, r.schema, r.name, known);
        if (columns.length > 0) break;
      }
      indexCandidates.push({
        table,
        ...counters,
        rowsPerScan: Math.round(counters.seqRowsRead / counters.seqScans),
        columns,
        sql: createIndexSql(r.schema, r.name, columns),
      });
    }
    const modifiedSinceAnalyze = Number(r.n_mod_since_analyze);
    if (isStale({ liveRows: counters.liveRows, modifiedSinceAnalyze }, th)) {
      staleStatistics.push({
        table,
        liveRows: counters.liveRows,
        modifiedSinceAnalyze,
        lastAnalyzed: r.last_analyzed?.toISOString() ?? null,
        sql: analyzeSql(r.schema, r.name),
      });
    }
  }
  return { indexCandidates, staleStatistics };
}

/**
 * Indexes never scanned since the statistics were reset, except those that enforce something
 * (primary key, unique, exclusion: their job is the constraint, not reads) and invalid ones.
 */
export async function readUnusedIndexes(client: Client): Promise<UnusedIndex[]> {
  const { rows } = await client.query<{ schema: string; table: string; index: string; bytes: string }>(
    `${PERF_TAG} SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS index,
            pg_catalog.pg_relation_size(s.indexrelid)::text AS bytes
       FROM pg_catalog.pg_stat_user_indexes s JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = s.indexrelid)
      ORDER BY s.schemaname, s.indexrelname`,
  );
  return rows.map((r) => ({
    index: `${r.schema}.${r.index}`,
    table: `${r.schema}.${r.table}`,
    bytes: Number(r.bytes),
    sql: dropIndexSql(r.schema, r.index),
  }));
}
