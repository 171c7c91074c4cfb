import type { Client } from "pg";
import { connectDatabase, describeDatabase, userTables } from "../backup/database";
import { redactSecrets } from "../postgres/connectionUrl";
import { LagReading, lagFromProbe, lagFromTarget, probeLag } from "../replicate/lag";
import { readReplicationRecord, recordPromotion, ReplicationRecord } from "../replicate/record";
import { fixSequences, SequenceFix, sourceSequencePositions } from "../replicate/sequences";
import { DEFAULT_DRAIN_SECONDS } from "../replicate/settings";
import { readSubscription, removeSubscription, subscriptionNames, SubscriptionState } from "../replicate/subscription";
import { ensureAppRole, OwnershipCounts, transferOwnership } from "./appRole";
import { smokeAsAppRole } from "./appSmoke";
import { replicaSourceId, writeServingMarker } from "./marker";
import { PhaseTimer } from "./phaseTimer";
import { inTransaction } from "../platform/sql";

/**
 * promote on a logical replica (failover.mode replica): no backup and no restore. If the source is
 * still reachable, promote waits (bounded) until the replica has applied everything the source
 * had when promote started; then the subscription is disabled and dropped (its slot on the source
 * with it when the source answers), the sequences are set past every replicated id, the app role
 * gets everything as on the restore path, and the database is marked serving. The RPO is the lag
 * at that moment: 0 when drained, else the time since the replica was last known in sync.
 *
 * Before the subscription goes, the replica's record notes the promotion and its recovery point,
 * so a promote that fails after that point resumes the replica path (it never restores a backup
 * over a promoted replica's newer data).
 */

/** A replica found on the target: its subscription, or the note of a promotion under way. */
export interface ReplicaTarget {
  subscription: SubscriptionState | undefined;
  record: ReplicationRecord | undefined;
  name: string;
}

/**
 * The replica on the target, if it is one: the named subscription (or the only one), or a
 * replica promotion that did not finish. undefined: not a replica (the backup path applies).
 */
export async function findReplica(client: Client, name: string | undefined): Promise<ReplicaTarget | undefined> {
  const names = await subscriptionNames(client);
  const record = await readReplicationRecord(client);
  if (name === undefined && names.length > 1)
    throw new Error(
      `the target holds ${names.length} subscriptions (${names.join(", ")}): name the one to promote from (--subscription)`,
    );
  const chosen = name ?? names[0] ?? record?.subscription;
  if (chosen === undefined) return undefined;
  const subscription = names.includes(chosen) ? await readSubscription(client, chosen) : undefined;
  if (subscription) return { subscription, record, name: chosen };
  if (record?.promotion && record.subscription === chosen) return { subscription: undefined, record, name: chosen };
  return undefined;
}

export interface ReplicaPromotionOptions {
  client: Client;
  targetUrl: string;
  replica: ReplicaTarget;
  /** The source (the primary), for the drain, its sequence positions and its slot; optional. */
  sourceUrl?: string;
  drainSeconds?: number;
  appRole: string;
  appPassword: string;
  smokeQuery?: string;
  now: () => Date;
  signal?: AbortSignal;
  timer: PhaseTimer;
  onNotice?: (text: string) => void;
}

export interface ReplicaPromotion {
  since: Date;
  recoveryPoint: string;
  rpoSeconds: number;
  drained: boolean;
  resumed: boolean;
  source: "reachable" | "unreachable" | "not given";
  lag: LagReading | null;
  slot: { name: string; dropped: boolean; reason?: string } | null;
  sequences: SequenceFix[];
  ownership: OwnershipCounts;
  tables: string[];
  smokeQueryRows?: number;
}

