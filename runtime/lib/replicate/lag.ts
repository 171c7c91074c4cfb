import type { Client } from "pg";
import { sleep } from "../platform/sql";
import { ReplicationRecord } from "./record";
import { SubscriptionState } from "./subscription";

/**
 * How far behind the replica is, in seconds and in bytes of WAL.
 *
 * With the source reachable the lag is measured, not estimated: the source's current WAL position
 * is read, and the time until the subscription's slot confirms that position (everything
 * committed before the reading is then applied on the replica) is the lag. It needs no
 * synchronised clocks and no privilege beyond the replication role's (pg_stat_replication's lag
 * columns need pg_read_all_stats, which Neon's roles lack). An idle source answers at once: the
 * slot confirms positions of WAL it had nothing to send for within milliseconds.
 *
 * Without the source, the replica knows only when it last heard from it: with the apply worker
 * connected, the seconds since its last message (an upper bound: an idle source sends a keepalive
 * only every wal_receiver_timeout / 2, 30 s by default); with the worker gone (the source is
 * unreachable or refuses it), the seconds since the newest moment a setup or status check found
 * it in sync (the replica's record).
 */
export type LagBasis = "source" | "last-message" | "last-check" | "unknown";

export interface LagReading {
  /** null when nothing is known (no worker, no record). */
  seconds: number | null;
  /** WAL the replica has not confirmed; null without the source. */
  bytes: number | null;
  basis: LagBasis;
  /** The source probe gave up before the replica caught up: the lag is at least `seconds`. */
  atLeast: boolean;
  /** Everything the source had committed before this moment is on the replica (ISO), when known. */
  syncedUpTo: string | null;
}

export interface SlotState {
  name: string;
  active: boolean;
  /** WAL the source keeps for this slot: current position minus its restart position. */
  retainedBytes: number;
  /** Current position minus what the subscriber confirmed. */
  unconfirmedBytes: number;
}

export async function readSlot(source: Client, slot: string): Promise<SlotState | undefined> {
  const { rows } = await source.query<{ active: boolean; retained: string | null; unconfirmed: string | null }>(
    `SELECT active,
            pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint AS retained,
            pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS unconfirmed
       FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  if (!rows[0]) return undefined;
  return {
    name: slot,
    active: rows[0].active,
    retainedBytes: Math.max(0, Number(rows[0].retained ?? 0)),
    unconfirmedBytes: Math.max(0, Number(rows[0].unconfirmed ?? 0)),
  };
}

export interface ProbeResult {
  caughtUp: boolean;
  /** From the reading of the source's position to the slot confirming it (or giving up). */
  seconds: number;
  /** Unconfirmed WAL at the reading. */
  bytes: number;
  /** When the source's position was read (the `clock`'s time). */
  readAt: Date;
}

/**
 * Reads the source's current WAL position and waits, up to `capMs`, for the slot to confirm it.
 * Polls every 50 ms (the lag is reported to that resolution). An abort ends the wait like the cap.
 */
export async function probeLag(
  source: Client,
  slot: string,
  options: { capMs: number; clock: () => Date; signal?: AbortSignal },
): Promise<ProbeResult> {
  const readAt = options.clock();
  const started = performance.now();
  const { rows } = await source.query<{ position: string; bytes: string | null }>(
    `SELECT pg_catalog.pg_current_wal_lsn()::text AS position,
            (SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
               FROM pg_catalog.pg_replication_slots WHERE slot_name = $1) AS bytes`,
    [slot],
  );
  const { position } = rows[0];
  const bytes = Math.max(0, Number(rows[0].bytes ?? 0));
  for (;;) {
    const { rows: confirmed } = await source.query<{ done: boolean | null }>(
      "SELECT confirmed_flush_lsn >= $2::pg_lsn AS done FROM pg_catalog.pg_replication_slots WHERE slot_name = $1",
      [slot, position],
    );
    const seconds = (performance.now() - started) / 1000;
    if (confirmed[0]?.done === true) return { caughtUp: true, seconds, bytes, readAt };
    if (seconds * 1000 >= options.capMs || options.signal?.aborted || !confirmed[0])
      return { caughtUp: false, seconds, bytes, readAt };
    await sleep(50).catch(() => undefined);
  }
}

/** The lag from a probe of the source. */
export function lagFromProbe(probe: ProbeResult): LagReading {
  return {
    seconds: round(probe.seconds),
    bytes: probe.bytes,
    basis: "source",
    atLeast: !probe.caughtUp,
    syncedUpTo: probe.caughtUp ? probe.readAt.toISOString() : null,
  };
}

/** The lag from what the replica knows by itself (see the module's comment). */
export function lagFromTarget(
  subscription: SubscriptionState | undefined,
  record: ReplicationRecord | undefined,
  now: Date,
): LagReading {
  const since = subscription?.worker?.secondsSinceLastMessage;
  if (subscription?.enabled && since !== null && since !== undefined) {
    return {
      seconds: round(since),
      bytes: null,
      basis: "last-message",
      atLeast: false,
      syncedUpTo: new Date(now.getTime() - since * 1000).toISOString(),
    };
  }
  if (record) {
    return {
      seconds: round(Math.max(0, (now.getTime() - Date.parse(record.syncedUpTo)) / 1000)),
      bytes: null,
      basis: "last-check",
      atLeast: false,
      syncedUpTo: record.syncedUpTo,
    };
  }
  return { seconds: null, bytes: null, basis: "unknown", atLeast: false, syncedUpTo: null };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
