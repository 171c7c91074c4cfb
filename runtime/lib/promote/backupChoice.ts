import { BackupManifest } from "../backup/manifest";
import { catalogBackups, resolveBackup } from "../catalog";
import { BackupStore } from "../store/types";

/** How a refusal tells the operator to go on: the CLI names its options, the Lambda its variables. */
export interface PromoteHints {
  useBackup(id: string): string;
  allowStale: string;
}

export const CLI_HINTS: PromoteHints = {
  useBackup: (id) => `bloom-dr promote --backup ${id} (same --store and --target)`,
  allowStale: "pass --allow-stale",
};

export interface BackupChoice {
  manifest: BackupManifest;
  ageMs: number;
}

/**
 * The backup to promote: the newest complete one (latest.json) or the one asked for, refused when
 * it is older than the limit unless stale backups are allowed. Reads the store only.
 */
export async function chooseBackup(
  store: BackupStore,
  backup: string,
  options: { now: Date; maxAgeHours: number; allowStale: boolean; target: string; hints: PromoteHints },
): Promise<BackupChoice> {
  if (!(options.maxAgeHours > 0))
    throw new Error(`the backup age limit must be a positive number of hours (got ${options.maxAgeHours})`);
  const manifest = await resolveBackup(store, backup);
  const ageMs = options.now.getTime() - Date.parse(manifest.snapshotAt);
  if (ageMs > options.maxAgeHours * 3_600_000 && !options.allowStale) {
    throw new Error(
      `refusing to promote backup ${manifest.id}: its snapshot (${manifest.snapshotAt}) is ${hours(ageMs)} h old, over the ${options.maxAgeHours} h limit, so the app would lose everything written since; ${options.target} was not touched: take a fresh backup if the primary is reachable, or accept this one on purpose (${options.hints.allowStale})`,
    );
  }
  return { manifest, ageMs };
}

/**
 * A refusal of a backup whose dump cannot be used, naming the previous complete backup (the
 * catalog checks that its dump is there with the size its manifest records; its sha256 is checked
 * when it is restored) and how to promote it.
 */
export async function refuseBackup(
  store: BackupStore,
  manifest: BackupManifest,
  problem: string,
  target: string,
  hints: PromoteHints,
): Promise<Error> {
  const previous = await previousBackup(store, manifest.id).catch(() => undefined);
  const next = previous
    ? `the previous complete backup is ${previous.id} (snapshot ${previous.snapshotAt}): promote it with ${hints.useBackup(previous.id)}`
    : "there is no older complete backup: take a new one (bloom-dr backup) if the primary is reachable";
  return new Error(`refusing to promote backup ${manifest.id}: ${problem}; ${target} was not touched: ${next}`);
}

async function previousBackup(store: BackupStore, id: string): Promise<BackupManifest | undefined> {
  const { backups } = await catalogBackups(store);
  return backups.find((b) => b.id < id);
}

function hours(ms: number): string {
  return (ms / 3_600_000).toFixed(1);
}
