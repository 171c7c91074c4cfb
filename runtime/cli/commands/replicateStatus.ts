import type { ReplicateStatus } from "../../lib/replicate/status";
import { DEFAULT_MAX_LAG_SECONDS } from "../../lib/replicate/settings";
import { CliCommand, positiveIntegerOption } from "../command";
import { formatBytes, formatTable } from "../io";
import { nameOption, REPLICATE_OPTIONS, urlOption } from "./replicateOptions";

/** `bloom-dr replicate status`: the replica's health; exit 1 when it is not replicating within the lag limit. */
export const replicateStatusCommand: CliCommand = {
  name: "replicate status",
  summary: "a replica's tables, lag (seconds and bytes), schema and migrations against the source, orphaned slots",
  options: {
    target: REPLICATE_OPTIONS.target,
    source: {
      ...REPLICATE_OPTIONS.source,
      description: `${REPLICATE_OPTIONS.source.description}: measure the lag there, compare schemas and migrations, find orphaned slots`,
    },
    subscription: REPLICATE_OPTIONS.subscription,
    "max-lag-seconds": {
      type: "string",
      value: "N",
      default: String(DEFAULT_MAX_LAG_SECONDS),
      description: "exit 1 when the replica is further behind than this",
    },
  },
  details: `
Lag: with --source it is measured: the source's current WAL position is read and the time until
the subscription's slot confirms it is the lag (bytes: what the slot had not confirmed then); no
clock comparison and no privilege beyond the replication role's. Without --source (or when it
does not answer) it is what the replica knows: the seconds since the source's last message while
the subscription's worker runs (an idle source sends one only every 30 s or so), else since the
last status check or setup found it in sync. Each run records what it found in the replica's
bloom_dr schema: promote falls back on it when the source is gone.

Problems (exit 1): no subscription, disabled, its worker not running (source unreachable, or an
apply error: the target's log says which), a table not ready, a source table not replicated
(created after setup: apply its migration to the replica, then setup again), lag over
--max-lag-seconds, and with --source a schema difference (fingerprints compared, the differing
lines shown), a migration applied on one side only, or the subscription's slot missing on the
source. Warnings (exit 0): inactive slots on the source that nothing here uses (an abandoned
slot makes the source keep WAL forever; on Neon it fills storage until Neon drops it).

Examples:
  bloom-dr replicate status --target "$RDS_MASTER_URL" --source "$NEON_REPLICATION_URL"
  bloom-dr replicate status --target "$RDS_MASTER_URL" --max-lag-seconds 30 --json

Exit status: 0 replicating within the limit; 1 a problem above, or the target cannot be read; 2 usage error.`,
  async run(ctx) {
    const targetUrl = urlOption(ctx, "target", true);
    const sourceUrl = urlOption(ctx, "source");
    const subscription = nameOption(ctx, "subscription");
    const maxLagSeconds = positiveIntegerOption(ctx, "max-lag-seconds", DEFAULT_MAX_LAG_SECONDS);
    const { runReplicateStatus } = await import("../../lib/replicate/status");
    ctx.io.progress("replicate status: reading the replica and measuring the lag…");
    const status = await runReplicateStatus({ targetUrl, sourceUrl, subscription, maxLagSeconds, signal: ctx.signal });
    for (const warning of status.warnings) ctx.io.info(`replicate status: warning: ${warning}`);
    ctx.io.result(
      {
        command: "replicate status",
        ...status,
        ...(status.ok ? {} : { error: status.problems.join("; ") }),
      },
      statusReport(status),
    );
    return status.ok ? 0 : 1;
  },
};

export function statusReport(s: ReplicateStatus): string {
  const lag =
    s.lag.seconds === null
      ? "lag: unknown"
      : `lag: ${s.lag.atLeast ? "at least " : ""}${s.lag.seconds} s${s.lag.bytes !== null ? `, ${formatBytes(s.lag.bytes)} of WAL` : ""} (${LAG_BASIS[s.lag.basis]}; limit ${s.maxLagSeconds} s)`;
  const lines = [
    `${s.ok ? "OK" : "NOT OK"}: subscription ${s.subscription} on ${s.target}${s.source ? ` from ${s.source}` : ""}`,
    s.exists
      ? `  ${s.enabled ? "enabled" : "DISABLED"}, worker ${s.workerRunning ? "running" : "NOT running"}, ${s.tables.length} table(s), ${s.tablesNotSyncing} not syncing`
      : "  no subscription",
    `  ${lag}`,
  ];
  if (s.schema) lines.push(`  schemas: ${s.schema.matches ? "identical" : "DIFFERENT"}`);
  if (s.slot)
    lines.push(
      `  slot ${s.slot.name}: ${s.slot.active ? "active" : "INACTIVE"}, source keeps ${formatBytes(s.slot.retainedBytes)} of WAL for it`,
    );
  if (s.tables.length > 0) lines.push(formatTable([["TABLE", "STATE"], ...s.tables.map((t) => [t.table, t.state])]));
  if (s.schema && !s.schema.matches) {
    lines.push(...s.schema.onlyOnSource.map((l) => `  only on the source:  ${l}`));
    lines.push(...s.schema.onlyOnTarget.map((l) => `  only on the replica: ${l}`));
  }
  lines.push(...s.problems.map((p) => `problem: ${p}`));
  lines.push(...s.warnings.map((w) => `warning: ${w}`));
  return lines.join("\n");
}

const LAG_BASIS: Record<ReplicateStatus["lag"]["basis"], string> = {
  source: "measured on the source",
  "last-message": "since the source's last message",
  "last-check": "since the last check that found it in sync",
  unknown: "unknown",
};
