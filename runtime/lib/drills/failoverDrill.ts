import { randomBytes } from "node:crypto";
import path from "node:path";
import { runBackup } from "../backup/runBackup";
import { withClient } from "../platform/sql";
import { runPromote } from "../promote/runPromote";
import { openStore } from "../store/openStore";
import { createTestReservations, rowCounts, seedIfEmpty } from "./drillData";
import { FAIL_BACK_STEPS, failBack, failBackProblem } from "./failBack";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "back up the primary",
  "lose the primary (incident)",
  "promote the newest backup into the standby",
  "smoke checks as the app role: counts and smoke query",
  "the app writes to the serving standby",
  ...FAIL_BACK_STEPS,
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
    const failback = await failBack({ timer, platform, store, standby, writes, signal, workDir });
    const failure = failBackProblem(failback, FAILOVER_WRITES);
    return {
      passed: failure === undefined,
      rpoMs,
      details: {
        ...base,
        failoverWrites: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES },
        failback,
        ...(failure ? { failure } : {}),
      },
    };
  },
};

/** The same database as another role. */
export function urlAs(url: string, role: string, password: string): string {
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
