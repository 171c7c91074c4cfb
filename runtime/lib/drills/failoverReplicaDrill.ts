import { randomBytes } from "node:crypto";
import path from "node:path";
import { withClient } from "../platform/sql";
import { runPromote } from "../promote/runPromote";
import { runReplicateSetup } from "../replicate/setup";
import { runReplicateStatus } from "../replicate/status";
import { openStore } from "../store/openStore";
import { AppWriter } from "./appWriter";
import { createReservationsFromSequences, seedIfEmpty } from "./drillData";
import { FAIL_BACK_STEPS, failBack, failBackProblem } from "./failBack";
import { DRILL_APP_ROLE, FAILOVER_WRITES, urlAs } from "./failoverDrill";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "set up the replica: schema, publication, subscription, initial copy",
  "the app writes to the primary; the replica follows (lag measured)",
  "lose the primary while the app writes (incident)",
  "promote the replica (replica path: no backup)",
  "smoke checks as the app role: smoke query",
  "count the committed rows missing on the replica (RPO)",
  "the app writes to the serving replica as its role (ids from the sequences)",
  ...FAIL_BACK_STEPS,
] as const;

/** Rows the app commits on the primary before the lag is measured, and at least before the loss. */
export const WRITES_BEFORE_LOSS = 300;

/** Lag readings taken while the app writes (each one a real probe of the source). */
const LAG_SAMPLES = 5;

/**
 * Drill 3 with failover.mode replica: the standby is a logical replica of the primary, kept in
 * sync while the app writes to the primary; the primary is killed mid-write (immediate stop, like
 * a crash), and `promote` takes the replica path (the code the dr stack's promotion step runs):
 * the source is unreachable, so the subscription is dropped with its slot left behind, and the
 * sequences are set past every replicated id. Then the app checks it as its role and inserts rows
 * whose ids come from the sequences (a collision fails the drill), and the failover ends with the
 * same fail-back as the backup variant.
 *
 * The RPO is counted, not estimated: the app's own record says which rows the primary committed,
 * the replica says which it has; the missing ones are counted exactly and must be a tail of the
 * commit order. In time, it runs from the newest row the replica kept to the app's first failed
 * write (0 when nothing was lost). RTO runs from the loss to the promoted replica passing its
 * smoke check.
 */
export const failoverReplicaDrill: DrillDefinition = {
  name: "failover",
  variant: "replica",
  title: "Disaster recovery from a logical replica (failover and fail-back)",
  needs: { branches: false, standby: true },
  steps: STEPS,
  async run({ platform, timer, scale, signal, workDir, smokeQuery }: DrillContext): Promise<DrillOutcome> {
    const primary = platform.primaryUrl();
    const store = openStore(path.join(workDir, "store"));
    const seeded = await timer.step(STEPS[0], () => seedIfEmpty(primary, scale));
    const standby = await platform.standbyUrl();
    const setup = await timer.step(STEPS[1], () =>
      runReplicateSetup({ sourceUrl: primary, targetUrl: standby, appRole: DRILL_APP_ROLE, signal, tempDir: workDir }),
    );
    const writer = await AppWriter.start(primary);
    let lag: LagReadings;
    let lostAt: number;
    try {
      lag = await timer.step(STEPS[2], () => measureLag(writer, primary, standby, signal));
      lostAt = await timer.step(STEPS[3], async () => {
        const at = timer.markIncident();
        await platform.losePrimary();
        await writer.finished();
        return at;
      });
    } finally {
      await writer.stop();
    }

    const appPassword = randomBytes(18).toString("base64url");
    const promoted = await timer.step(STEPS[4], () =>
      runPromote({
        targetUrl: standby,
        sourceUrl: primary,
        appRole: DRILL_APP_ROLE,
        appPassword,
        passwordSource: "the drill's app password",
        smokeQuery,
        signal,
      }),
    );
    const app = urlAs(standby, DRILL_APP_ROLE, appPassword);
    const smoke = await timer.step(STEPS[5], async () => {
      const rows = await withClient(app, async (c) => (await c.query(smokeQuery)).rows as Record<string, unknown>[]);
      const first = rows[0] ? Object.values(rows[0])[0] : undefined;
      const numeric = typeof first === "number" || (typeof first === "string" && /^-?\d+(\.\d+)?$/.test(first));
      const ok = rows.length > 0 && (!numeric || Number(first) > 0);
      if (ok) timer.markRecovered();
      return { smokeRows: rows.length, smokeValue: first, smokeOk: ok };
    });
    const lost = await timer.step(STEPS[6], () => countLostRows(standby, writer));
    const base = {
      variant: "replica",
      seeded: seeded.seeded,
      rows: seeded.rows,
      lostAt: new Date(lostAt).toISOString(),
      setup: { tables: setup.tables, steps: setup.steps },
      lag,
      writer: {
        committed: writer.committed.length,
        inFlight: writer.inFlight ?? null,
        firstFailure: writer.failure ? new Date(writer.failure.at).toISOString() : null,
        failure: writer.failure?.message ?? null,
      },
      lost,
      promote: {
        path: promoted.outcome.path,
        appRole: promoted.outcome.appRole,
        servingSince: promoted.outcome.servingSince,
        recoveryPoint: promoted.outcome.snapshotAt,
        rpoSecondsReported: promoted.outcome.rpoSeconds,
        source: promoted.replica?.source,
        slot: promoted.replica?.slot,
        sequences: promoted.replica?.sequences.length,
        phases: promoted.outcome.phases,
        totalMs: promoted.outcome.totalMs,
      },
      smokeQuery,
      smoke,
    };
    const problem = !smoke.smokeOk
      ? `smoke query returned ${smoke.smokeRows} row(s), first value ${String(smoke.smokeValue)}`
      : !lost.tailOnly
        ? `the rows missing on the replica are not a tail of the commit order: ${lost.missingIds.slice(0, 5).join(", ")}`
        : promoted.outcome.path !== "replica"
          ? `promote took the ${promoted.outcome.path} path, not the replica's`
          : undefined;
    if (problem) return { passed: false, rpoMs: lost.rpoMs, details: { ...base, failure: problem } };

    const writes = await timer.step(STEPS[7], () => createReservationsFromSequences(app, FAILOVER_WRITES));
    const failback = await failBack({ timer, platform, store, standby, writes, signal, workDir });
    const failure = failBackProblem(failback, FAILOVER_WRITES);
    return {
      passed: failure === undefined,
      rpoMs: lost.rpoMs,
      details: {
        ...base,
        failoverWrites: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES, ids: "from the sequences" },
        failback,
        ...(failure ? { failure } : {}),
      },
    };
  },
};

