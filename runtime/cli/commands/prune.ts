import { pruneBackups } from "../../lib/prune";
import { CliCommand, positiveIntegerOption, requiredOption, stringOption, UsageError } from "../command";
import { isS3Spec, STORE_OPTION, storeFromOptions } from "./storeOption";

/** `bloom-dr prune`: retention for local stores (S3 vaults expire through lifecycle and Object Lock). */
export const pruneCommand: CliCommand = {
  name: "prune",
  summary: "remove old backups from a local store, always keeping the newest complete one",
  options: {
    store: { ...STORE_OPTION, description: "a local backup directory (path or file:///abs/dir)" },
    keep: { type: "string", value: "N", required: true, description: "number of newest complete backups to keep (≥ 1)" },
    "keep-days": { type: "string", value: "D", description: "also keep every backup younger than D days" },
  },
  details: `
A backup is removed only when it is neither among the newest N nor younger than D days; the
newest complete backup is never removed. Files of incomplete attempts are left alone.
s3:// stores are refused: the vault expires backups through its lifecycle rules and Object Lock.

Examples:
  bloom-dr prune --store ./backups --keep 7
  bloom-dr prune --store /var/backups/bloom --keep 3 --keep-days 30 --json

Exit status: 0 pruned (also when nothing was old enough); 1 a removal failed; 2 usage error.`,
  async run(ctx) {
    const spec = requiredOption(ctx, "store", STORE_OPTION.description);
    if (isS3Spec(spec)) {
      throw new UsageError(`--store ${spec}: prune manages local stores only; S3 vaults expire backups through their lifecycle rules and Object Lock (backup.retentionDays in the stack config)`);
    }
    const keep = positiveIntegerOption(ctx, "keep", 1);
    const keepDays = keepDaysOption(stringOption(ctx, "keep-days"));
    const store = storeFromOptions(ctx, { existing: true });
    const outcome = await pruneBackups(store, { keep, keepDays });
    ctx.io.result({ ok: true, command: "prune", store: store.describe(), keep, keepDays: keepDays ?? null, ...outcome }, pruneSummary(outcome, store.describe()));
    return 0;
  },
};

/** --keep-days: a whole number ≥ 0, or absent. */
export function keepDaysOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--keep-days must be a whole number of days ≥ 0 (got "${raw}")`);
  return Number(raw);
}

export function pruneSummary(outcome: { removed: string[]; kept: string[] }, store: string): string {
  const n = (count: number) => `${count} backup${count === 1 ? "" : "s"}`;
  const lines = [`${store}: removed ${n(outcome.removed.length)}, kept ${n(outcome.kept.length)}`];
  for (const id of outcome.removed) lines.push(`  removed  ${id}`);
  for (const id of outcome.kept) lines.push(`  kept     ${id}`);
  return lines.join("\n");
}