export async function promoteReplica(options: ReplicaPromotionOptions): Promise<ReplicaPromotion> {
  const { client: db, replica, timer } = options;
  let src: Client | undefined;
  let sourceState: ReplicaPromotion["source"] = options.sourceUrl ? "unreachable" : "not given";
  try {
    const drained = await timer.phase("drain", async () => {
      if (options.sourceUrl) {
        src = await connectDatabase(options.sourceUrl, "source database").catch((err: Error) => {
          options.onNotice?.(
            `promote: the source is unreachable (${redactSecrets(err.message)}): promoting without it; the RPO is the replica's lag when it last heard from the source`,
          );
          return undefined;
        });
        if (src) sourceState = "reachable";
      }
      if (replica.record?.promotion && !replica.subscription) {
        options.onNotice?.(
          `promote: resuming the promotion of replica ${replica.name} started at ${replica.record.promotion.since}`,
        );
        const positions = src ? await sourceSequencePositions(src).catch(() => undefined) : undefined;
        return { lag: null, positions, resumed: replica.record.promotion };
      }
      const sub = replica.subscription!;
      let lag: LagReading | undefined;
      if (src && sub.slot) {
        const probe = await probeLag(src, sub.slot, {
          capMs: (options.drainSeconds ?? DEFAULT_DRAIN_SECONDS) * 1000,
          clock: options.now,
          signal: options.signal,
        });
        lag = lagFromProbe(probe);
        if (!probe.caughtUp)
          options.onNotice?.(
            `promote: the replica did not catch up with the source within ${options.drainSeconds ?? DEFAULT_DRAIN_SECONDS} s (${probe.bytes} bytes behind at the start): promoting anyway; what it had not applied is lost`,
          );
      }
      if (!lag || lag.atLeast) {
        // not drained: what the replica knows gives the newest moment it was in sync (an upper bound on the loss)
        const fromTarget = lagFromTarget(sub, replica.record, options.now());
        if (fromTarget.syncedUpTo || !lag) lag = fromTarget;
      }
      const positions = src ? await sourceSequencePositions(src).catch(() => undefined) : undefined;
      return { lag, positions, resumed: undefined };
    });

    const since = options.now();
    let promotion = drained.resumed;
    if (!promotion) {
      const lag = drained.lag!;
      const isDrained = lag.basis === "source" && !lag.atLeast;
      const recoveryPoint = isDrained ? new Date(lag.syncedUpTo!) : lag.syncedUpTo ? new Date(lag.syncedUpTo) : since;
      const rpoSeconds = isDrained
        ? 0
        : lag.syncedUpTo
          ? Math.max(0, Math.round((since.getTime() - recoveryPoint.getTime()) / 1000))
          : Math.round(lag.seconds ?? 0);
      if (!lag.syncedUpTo && lag.seconds === null)
        options.onNotice?.(
          "promote: nothing says how far behind the replica was (no worker, no status check recorded): the RPO is reported as 0 but is unknown",
        );
      await recordPromotion(
        db,
        { since, recoveryPoint, rpoSeconds, drained: isDrained },
        { subscription: replica.name, source: options.sourceUrl ? describeDatabase(options.sourceUrl) : "" },
      );
      promotion = {
        since: since.toISOString(),
        recoveryPoint: recoveryPoint.toISOString(),
        rpoSeconds,
        drained: isDrained,
      };
    }
    options.signal?.throwIfAborted();

    const slot = await timer.phase("release", async () => {
      if (!replica.subscription) return null;
      const removal = await removeSubscription(db, replica.name, {
        sourceGone: !src && options.sourceUrl !== undefined,
      });
      if (!removal.slot) return null;
      if (removal.slotDropped) return { name: removal.slot, dropped: true };
      if (src) {
        await src.query("SELECT pg_catalog.pg_drop_replication_slot($1)", [removal.slot]).catch(() => undefined);
        const { rows } = await src.query("SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = $1", [
          removal.slot,
        ]);
        if (rows.length === 0) return { name: removal.slot, dropped: true };
      }
      const reason = removal.slotLeftBecause ?? "the source is unreachable";
      options.onNotice?.(
        `promote: slot ${removal.slot} is left on the source (${reason}): drop it once Neon is back (bloom-dr replicate stop --target URL --source URL --subscription ${replica.name}), or it keeps WAL forever`,
      );
      return { name: removal.slot, dropped: false, reason };
    });
    options.signal?.throwIfAborted();

    const sequences = await timer.phase("sequences", () =>
      inTransaction(db, () => fixSequences(db, drained.positions)),
    );
    const ownership = await timer.phase("role", () =>
      inTransaction(db, async () => {
        await ensureAppRole(db, options.appRole, options.appPassword);
        return transferOwnership(db, options.appRole);
      }),
    );
    options.signal?.throwIfAborted();
    const tables = await userTables(db);
    const smokeQueryRows = await timer.phase("smoke", () =>
      smokeAsAppRole(options.targetUrl, options.appRole, options.appPassword, tables, options.smokeQuery),
    );
    options.signal?.throwIfAborted();
    const servingSince = options.now();
    await timer.phase("mark", () =>
      writeServingMarker(db, {
        since: servingSince.toISOString(),
        backupId: replicaSourceId(replica.name),
        snapshotAt: promotion!.recoveryPoint,
        path: "replica",
        appRole: options.appRole,
      }),
    );
    return {
      since: servingSince,
      recoveryPoint: promotion.recoveryPoint,
      rpoSeconds: promotion.rpoSeconds,
      drained: promotion.drained,
      resumed: drained.resumed !== undefined,
      source: sourceState,
      lag: drained.lag,
      slot,
      sequences,
      ownership,
      tables,
      ...(smokeQueryRows !== undefined ? { smokeQueryRows } : {}),
    };
  } finally {
    await (src as Client | undefined)?.end().catch(() => undefined);
  }
}