export interface LagReadings {
  samples: { seconds: number | null; bytes: number | null }[];
  maxSeconds: number;
  /** Rows the app had committed when the readings were done. */
  rowsWrittenMeanwhile: number;
}

/** Lag probes of the source while the app writes: what the scheduled status check reads (and records). */
async function measureLag(
  writer: AppWriter,
  primary: string,
  standby: string,
  signal: AbortSignal | undefined,
): Promise<LagReadings> {
  await writer.waitFor(WRITES_BEFORE_LOSS / 2, signal);
  const samples: LagReadings["samples"] = [];
  for (let i = 0; i < LAG_SAMPLES; i++) {
    const status = await runReplicateStatus({ targetUrl: standby, sourceUrl: primary, maxLagSeconds: 3600, signal });
    if (!status.ok) throw new Error(`the replica is not replicating: ${status.problems.join("; ")}`);
    samples.push({ seconds: status.lag.seconds, bytes: status.lag.bytes });
  }
  await writer.waitFor(WRITES_BEFORE_LOSS, signal);
  return {
    samples,
    maxSeconds: Math.max(...samples.map((s) => s.seconds ?? 0)),
    rowsWrittenMeanwhile: writer.committed.length,
  };
}

export interface LostRows {
  committed: number;
  onReplica: number;
  missing: number;
  /** The first few missing ids. */
  missingIds: number[];
  /** The in-flight row (sent, never acknowledged) is on the replica: the primary committed it. */
  inFlightOnReplica: boolean;
  /** Every missing row comes after every kept one in commit order (replication applies in that order). */
  tailOnly: boolean;
  /** From the newest row the replica kept to the app's first failed write; 0 when nothing was lost. */
  rpoMs: number;
}

/** The primary's acknowledged rows compared with the replica's, exactly. */
export async function countLostRows(replicaUrl: string, writer: AppWriter): Promise<LostRows> {
  const ids = writer.committed.map((c) => c.id);
  const candidates = writer.inFlight === undefined ? ids : [...ids, writer.inFlight];
  const present = await withClient(replicaUrl, async (c) => {
    const { rows } = await c.query<{ id: string }>("SELECT id FROM clients WHERE id = ANY($1::bigint[])", [candidates]);
    return new Set(rows.map((r) => Number(r.id)));
  });
  const kept = writer.committed.filter((c) => present.has(c.id));
  const missing = writer.committed.filter((c) => !present.has(c.id));
  const tailOnly = missing.length === 0 || kept.every((k) => k.id < missing[0].id);
  const newestKept = kept.at(-1)?.at;
  const failedAt = writer.failure?.at ?? Date.now();
  const rpoMs = missing.length === 0 ? 0 : Math.max(0, failedAt - (newestKept ?? missing[0].at));
  return {
    committed: ids.length,
    onReplica: kept.length,
    missing: missing.length,
    missingIds: missing.slice(0, 20).map((m) => m.id),
    inFlightOnReplica: writer.inFlight !== undefined && present.has(writer.inFlight),
    tailOnly,
    rpoMs,
  };
}
