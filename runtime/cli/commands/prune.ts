import { isBackupId } from "../../lib/backup/backupId";
import { CliCommand, positiveIntegerOption, requiredOption, stringOption, UsageError } from "../command";
import { isS3Spec, STORE_OPTION, storeFromOptions } from "./storeOption";

/** `bloom-dr prune`: retention for local stores (S3 vaults expire through lifecycle and Object Lock). */
export const pruneCommand: CliCommand = {
  name: "prune",
  summary: "remove old backups from a local store, always keeping the newest complete one",
  options: {
    store: { ...STORE_OPTION, description: "a local backup directory (path or file:///abs/dir)" },
    keep: {
      type: "string",
      value: "N",
      required: true,
      description: "number of newest complete backups to keep (≥ 1)",
    },
    "keep-days": { type: "string", value: "D", description: "also keep every backup younger than D days" },
  },
  details: `
A backup is removed only when it is neither among the newest N nor younger than D days; the
backup latest.json names is never removed. Leftovers of interrupted backups (a dump without a
manifest, a temporary file) are removed once they are more than an hour old.
s3:// stores are refused: the vault expires backups through its lifecycle rules and Object Lock.

Examples:
  bloom-dr prune --store ./backups --keep 7
  bloom-dr prune --store /var/backups/bloom --keep 3 --keep-days 30 --json

Exit status: 0 pruned (also when nothing was old enough); 1 a removal failed; 2 usage error.`,
  async run(ctx) {
    const spec = requiredOption(ctx, "store", STORE_OPTION.description);
    if (isS3Spec(spec)) {
      throw new UsageError(
        `--store ${spec}: prune manages local stores only; S3 vaults expire backups through their lifecycle rules and Object Lock (backup.retentionDays in the stack config)`,
      );
    }
    const keep = positiveIntegerOption(ctx, "keep", 1);
    const keepDays = keepDaysOption(stringOption(ctx, "keep-days"));
    const store = storeFromOptions(ctx, { existing: true });
    const { pruneBackups } = await import("../../lib/prune");
    const outcome = splitLeftovers(await pruneBackups(store, { keep, keepDays }));
    ctx.io.result(
      { ok: true, command: "prune", store: store.describe(), keep, keepDays: keepDays ?? null, ...outcome },
      pruneSummary(outcome, store.describe()),
    );
    return 0;
  },
};

/** --keep-days: a whole number ≥ 0, or absent. */
export function keepDaysOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--keep-days must be a whole number of days ≥ 0 (got "${raw}")`);
  return Number(raw);
}

export interface PruneOutcome {
  /** Backup ids removed (manifest and dump). */
  removed: string[];
  /** Keys of interrupted backups' leftovers removed. */
  leftovers: string[];
  kept: string[];
}

/** The engine reports removed backups and leftover keys in one list; ids and keys never look alike. */
export function splitLeftovers(outcome: { removed: string[]; kept: string[] }): PruneOutcome {
  return {
    removed: outcome.removed.filter(isBackupId),
    leftovers: outcome.removed.filter((k) => !isBackupId(k)),
    kept: outcome.kept,
  };
}

export function pruneSummary(outcome: PruneOutcome, store: string): string {
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;
  const leftovers = outcome.leftovers.length > 0 ? ` and ${n(outcome.leftovers.length, "leftover file")}` : "";
  const lines = [
    `${store}: removed ${n(outcome.removed.length, "backup")}${leftovers}, kept ${n(outcome.kept.length, "backup")}`,
  ];
  for (const id of outcome.removed) lines.push(`  removed  ${id}`);
  for (const key of outcome.leftovers) lines.push(`  removed  ${key} (leftover of an interrupted backup)`);
  for (const id of outcome.kept) lines.push(`  kept     ${id}`);
  return lines.join("\n");
}
