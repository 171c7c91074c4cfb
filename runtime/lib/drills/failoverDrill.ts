import path from "node:path";
import { runBackup } from "../backup/runBackup";
import { runRestore } from "../restore/runRestore";
import { openStore } from "../store/openStore";
import { withClient } from "../platform/sql";
import { rowCounts, seedIfEmpty } from "./drillData";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "back up the primary",
  "lose the primary (incident)",
  "restore the newest backup into the standby",
  "smoke checks: counts and smoke query",
] as const;

export interface SmokeResult {
  countsMatch: boolean;
  mismatched: string[];
  smokeRows: number;
  smokeValue: unknown;
  smokeOk: boolean;
}

/**
 * Playbook Drill 3: the primary is gone; the newest backup is restored into the standby, which
 * must then serve the application. RTO runs from the loss to the validated standby; RPO from the
 * backup's snapshot to the loss.
 */
export const failoverDrill: DrillDefinition = {
  name: "failover",
  title: "Disaster recovery (failover)",
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
    const restore = await timer.step(STEPS[3], () =>
      runRestore({ store, backup: "latest", targetUrl: standby, signal, tempDir: workDir }),
    );
    const smoke = await timer.step(STEPS[4], async () => {
      const result = await smokeChecks(standby, restore.manifest.tables, smokeQuery);
      if (result.countsMatch && result.smokeOk) timer.markRecovered();
      return result;
    });
    const passed = smoke.countsMatch && smoke.smokeOk;
    return {
      passed,
      rpoMs: Math.max(0, lostAt - Date.parse(restore.manifest.snapshotAt)),
      details: {
        seeded: seeded.seeded,
        rows: seeded.rows,
        backupId: restore.manifest.id,
        snapshotAt: restore.manifest.snapshotAt,
        lostAt: new Date(lostAt).toISOString(),
        restorePhases: restore.phases,
        smokeQuery,
        smoke,
        ...(passed
          ? {}
          : {
              failure: smoke.countsMatch
                ? `smoke query returned ${smoke.smokeRows} row(s), first value ${String(smoke.smokeValue)}`
                : `row counts differ from the manifest in ${smoke.mismatched.join(", ")}`,
            }),
      },
    };
  },
};

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
