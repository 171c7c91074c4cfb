/** Top queries from pg_stat_statements, for this database only, without perf's own queries. */
import { Client } from "pg";
import { quoteIdent } from "../integrity/identifiers";
import { shortenQuery } from "./queryText";
import { StatementStat, StatementStats } from "./types";

/** Every query perf sends starts with this comment, so that perf never reports itself. */
export const PERF_TAG = "/* bloom-dr perf */";

export const NOT_INSTALLED_NOTE =
  "pg_stat_statements is not installed in this database, so no top queries: on Neon run CREATE EXTENSION pg_stat_statements; on RDS it is preloaded by default (shared_preload_libraries in the DB parameter group), then CREATE EXTENSION pg_stat_statements";

export const NOT_LOADED_NOTE =
  "pg_stat_statements is installed but not loaded, so no top queries: add it to shared_preload_libraries (RDS: the DB parameter group; self-hosted: postgresql.conf) and restart the server";

/** How many statements of the top by total time are searched for the columns a table is filtered on. */
export const COLUMN_SEARCH_DEPTH = 50;

const ORDER = { byTotalTime: "total", byMeanTime: "mean", byCalls: "calls" } as const;

export async function readStatements(
  client: Client,
  top: number,
): Promise<{ stats: StatementStats; forColumns: StatementStat[]; notes: string[] }> {
  const empty = { byTotalTime: [], byMeanTime: [], byCalls: [] };
  const { rows: ext } = await client.query<{ schema: string }>(
    `${PERF_TAG} SELECT n.nspname AS schema FROM pg_catalog.pg_extension e
       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  if (ext.length === 0)
    return { stats: { available: false, note: NOT_INSTALLED_NOTE, ...empty }, forColumns: [], notes: [] };
  const view = `${quoteIdent(ext[0].schema)}.pg_stat_statements`;
  // PostgreSQL 13 renamed total_time/mean_time to total_exec_time/mean_exec_time
  const { rows: cols } = await client.query<{ modern: boolean }>(
    `${PERF_TAG} SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
       WHERE attrelid = $1::regclass AND attname = 'total_exec_time' AND NOT attisdropped) AS modern`,
    [view],
  );
  const total = cols[0].modern ? "total_exec_time" : "total_time";
  const mean = cols[0].modern ? "mean_exec_time" : "mean_time";
  const select = (orderBy: string, limit: number) =>
    client.query<{ queryid: string; query: string; calls: string; total: number; mean: number; rows: string }>(
      `${PERF_TAG} SELECT s.queryid::text AS queryid, s.query, s.calls::text AS calls,
              s.${total} AS total, s.${mean} AS mean, s.rows::text AS rows
         FROM ${view} s
        WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
          AND s.query NOT LIKE '%bloom-dr perf%'
        ORDER BY ${orderBy} DESC, s.queryid
        LIMIT $1`,
      [limit],
    );
  const orderColumn = { total: `s.${total}`, mean: `s.${mean}`, calls: "s.calls" };
  const stats: StatementStats = { available: true, ...empty };
  let forColumns: StatementStat[] = [];
  let hidden = 0;
  try {
    for (const [key, by] of Object.entries(ORDER) as [keyof typeof ORDER, (typeof ORDER)[keyof typeof ORDER]][]) {
      const { rows } = await select(orderColumn[by], by === "total" ? Math.max(top, COLUMN_SEARCH_DEPTH) : top);
      const mapped = rows.map((r) => ({
        queryid: r.queryid,
        query: r.query,
        calls: Number(r.calls),
        totalMs: Number(r.total),
        meanMs: Number(r.mean),
        rows: Number(r.rows),
      }));
      if (by === "total") {
        forColumns = mapped;
        hidden = mapped.filter((m) => m.query === "<insufficient privilege>").length;
      }
      stats[key] = mapped.slice(0, top).map((m) => ({ ...m, query: shortenQuery(m.query) }));
    }
  } catch (err) {
    const message = (err as Error).message;
    if (/shared_preload_libraries/.test(message))
      return { stats: { available: false, note: NOT_LOADED_NOTE, ...empty }, forColumns: [], notes: [] };
    throw err;
  }
  const notes =
    hidden > 0
      ? [
          `${hidden} of the top statements belong to other roles and their text is hidden: GRANT pg_read_all_stats TO ${client.user ?? "this role"} to see them`,
        ]
      : [];
  return { stats, forColumns, notes };
}
