import path from "node:path";
import { runBackup } from "../backup/runBackup";
import { BLOOM_TABLES } from "../bloom/schema";
import { verifyDatabase } from "../integrity/verify";
import { runRestore } from "../restore/runRestore";
import { openStore } from "../store/openStore";
import { corruptRandomRows, seedIfEmpty } from "./drillData";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "back up to a temporary store",
  "corrupt: delete random rows across tables (incident)",
  "detect the corruption",
  "restore the backup into a fresh target",
  "validate: integrity checks and counts against the manifest",
] as const;

/** Share of each table's rows the corruption deletes. */
export const CORRUPTION_FRACTION = 0.05;

/**
 * Playbook Drill 2: a backup, then corruption (random rows deleted with foreign-key checks
 * bypassed), then a restore into a fresh target. Passes when `verify` with the backup's manifest
 * finds nothing on the target and every table's count matches the manifest.
 */
export const restoreDrill: DrillDefinition = {
  name: "restore",
  title: "Backup restoration",
  needs: { branches: false, standby: true },
  steps: STEPS,
  async run({ platform, timer, scale, signal, workDir }: DrillContext): Promise<DrillOutcome> {
    const url = platform.primaryUrl();
    const store = openStore(path.join(workDir, "store"));
    const seeded = await timer.step(STEPS[0], () => seedIfEmpty(url, scale));
    const backup = await timer.step(STEPS[1], () => runBackup({ dbUrl: url, store, label: "restore-drill", signal }));
    const corruption = await timer.step(STEPS[2], async () => {
      const deleted = await corruptRandomRows(url, BLOOM_TABLES, CORRUPTION_FRACTION);
      return { deleted, at: timer.markIncident() };
    });
    const detected = await timer.step(STEPS[3], () =>
      verifyDatabase({ dbUrl: url, manifest: backup.manifest, amcheck: false }),
    );
    const target = await platform.standbyUrl();
    const restore = await timer.step(STEPS[4], () =>
      runRestore({ store, backup: backup.id, targetUrl: target, signal, tempDir: workDir }),
    );
    const verify = await timer.step(STEPS[5], async () => {
      const result = await verifyDatabase({ dbUrl: target, manifest: restore.manifest });
      timer.markRecovered();
      return result;
    });
    const mismatched = Object.entries(restore.tables)
      .filter(([, t]) => t.expected !== t.actual)
      .map(([name]) => name);
    const passed = verify.ok && mismatched.length === 0 && !detected.ok;
    return {
      passed,
      rpoMs: Math.max(0, corruption.at - Date.parse(backup.manifest.snapshotAt)),
      details: {
        seeded: seeded.seeded,
        rows: seeded.rows,
        backupId: backup.id,
        snapshotAt: backup.manifest.snapshotAt,
        deleted: corruption.deleted,
        findingsBeforeRestore: detected.findings.length,
        findingsAfterRestore: verify.findings.map((f) => `${f.check} ${f.object}: ${f.detail}`),
        tables: restore.tables,
        restorePhases: restore.phases,
        ...(passed ? {} : { failure: failureReason(detected.ok, verify.findings.length, mismatched) }),
      },
    };
  },
};

function failureReason(corruptionMissed: boolean, findings: number, mismatched: string[]): string {
  if (corruptionMissed) return "verify found nothing on the corrupted primary: the corruption step did not take effect";
  if (findings > 0) return `verify found ${findings} problem(s) on the restored target`;
  return `row counts differ from the manifest in ${mismatched.join(", ")}`;
}
