import type { Client } from "pg";
import { sleep } from "../platform/sql";
import { sqlLiteral } from "./conninfo";

/**
 * The subscription on the target (the failover instance), read and changed as the role that owns
 * it. Column lists are explicit: PostgreSQL lets only superusers read pg_subscription.subconninfo
 * (it holds the source's password), so `SELECT *` fails for everyone else.
 */

/** pg_subscription_rel.srsubstate: "r" (ready) is the steady state; the rest is the initial copy. */
export const TABLE_STATES: Record<string, string> = {
  i: "initializing",
  d: "copying data",
  f: "copy finished",
  s: "synchronized",
  r: "ready",
};

export interface SubscribedTable {
  table: string;
  state: string;
}

export interface ApplyWorker {
  pid: number;
  receivedLsn: string | null;
  /** Source clock. */
  lastMessageSentAt: string | null;
  /** Target clock. */
  lastMessageReceivedAt: string | null;
  /** Seconds between the last message's arrival and now, on the target's clock. */
  secondsSinceLastMessage: number | null;
}

export interface SubscriptionState {
  name: string;
  owner: string;
  /** The connected role owns it (directly or through membership): it may alter and drop it. */
  manageable: boolean;
  enabled: boolean;
  /** null after ALTER SUBSCRIPTION … SET (slot_name = NONE). */
  slot: string | null;
  publications: string[];
  tables: SubscribedTable[];
  /** The apply worker, when it runs (connected to the source). */
  worker: ApplyWorker | null;
  /** Errors the apply and table-sync workers hit since the statistics were reset (PostgreSQL 15+). */
  errors: { apply: number; sync: number } | null;
}

/** Subscriptions of the connected database, by name. */
export async function subscriptionNames(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT subname AS name FROM pg_catalog.pg_subscription
      WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

export async function readSubscription(client: Client, name: string): Promise<SubscriptionState | undefined> {
  const { rows } = await client.query<{
    oid: number;
    owner: string;
    manageable: boolean;
    enabled: boolean;
    slot: string | null;
    publications: string[];
    version: number;
  }>(
    `SELECT s.oid, pg_catalog.pg_get_userbyid(s.subowner) AS owner, pg_catalog.pg_has_role(s.subowner, 'USAGE') AS manageable,
            s.subenabled AS enabled, s.subslotname AS slot, s.subpublications AS publications,
            current_setting('server_version_num')::int AS version
       FROM pg_catalog.pg_subscription s
      WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`,
    [name],
  );
  const sub = rows[0];
  if (!sub) return undefined;
  const { rows: tables } = await client.query<{ table: string; state: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS table, r.srsubstate AS state
       FROM pg_catalog.pg_subscription_rel r JOIN pg_catalog.pg_class c ON c.oid = r.srrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE r.srsubid = $1 ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`,
    [sub.oid],
  );
  const { rows: workers } = await client.query<{
    pid: number;
    received_lsn: string | null;
    sent: Date | null;
    received: Date | null;
    since: number | null;
  }>(
    `SELECT pid, received_lsn::text, last_msg_send_time AS sent, last_msg_receipt_time AS received,
            extract(epoch FROM now() - last_msg_receipt_time)::float8 AS since
       FROM pg_catalog.pg_stat_subscription WHERE subid = $1 AND relid IS NULL AND pid IS NOT NULL`,
    [sub.oid],
  );
  let errors: SubscriptionState["errors"] = null;
  if (sub.version >= 150000) {
    const { rows: stats } = await client.query<{ apply: string; sync: string }>(
      "SELECT apply_error_count AS apply, sync_error_count AS sync FROM pg_catalog.pg_stat_subscription_stats WHERE subid = $1",
      [sub.oid],
    );
    if (stats[0]) errors = { apply: Number(stats[0].apply), sync: Number(stats[0].sync) };
  }
  const w = workers[0];
  return {
    name,
    owner: sub.owner,
    manageable: sub.manageable,
    enabled: sub.enabled,
    slot: sub.slot,
    publications: sub.publications,
    tables: tables.map((t) => ({ table: t.table, state: TABLE_STATES[t.state] ?? t.state })),
    worker: w
      ? {
          pid: w.pid,
          receivedLsn: w.received_lsn,
          lastMessageSentAt: w.sent ? new Date(w.sent).toISOString() : null,
          lastMessageReceivedAt: w.received ? new Date(w.received).toISOString() : null,
          secondsSinceLastMessage: w.since === null ? null : Math.max(0, w.since),
        }
      : null,
    errors,
  };
}

/**
 * Why the connected role cannot create a subscription here, or undefined. Before PostgreSQL 16
 * only a superuser may (RDS lets its master user, a member of rds_superuser, do it too); from 16
 * also a member of pg_create_subscription with CREATE on the database.
 */
export async function subscriptionCreateProblem(client: Client): Promise<string | undefined> {
  const { rows } = await client.query<{ me: string; ok: boolean; version: number }>(
    `SELECT current_user AS me, current_setting('server_version_num')::int AS version,
            (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
            OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rds_superuser' AND pg_catalog.pg_has_role(current_user, oid, 'MEMBER'))
            OR (current_setting('server_version_num')::int >= 160000
                AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pg_create_subscription' AND pg_catalog.pg_has_role(current_user, oid, 'USAGE'))
                AND has_database_privilege(current_database(), 'CREATE')) AS ok`,
  );
  const { me, ok, version } = rows[0];
  if (ok) return undefined;
  return version >= 160000
    ? `the target role ${me} may not create subscriptions: connect as the RDS master user (a member of rds_superuser) or a superuser, or GRANT pg_create_subscription TO ${me} and GRANT CREATE ON DATABASE <database> TO ${me}`
    : `the target role ${me} may not create subscriptions: before PostgreSQL 16 only a superuser may (on RDS the master user, a member of rds_superuser, may): connect as one of them`;
}

/**
 * CREATE SUBSCRIPTION with its slot on the source and the initial copy of every table. The
 * connection string holds the source's password: the statement is sent only here, and a server
 * that logs statements would log it, so statement logging is turned off for the session where
 * the role may do that (superusers); `statementLogging` says whether the server may have logged it.
 */
export async function createSubscription(
  client: Client,
  name: string,
  conninfo: string,
  publication: string,
): Promise<{ statementLogging: string | undefined }> {
  const statementLogging = await quietSession(client);
  await client.query(
    `CREATE SUBSCRIPTION ${name} CONNECTION ${sqlLiteral(conninfo)} PUBLICATION ${publication} WITH (copy_data = true, create_slot = true, enabled = true)`,
  );
  return { statementLogging };
}

/** Turns statement logging off for this session if allowed; returns the setting that still applies when it may log DDL. */
async function quietSession(client: Client): Promise<string | undefined> {
  for (const setting of [
    "log_statement = 'none'",
    "log_min_error_statement = panic",
    "log_min_duration_statement = -1",
  ])
    await client.query(`SET ${setting}`).catch(() => undefined);
  const { rows } = await client.query<{ statement: string }>("SELECT current_setting('log_statement') AS statement");
  return ["ddl", "mod", "all"].includes(rows[0].statement) ? `log_statement = ${rows[0].statement}` : undefined;
}

/** Waits until every table of the subscription is ready (its initial copy done), or throws after `timeoutMs`. */
export async function waitUntilReady(
  client: Client,
  name: string,
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (notReady: SubscribedTable[]) => void },
): Promise<SubscriptionState> {
  const deadline = performance.now() + options.timeoutMs;
  let reported = -1;
  for (;;) {
    const state = await readSubscription(client, name);
    if (!state) throw new Error(`subscription ${name} disappeared while its tables were being copied`);
    const notReady = state.tables.filter((t) => t.state !== TABLE_STATES.r);
    if (notReady.length === 0 && state.tables.length > 0) return state;
    if (notReady.length !== reported) {
      options.onProgress?.(notReady);
      reported = notReady.length;
    }
    if (performance.now() > deadline) {
      const listed = notReady
        .slice(0, 5)
        .map((t) => `${t.table} ${t.state}`)
        .join(", ");
      throw new Error(
        `the initial copy is not done after ${Math.round(options.timeoutMs / 1000)} s: ${notReady.length} of ${state.tables.length} table(s) not ready (${listed}); it goes on in the background: run setup again to wait for it, and if a table stays in one state, read the target's server log`,
      );
    }
    await sleep(200, options.signal);
  }
}

