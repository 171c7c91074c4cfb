import { randomBytes } from "node:crypto";
import path from "node:path";
import { runBackup } from "../backup/runBackup";
import { withClient } from "../platform/sql";
import { readServingMarker } from "../promote/marker";
import { runPromote } from "../promote/runPromote";
import { runRestore } from "../restore/runRestore";
import { openStore } from "../store/openStore";
import { countTestReservations, createTestReservations, rowCounts, seedIfEmpty, tableDigests } from "./drillData";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "back up the primary",
  "lose the primary (incident)",
  "promote the newest backup into the standby",
  "smoke checks as the app role: counts and smoke query",
  "the app writes to the serving standby",
  "fail back: back up the serving standby",
  "fail back: restore into a fresh primary",
  "fail back: the failover's writes are on the new primary",
] as const;

/**
 * The drill's own app role: a failover drill on the cloud platform runs on the DR instance, where
 * the real app role may exist; the drill never sets that one's password.
 */
export const DRILL_APP_ROLE = "bloom_drill_app";

/** Clients (each with a reservation) the app creates while the standby serves. */
export const FAILOVER_WRITES = 20;

export interface SmokeResult {
  countsMatch: boolean;
  mismatched: string[];
  smokeRows: number;
  smokeValue: unknown;
  smokeOk: boolean;
}

/**
 * Playbook Drill 3, failover and fail-back: the primary is gone; `promote` (the code the dr
 * stack's promotion step runs) makes the standby the app's database; the app, as its own role,
 * checks it and writes to it; then the failover ends: the serving standby is backed up and
 * restored into a fresh primary, where the rows written during the failover must be. RTO runs
 * from the loss to the promoted standby passing its checks; RPO from the backup's snapshot to the
 * loss.
 */
export const failoverDrill: DrillDefinition = {
  name: "failover",
  title: "Disaster recovery (failover and fail-back)",
  needs: { branches: false, standby: true },
  steps: STEPS,
  async run({ platform, timer, scale, signal, workDir, smokeQuery }: DrillContext): Promise<DrillOutcome> {
    const url = platform.primaryUrl();
    const store = openStore(path.join(workDir, "store"));
    const seeded = await timer.step(STEPS[0], () => seedIfEmpty(url, scale));
    await timer.step(STEPS[1], () => runBackup({ dbUrl: url, store, label: "failover-drill", signal }));
    const lostAt = await timer.step(STEPS[2], async () => {
      const at = timer.markIncident();
      await platform.losePrimary();
      return at;
    });
    const standby = await platform.standbyUrl();
    const appPassword = randomBytes(18).toString("base64url");
    const promoted = await timer.step(STEPS[3], () =>
      runPromote({
        store,
        targetUrl: standby,
        appRole: DRILL_APP_ROLE,
        appPassword,
        passwordSource: "the drill's app password",
        smokeQuery,
        signal,
        tempDir: workDir,
      }),
    );
    const { outcome } = promoted;
    const app = urlAs(standby, DRILL_APP_ROLE, appPassword);
    const manifestTables = Object.fromEntries(
      Object.entries(promoted.tables ?? {}).map(([name, t]) => [name, t.expected]),
    );
    const smoke = await timer.step(STEPS[4], async () => {
      const result = await smokeChecks(app, manifestTables, smokeQuery);
      if (result.countsMatch && result.smokeOk) timer.markRecovered();
      return result;
    });
    const base = {
      seeded: seeded.seeded,
      rows: seeded.rows,
      backupId: outcome.backupId,
      snapshotAt: outcome.snapshotAt,
      lostAt: new Date(lostAt).toISOString(),
      promote: {
        path: outcome.path,
        appRole: outcome.appRole,
        servingSince: outcome.servingSince,
        rpoSeconds: outcome.rpoSeconds,
        phases: outcome.phases,
        totalMs: outcome.totalMs,
      },
      smokeQuery,
      smoke,
    };
    const rpoMs = Math.max(0, lostAt - Date.parse(outcome.snapshotAt));
    if (!(smoke.countsMatch && smoke.smokeOk)) {
      return {
        passed: false,
        rpoMs,
        details: {
          ...base,
          failure: smoke.countsMatch
            ? `smoke query returned ${smoke.smokeRows} row(s), first value ${String(smoke.smokeValue)}`
            : `row counts differ from the manifest in ${smoke.mismatched.join(", ")}`,
        },
      };
    }

    const writes = await timer.step(STEPS[5], () => createTestReservations(app, FAILOVER_WRITES));
    const failbackBackup = await timer.step(STEPS[6], () =>
      runBackup({ dbUrl: standby, store, label: "fail-back", signal }),
    );
    const { freshPrimary, failbackRestore } = await timer.step(STEPS[7], async () => {
      const target = await (platform.freshPrimaryUrl ? platform.freshPrimaryUrl() : platform.standbyUrl());
      const restored = await runRestore({
        store,
        backup: failbackBackup.id,
        targetUrl: target,
        signal,
        tempDir: workDir,
      });
      return { freshPrimary: target, failbackRestore: restored };
    });
    const failback = await timer.step(STEPS[8], async () => {
      const found = await countTestReservations(freshPrimary, writes);
      const [servingDigests, primaryDigests] = [await tableDigests(standby), await tableDigests(freshPrimary)];
      const marker = await withClient(freshPrimary, (c) => readServingMarker(c));
      return {
        backupId: failbackBackup.id,
        restorePhases: failbackRestore.phases,
        writesFound: found,
        matchesServingStandby: JSON.stringify(servingDigests) === JSON.stringify(primaryDigests),
        servingMarkerCarried: marker !== undefined,
      };
    });
    const allWrites =
      failback.writesFound.clients === FAILOVER_WRITES && failback.writesFound.reservations === FAILOVER_WRITES;
    const passed = allWrites && failback.matchesServingStandby && !failback.servingMarkerCarried;
    return {
      passed,
      rpoMs,
      details: {
        ...base,
        failoverWrites: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES },
        failback,
        ...(passed
          ? {}
          : {
              failure: !allWrites
                ? `after fail-back the new primary has ${failback.writesFound.clients} of ${FAILOVER_WRITES} clients and ${failback.writesFound.reservations} of ${FAILOVER_WRITES} reservations written during the failover`
                : !failback.matchesServingStandby
                  ? "after fail-back the new primary's data differs from the serving standby's"
                  : "the fail-back restore carried the serving marker into the new primary",
            }),
      },
    };
  },
};

/** The same database as another role. */
function urlAs(url: string, role: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(role);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Counts every table of the manifest on the standby, and runs the smoke query: it passes when it
 * returns at least one row and, if its first value is a number, that number is above zero.
 */
export async function smokeChecks(
  url: string,
  expected: Record<string, number>,
  smokeQuery: string,
): Promise<SmokeResult> {
  const actual = await rowCounts(url, Object.keys(expected));
  const mismatched = Object.keys(expected).filter((t) => actual[t] !== expected[t]);
  const rows = await withClient(url, async (c) => (await c.query(smokeQuery)).rows as Record<string, unknown>[]);
  const first = rows[0] ? Object.values(rows[0])[0] : undefined;
  const numeric = typeof first === "number" || (typeof first === "string" && /^-?\d+(\.\d+)?$/.test(first));
  return {
    countsMatch: mismatched.length === 0,
    mismatched,
    smokeRows: rows.length,
    smokeValue: first,
    smokeOk: rows.length > 0 && (!numeric || Number(first) > 0),
  };
}
