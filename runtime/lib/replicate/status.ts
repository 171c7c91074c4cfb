import type { Client } from "pg";
import { connectDatabase, describeDatabase } from "../backup/database";
import { describeSchema } from "../backup/schemaFingerprint";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { describeServing, readServingMarker } from "../promote/marker";
import { LagReading, lagFromProbe, lagFromTarget, probeLag, readSlot, SlotState } from "./lag";
import { readReplicationRecord, recordCheck } from "./record";
import { compareSchemas, SchemaComparison } from "./schemaDiff";
import { DEFAULT_MAX_LAG_SECONDS, DEFAULT_SUBSCRIPTION } from "./settings";
import { readSubscription, SubscribedTable, TABLE_STATES } from "./subscription";
import { MIGRATION_HISTORY_TABLE, replicatedTables } from "./tables";

export interface ReplicateStatusOptions {
  targetUrl: string;
  /** With the source: the lag is measured there, and the schemas, the migrations and its slots are checked. */
  sourceUrl?: string;
  subscription?: string;
  /** Default 60. */
  maxLagSeconds?: number;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface ReplicateStatus {
  /** Replicating, every table ready, lag within the limit, and (with the source) the same schema and migrations. */
  ok: boolean;
  subscription: string;
  target: string;
  source: string | null;
  /** null without --source. */
  sourceReachable: boolean | null;
  /** The target's serving marker, described, when it serves (a promoted replica). */
  serving: string | null;
  exists: boolean;
  enabled: boolean;
  /** Its apply worker runs (connected to the source). */
  workerRunning: boolean;
  tables: SubscribedTable[];
  /** Tables not "ready", source tables the subscription does not carry, or 1 when it is disabled or not running. */
  tablesNotSyncing: number;
  lag: LagReading;
  maxLagSeconds: number;
  /** The subscription's slot on the source (with the source). */
  slot: SlotState | null;
  schema: SchemaComparison | null;
  /** Migrations finished on one side only (Prisma's history, which each side keeps). */
  migrations: { onlyOnSource: string[]; onlyOnTarget: string[] } | null;
  /** Source tables the subscription does not carry (created after setup). */
  notReplicated: string[];
  /** Inactive slots in the source database that no subscription of this replica uses. */
  orphanedSlots: SlotState[];
  errors: { apply: number; sync: number } | null;
  /** Why ok is false, one line each. */
  problems: string[];
  warnings: string[];
  checkedAt: string;
}

/**
 * The replica's health: its subscription, each table's state, the lag (measured on the source when
 * given, else from what the replica knows), whether the schemas and migrations match, and slots
 * on the source that nothing uses (an abandoned slot makes the source keep WAL forever). Records
 * its observation in the replica's record, which is what promote falls back on when the source
 * is gone. Throws only when the target cannot be read.
 */
export async function runReplicateStatus(options: ReplicateStatusOptions): Promise<ReplicateStatus> {
  const now = options.now ?? (() => new Date());
  const name = options.subscription ?? DEFAULT_SUBSCRIPTION;
  const maxLagSeconds = options.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
  const target = describeDatabase(options.targetUrl);
  const secrets = [parseConnectionUrl(options.targetUrl, "target database URL").password];
  if (options.sourceUrl) secrets.push(parseConnectionUrl(options.sourceUrl, "source database URL").password);
  const problems: string[] = [];
  const warnings: string[] = [];

  let dst: Client | undefined;
  let src: Client | undefined;
  try {
    dst = await connectDatabase(options.targetUrl, "target database");
    const serving = await readServingMarker(dst);
    const sub = await readSubscription(dst, name);
    const record = await readReplicationRecord(dst);
    let sourceReachable: boolean | null = null;
    if (options.sourceUrl) {
      try {
        src = await connectDatabase(options.sourceUrl, "source database");
        sourceReachable = true;
      } catch (err) {
        sourceReachable = false;
        warnings.push(`${redactSecrets((err as Error).message, secrets)}: lag from the replica's own view`);
      }
    }

    let lag: LagReading | undefined;
    let slot: SlotState | null = null;
    let schema: SchemaComparison | null = null;
    let migrations: ReplicateStatus["migrations"] = null;
    let notReplicated: string[] = [];
    let orphanedSlots: SlotState[] = [];
    if (src) {
      if (sub?.slot) {
        slot = (await readSlot(src, sub.slot)) ?? null;
        if (!slot)
          problems.push(
            `the subscription's slot ${sub.slot} does not exist on the source (Neon removes inactive slots; a branch restore removes all): the replica cannot resume: rebuild it with replicate setup --clean`,
          );
        else if (slot.active)
          lag = lagFromProbe(
            await probeLag(src, sub.slot, { capMs: maxLagSeconds * 1000, clock: now, signal: options.signal }),
          );
      }
      schema = compareSchemas(await describeSchema(src), await describeSchema(dst));
      migrations = await compareMigrations(src, dst);
      if (sub) {
        const subscribed = new Set(sub.tables.map((t) => t.table));
        notReplicated = (await replicatedTables(src)).map((t) => t.name).filter((t) => !subscribed.has(t));
      }
      orphanedSlots = await orphans(src, sub?.slot ?? null);
    }
    lag ??= lagFromTarget(sub, record, now());

    const exists = sub !== undefined;
    const enabled = sub?.enabled === true;
    const workerRunning = sub?.worker != null;
    const tables = sub?.tables ?? [];
    const notReady = tables.filter((t) => t.state !== TABLE_STATES.r);
    const stalled = !exists || !enabled || !workerRunning;
    const tablesNotSyncing = Math.max(notReady.length + notReplicated.length, stalled ? 1 : 0);

    if (!exists)
      problems.push(
        `there is no subscription ${name} on ${target}${serving ? ` (it is ${describeServing(serving)})` : ""}: set it up with bloom-dr replicate setup`,
      );
    else if (!enabled) problems.push(`subscription ${name} is disabled: nothing is applied`);
    else if (!workerRunning)
      problems.push(
        `subscription ${name}'s apply worker is not running: the source is unreachable or refuses it, or applying a change failed (the target's log says which; it retries every few seconds)`,
      );
    if (notReady.length > 0)
      problems.push(
        `${notReady.length} table(s) not ready: ${notReady
          .slice(0, 5)
          .map((t) => `${t.table} ${t.state}`)
          .join(", ")}`,
      );
    if (notReplicated.length > 0)
      problems.push(
        `${notReplicated.length} source table(s) are not replicated: ${notReplicated.join(", ")}: apply their migration to the replica (migrate run --also) and run replicate setup again`,
      );
    if (exists && lag.seconds === null) problems.push("the lag is unknown: the replica has not heard from the source");
    else if (exists && lag.seconds !== null && lag.seconds > maxLagSeconds)
      problems.push(
        `the lag is ${lag.atLeast ? "at least " : ""}${lag.seconds} s, over the limit of ${maxLagSeconds} s`,
      );
    else if (exists && lag.atLeast)
      problems.push(`the replica had not caught up when the check had to stop: the lag is at least ${lag.seconds} s`);
    if (schema && !schema.matches)
      problems.push(
        `the schemas differ: ${[...schema.onlyOnSource.slice(0, 2).map((l) => `source has "${l}"`), ...schema.onlyOnTarget.slice(0, 2).map((l) => `replica has "${l}"`)].join("; ")}: apply the migration to the side that lacks it`,
      );
    if (migrations && migrations.onlyOnSource.length > 0)
      problems.push(
        `migration(s) applied on the source but not on the replica: ${migrations.onlyOnSource.join(", ")}: run them there (migrate run --also)`,
      );
    for (const orphan of orphanedSlots)
      warnings.push(
        `slot ${orphan.name} on the source is inactive and keeps ${orphan.retainedBytes} bytes of WAL (growing until it is dropped): if nothing uses it, drop it: bloom-dr replicate stop --source URL --subscription ${orphan.name}, or SELECT pg_drop_replication_slot('${orphan.name}')`,
      );

    const checkedAt = now();
    if (exists && (lag.basis === "source" || lag.basis === "last-message"))
      await recordCheck(dst, {
        at: checkedAt,
        syncedUpTo: lag.syncedUpTo ? new Date(lag.syncedUpTo) : null,
        lagSeconds: lag.seconds,
        lagBytes: lag.bytes,
      });
    return {
      ok: problems.length === 0,
      subscription: name,
      target,
      source: options.sourceUrl ? describeDatabase(options.sourceUrl) : null,
      sourceReachable,
      serving: serving ? describeServing(serving) : null,
      exists,
      enabled,
      workerRunning,
      tables,
      tablesNotSyncing,
      lag,
      maxLagSeconds,
      slot,
      schema,
      migrations,
      notReplicated,
      orphanedSlots,
      errors: sub?.errors ?? null,
      problems: problems.map((p) => redactSecrets(p, secrets)),
      warnings,
      checkedAt: checkedAt.toISOString(),
    };
  } catch (err) {
    throw new Error(
      redactSecrets(`replicate status of ${target} failed: ${(err as Error).message.split("\n")[0]}`, secrets),
    );
  } finally {
    await src?.end().catch(() => undefined);
    await (dst as Client | undefined)?.end().catch(() => undefined);
  }
}

/** Logical slots of the source's database that are inactive, except the subscription's own while it exists. */
async function orphans(source: Client, ownSlot: string | null): Promise<SlotState[]> {
  const { rows } = await source.query<{ name: string; retained: string | null; unconfirmed: string | null }>(
    `SELECT slot_name AS name,
            pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint AS retained,
            pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS unconfirmed
       FROM pg_catalog.pg_replication_slots
      WHERE slot_type = 'logical' AND database = current_database() AND NOT active
        AND slot_name IS DISTINCT FROM $1
      ORDER BY 1`,
    [ownSlot],
  );
  return rows.map((r) => ({
    name: r.name,
    active: false,
    retainedBytes: Math.max(0, Number(r.retained ?? 0)),
    unconfirmedBytes: Math.max(0, Number(r.unconfirmed ?? 0)),
  }));
}

/** Prisma migrations finished on one side only, when both sides keep a history. */
async function compareMigrations(source: Client, target: Client): Promise<ReplicateStatus["migrations"]> {
  const finished = async (client: Client): Promise<Set<string> | undefined> => {
    const { rows: found } = await client.query<{ table: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS table
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND c.relkind = 'r' ORDER BY (n.nspname = 'public') DESC, 1 LIMIT 1`,
      [MIGRATION_HISTORY_TABLE],
    );
    if (!found[0]) return undefined;
    const { rows } = await client.query<{ name: string }>(
      `SELECT DISTINCT migration_name AS name FROM ${found[0].table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(rows.map((r) => r.name));
  };
  const [onSource, onTarget] = [await finished(source), await finished(target)];
  if (!onSource || !onTarget) return null;
  return {
    onlyOnSource: [...onSource].filter((m) => !onTarget.has(m)).sort(),
    onlyOnTarget: [...onTarget].filter((m) => !onSource.has(m)).sort(),
  };
}