export interface SubscriptionRemoval {
  /** The slot the subscription used on the source (null when it had none). */
  slot: string | null;
  /** Dropped with the subscription (DROP SUBSCRIPTION reached the source); false: it is left on the source. */
  slotDropped: boolean;
  /** Why the slot was left, when it was. */
  slotLeftBecause?: string;
}

/**
 * Stops the subscription (DISABLE: nothing is applied after this), then drops it. DROP SUBSCRIPTION
 * drops its slot on the source through the subscription's own connection; when the source cannot
 * be reached (or `sourceGone`), the slot is detached first (slot_name = NONE) so the drop succeeds,
 * and it is reported as left on the source, where it keeps WAL until someone drops it.
 */
export async function removeSubscription(
  client: Client,
  name: string,
  options: { sourceGone?: boolean } = {},
): Promise<SubscriptionRemoval> {
  const state = await readSubscription(client, name);
  if (!state) return { slot: null, slotDropped: false };
  if (state.enabled) await client.query(`ALTER SUBSCRIPTION ${name} DISABLE`);
  if (state.slot && !options.sourceGone) {
    try {
      await client.query(`DROP SUBSCRIPTION ${name}`);
      return { slot: state.slot, slotDropped: true };
    } catch (err) {
      const reason = (err as Error).message.split("\n")[0];
      await detachAndDrop(client, name);
      return { slot: state.slot, slotDropped: false, slotLeftBecause: reason };
    }
  }
  await detachAndDrop(client, name);
  return state.slot
    ? { slot: state.slot, slotDropped: false, slotLeftBecause: "the source is unreachable" }
    : { slot: null, slotDropped: false };
}

async function detachAndDrop(client: Client, name: string): Promise<void> {
  const state = await readSubscription(client, name);
  if (!state) return;
  if (state.slot) await client.query(`ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`);
  await client.query(`DROP SUBSCRIPTION ${name}`);
}
