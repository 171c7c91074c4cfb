import { runBackup } from "../backup/runBackup";
import { RecoveryPlatform } from "../platform/types";
import { withClient } from "../platform/sql";
import { readServingMarker } from "../promote/marker";
import { runRestore } from "../restore/runRestore";
import { BackupStore } from "../store/types";
import { countTestReservations, tableDigests, TestReservations } from "./drillData";
import { StepTimer } from "./stepTimer";

/** The failover drills' last steps (both variants): the failover ends and the app goes back to a primary. */
export const FAIL_BACK_STEPS = [
  "fail back: back up the serving standby",
  "fail back: restore into a fresh primary",
  "fail back: the failover's writes are on the new primary",
] as const;

export interface FailBack {
  backupId: string;
  restorePhases: Record<string, number | undefined>;
  writesFound: { clients: number; reservations: number };
  matchesServingStandby: boolean;
  servingMarkerCarried: boolean;
}

/**
 * Fail-back as the playbook does it: the serving standby is backed up and that backup restored
 * into a fresh primary (local: a new cluster; a platform without one gives a new database from
 * standbyUrl()), where the rows the app wrote during the failover must be, the data must equal
 * the serving standby's, and no serving marker may have come along.
 */
export async function failBack(options: {
  timer: StepTimer;
  platform: RecoveryPlatform;
  store: BackupStore;
  standby: string;
  writes: TestReservations;
  signal?: AbortSignal;
  workDir: string;
}): Promise<FailBack> {
  const { timer, platform, store, standby } = options;
  const backup = await timer.step(FAIL_BACK_STEPS[0], () =>
    runBackup({ dbUrl: standby, store, label: "fail-back", signal: options.signal }),
  );
  const { freshPrimary, restored } = await timer.step(FAIL_BACK_STEPS[1], async () => {
    const target = await (platform.freshPrimaryUrl ? platform.freshPrimaryUrl() : platform.standbyUrl());
    const result = await runRestore({
      store,
      backup: backup.id,
      targetUrl: target,
      signal: options.signal,
      tempDir: options.workDir,
    });
    return { freshPrimary: target, restored: result };
  });
  return timer.step(FAIL_BACK_STEPS[2], async () => {
    const found = await countTestReservations(freshPrimary, options.writes);
    const [servingDigests, primaryDigests] = [await tableDigests(standby), await tableDigests(freshPrimary)];
    const marker = await withClient(freshPrimary, (c) => readServingMarker(c));
    return {
      backupId: backup.id,
      restorePhases: restored.phases,
      writesFound: found,
      matchesServingStandby: JSON.stringify(servingDigests) === JSON.stringify(primaryDigests),
      servingMarkerCarried: marker !== undefined,
    };
  });
}

/** Why a fail-back did not keep the failover's `writes` rows (each of clients and reservations), or undefined. */
export function failBackProblem(failback: FailBack, writes: number): string | undefined {
  if (failback.writesFound.clients !== writes || failback.writesFound.reservations !== writes)
    return `after fail-back the new primary has ${failback.writesFound.clients} of ${writes} clients and ${failback.writesFound.reservations} of ${writes} reservations written during the failover`;
  if (!failback.matchesServingStandby)
    return "after fail-back the new primary's data differs from the serving standby's";
  if (failback.servingMarkerCarried) return "the fail-back restore carried the serving marker into the new primary";
  return undefined;
}
