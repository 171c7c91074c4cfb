/**
 * One probe of one endpoint: a login with a connect timeout of a few seconds, `select 1`, and the
 * server's connection usage against max_connections. A failure is classified the way
 * `bloom-dr diagnose` names it (refused, timed out, wrong password, too many connections, …).
 */
import { Client } from "pg";
import { causeKind, describeFailure } from "../lib/diagnose/failureCause";
import { CauseKind, FailureCause, StageName } from "../lib/diagnose/types";
import { parseConnectionUrl } from "../lib/postgres/connectionUrl";

/** How the probe's sessions show in pg_stat_activity; its other session is left out of the usage count. */
export const PROBE_APPLICATION = "bloom-dr health probe";

export interface ConnectionUsageReading {
  used: number;
  usable: number;
  max: number;
  percent: number;
}

export interface EndpointCheck {
  role: "direct" | "pooled";
  ok: boolean;
  ms: number;
  cause?: FailureCause;
  usage?: ConnectionUsageReading;
}

/** The stage a failed login belongs to, so the line reads "TCP: connection refused …", not "auth: …". */
function connectStage(kind: CauseKind): StageName {
  if (kind === "dns") return "dns";
  if (kind === "refused") return "tcp";
  if (kind === "tls") return "tls";
  return "auth";
}

/**
 * Client sessions over the usable slots. Counting other roles' sessions needs pg_read_all_stats
 * (the monitor role has pg_monitor); the probe's second session (the other endpoint) is left out,
 * so the number is what the app and everyone else hold, plus this one.
 */
const USAGE_SQL = `SELECT count(*) FILTER (WHERE backend_type = 'client backend'
                                   AND (application_name <> $1 OR pid = pg_backend_pid()))::int AS used,
       current_setting('max_connections')::int AS max,
       (current_setting('superuser_reserved_connections')::int
         + coalesce(current_setting('reserved_connections', true), '0')::int) AS reserved
  FROM pg_catalog.pg_stat_activity`;

export async function checkEndpoint(
  role: "direct" | "pooled",
  url: string,
  timeoutMs: number,
  readUsage: boolean,
): Promise<EndpointCheck> {
  const parts = parseConnectionUrl(url);
  const started = performance.now();
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: PROBE_APPLICATION,
  });
  client.on("error", () => undefined);
  let stage: "connect" | "select 1" = "connect";
  try {
    await client.connect();
    stage = "select 1";
    await client.query("SELECT 1");
    const ms = Math.round(performance.now() - started);
    let usage: ConnectionUsageReading | undefined;
    if (readUsage) {
      const { rows } = await client.query<{ used: number; max: number; reserved: number }>(USAGE_SQL, [
        PROBE_APPLICATION,
      ]);
      const usable = Math.max(1, rows[0].max - rows[0].reserved);
      usage = { used: rows[0].used, usable, max: rows[0].max, percent: Math.round((rows[0].used / usable) * 100) };
    }
    return { role, ok: true, ms, ...(usage ? { usage } : {}) };
  } catch (err) {
    const kind = causeKind(err, stage === "connect" ? "auth" : "select 1");
    const cause = describeFailure(err, {
      stage: stage === "connect" ? connectStage(kind) : "select 1",
      host: parts.host,
      port: parts.port,
      user: parts.user,
      database: parts.database,
      timeoutMs,
      sslmode: parts.params.sslmode,
      secrets: [parts.password],
    });
    return { role, ok: false, ms: Math.round(performance.now() - started), cause };
  } finally {
    await client.end().catch(() => undefined);
  }
}
