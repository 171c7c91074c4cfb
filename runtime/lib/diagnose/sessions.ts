/**
 * Who holds the server's connections: usage against max_connections by state, application and
 * user; sessions idle inside a transaction; long-running statements; and who blocks whom
 * (pg_blocking_pids). One read of pg_stat_activity, aggregated here so the rules stay pure.
 */
import { Client } from "pg";
import { shortenQuery } from "../perf/queryText";
import { BlockingLink, ConnectionUsage, EndpointRole, Session, SessionsReport } from "./types";

interface SettingsRow {
  max: number;
  su_reserved: number;
  reserved: number;
  sees_all: boolean;
  me: number;
}

interface ActivityRow {
  pid: number;
  usr: string;
  app: string;
  state: string;
  backend_start: Date | null;
  xact_start: Date | null;
  query_start: Date | null;
  state_change: Date | null;
  for_ms: string | number | null;
  wait: string | null;
  query: string;
  blockers: number[] | null;
}

export interface ActivitySnapshot {
  settings: SettingsRow;
  rows: ActivityRow[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSession(r: ActivityRow): Session {
  return {
    pid: r.pid,
    user: r.usr,
    application: r.app,
    state: r.state,
    backendStart: iso(r.backend_start),
    xactStart: iso(r.xact_start),
    queryStart: iso(r.query_start),
    stateChange: iso(r.state_change),
    forMs: Math.max(0, Math.round(Number(r.for_ms ?? 0))),
    waitEvent: r.wait,
    query: shortenQuery(r.query),
  };
}

export async function readActivity(client: Client): Promise<ActivitySnapshot> {
  const { rows: settings } = await client.query<SettingsRow>(
    `SELECT current_setting('max_connections')::int AS max,
            current_setting('superuser_reserved_connections')::int AS su_reserved,
            coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
            (pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
              OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)) AS sees_all,
            pg_backend_pid() AS me`,
  );
  // Without pg_read_all_stats, other roles' rows hide backend_type: client sessions are then the
  // rows attached to a database (background processes are not, autovacuum workers briefly are).
  const { rows } = await client.query<ActivityRow>(
    `SELECT pid, coalesce(usename, '') AS usr, coalesce(application_name, '') AS app, coalesce(state, '') AS state,
            backend_start, xact_start, query_start, state_change,
            extract(epoch FROM (now() - CASE WHEN state = 'active' THEN query_start ELSE state_change END)) * 1000 AS for_ms,
            CASE WHEN wait_event_type IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS wait,
            coalesce(query, '') AS query,
            pg_blocking_pids(pid) AS blockers
       FROM pg_catalog.pg_stat_activity
      WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL)
      ORDER BY pid`,
  );
  return { settings: settings[0], rows };
}

function countBy(sessions: readonly Session[], key: (s: Session) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sessions) out[key(s)] = (out[key(s)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export interface SessionRules {
  longRunningMs: number;
  idleInTransactionMs: number;
}

/** Aggregates a snapshot: usage, idle-in-transaction and long-running sessions, blocking links. */
export function analyseActivity(snapshot: ActivitySnapshot, via: EndpointRole, rules: SessionRules): SessionsReport {
  const { settings } = snapshot;
  const sessions = snapshot.rows.map(toSession);
  const reserved = settings.su_reserved + settings.reserved;
  const usable = Math.max(1, settings.max - reserved);
  const usage: ConnectionUsage = {
    total: sessions.length,
    max: settings.max,
    reserved,
    usable,
    percent: Math.round((sessions.length / usable) * 100),
    byState: countBy(sessions, (s) => s.state || "(hidden)"),
    byApplication: countBy(sessions, (s) => s.application || "(none)"),
    byUser: countBy(sessions, (s) => s.user || "(none)"),
    seesAllSessions: settings.sees_all,
  };
  const others = sessions.filter((s) => s.pid !== settings.me);
  const idleInTransaction = others
    .filter((s) => s.state.startsWith("idle in transaction") && s.forMs >= rules.idleInTransactionMs)
    .sort((a, b) => b.forMs - a.forMs || a.pid - b.pid);
  const longRunning = others
    .filter((s) => s.state === "active" && s.forMs >= rules.longRunningMs)
    .sort((a, b) => b.forMs - a.forMs || a.pid - b.pid);
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const blocking: BlockingLink[] = [];
  for (const row of snapshot.rows) {
    for (const blockerPid of row.blockers ?? []) {
      const blocker = byPid.get(blockerPid);
      const blocked = byPid.get(row.pid);
      if (blocker && blocked) blocking.push({ blocked, blocker });
    }
  }
  blocking.sort((a, b) => a.blocker.pid - b.blocker.pid || a.blocked.pid - b.blocked.pid);
  return { via, usage, idleInTransaction, longRunning, blocking };
}

/**
 * The sessions at the root of each blocking chain: they block others and wait for nobody. Ending
 * one of them frees everything queued behind it.
 */
export function rootBlockers(links: readonly BlockingLink[]): Session[] {
  const blockedPids = new Set(links.map((l) => l.blocked.pid));
  const roots = new Map<number, Session>();
  for (const link of links) if (!blockedPids.has(link.blocker.pid)) roots.set(link.blocker.pid, link.blocker);
  return [...roots.values()].sort((a, b) => a.pid - b.pid);
}
