/** Sessions and memory: connection usage, cache hit ratio, the longest-running statements. */
import { Client } from "pg";
import { shortenQuery } from "./queryText";
import { PERF_TAG } from "./statements";
import { CacheHit, Connections, SessionInfo } from "./types";

interface SessionRow {
  pid: number;
  user: string | null;
  application: string | null;
  state: string | null;
  for_ms: number;
  query: string | null;
}

function session(r: SessionRow): SessionInfo {
  return {
    pid: r.pid,
    user: r.user ?? "",
    application: r.application ?? "",
    state: r.state ?? "",
    forMs: Math.round(Number(r.for_ms)),
    // without pg_read_all_stats, other roles' statements read "<insufficient privilege>"
    query: shortenQuery(r.query ?? ""),
  };
}

export async function readConnections(client: Client): Promise<Connections> {
  const { rows: settings } = await client.query<{ max: string; reserved: string }>(
    `${PERF_TAG} SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved`,
  );
  const { rows: states } = await client.query<{ state: string; n: string }>(
    `${PERF_TAG} SELECT coalesce(state, 'unknown') AS state, count(*)::text AS n FROM pg_catalog.pg_stat_activity
      WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 1`,
  );
  const { rows: idle } = await client.query<SessionRow>(
    `${PERF_TAG} SELECT pid, usename AS user, application_name AS application, state,
            extract(epoch FROM (now() - state_change)) * 1000 AS for_ms, query
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND state IN ('idle in transaction', 'idle in transaction (aborted)')
        AND pid <> pg_backend_pid()
      ORDER BY state_change, pid`,
  );
  const max = Number(settings[0].max);
  const reserved = Number(settings[0].reserved);
  const byState = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
  return {
    total: Object.values(byState).reduce((a, b) => a + b, 0),
    max,
    reserved,
    usable: max - reserved,
    byState,
    idleInTransaction: idle.map(session),
  };
}

export async function readCacheHit(client: Client): Promise<CacheHit> {
  const { rows } = await client.query<{ hit: string; read: string }>(
    `${PERF_TAG} SELECT blks_hit::text AS hit, blks_read::text AS read FROM pg_catalog.pg_stat_database
      WHERE datname = current_database()`,
  );
  const blocksHit = Number(rows[0]?.hit ?? 0);
  const blocksRead = Number(rows[0]?.read ?? 0);
  const all = blocksHit + blocksRead;
  return { blocksHit, blocksRead, ratio: all === 0 ? null : blocksHit / all };
}

/** Active statements of this database, longest first (perf's own session left out). */
export async function readLongRunning(client: Client, top: number): Promise<SessionInfo[]> {
  const { rows } = await client.query<SessionRow>(
    `${PERF_TAG} SELECT pid, usename AS user, application_name AS application, state,
            extract(epoch FROM (now() - query_start)) * 1000 AS for_ms, query
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND backend_type = 'client backend'
        AND pid <> pg_backend_pid()
      ORDER BY query_start, pid
      LIMIT $1`,
    [top],
  );
  return rows.map(session);
}

/** When the counters started: pg_stat_database.stats_reset (null: since the server's statistics began). */
export async function statsSince(client: Client): Promise<string | null> {
  const { rows } = await client.query<{ reset: Date | null }>(
    `${PERF_TAG} SELECT stats_reset AS reset FROM pg_catalog.pg_stat_database WHERE datname = current_database()`,
  );
  return rows[0]?.reset?.toISOString() ?? null;
}
