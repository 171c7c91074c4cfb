import type { ReplicateStopResult } from "../../lib/replicate/stop";
import { CliCommand } from "../command";
import { nameOption, REPLICATE_OPTIONS, urlOption } from "./replicateOptions";

/** `bloom-dr replicate stop`: drop the subscription and its slot on the source. */
export const replicateStopCommand: CliCommand = {
  name: "replicate stop",
  summary:
    "end replication: drop the subscription on the target and its slot on the source (the replica keeps its data)",
  options: {
    target: REPLICATE_OPTIONS.target,
    source: {
      ...REPLICATE_OPTIONS.source,
      description: `${REPLICATE_OPTIONS.source.description}: check that the slot is gone, drop it if it was left`,
    },
    subscription: REPLICATE_OPTIONS.subscription,
  },
  details: `
The subscription is disabled and dropped; DROP SUBSCRIPTION drops its slot on the source through
the subscription's own connection. When the source cannot be reached the subscription is still
dropped and the slot is left there, said so (exit 1): an abandoned slot makes the source keep WAL
forever. Run stop again with --source once it is back: it drops a slot the subscription left
(never one in use by another subscriber). Also for an orphaned slot that replicate status
--source warns about: --subscription names it.

Examples:
  bloom-dr replicate stop --target "$RDS_MASTER_URL" --source "$NEON_REPLICATION_URL"
  bloom-dr replicate stop --target "$RDS_MASTER_URL" --json

Exit status: 0 no subscription and no slot left; 1 the slot is left on the source, or the stop
failed; 2 usage error.`,
  async run(ctx) {
    const targetUrl = urlOption(ctx, "target", true);
    const sourceUrl = urlOption(ctx, "source");
    const subscription = nameOption(ctx, "subscription");
    const { runReplicateStop } = await import("../../lib/replicate/stop");
    ctx.io.progress("replicate stop: dropping the subscription and its slot…");
    const result = await runReplicateStop({ targetUrl, sourceUrl, subscription });
    ctx.io.result(
      { command: "replicate stop", ...result, ...(result.ok ? {} : { error: result.problems.join("; ") }) },
      stopReport(result),
    );
    return result.ok ? 0 : 1;
  },
};

export function stopReport(r: ReplicateStopResult): string {
  const slot =
    r.slot === null
      ? "no slot to drop (no --source to check)"
      : r.slot.state === "dropped"
        ? `slot ${r.slot.name} dropped on the source`
        : r.slot.state === "absent"
          ? `slot ${r.slot.name}: not on the source`
          : `slot ${r.slot.name} LEFT on the source`;
  return [
    `${r.dropped ? `subscription ${r.subscription} dropped` : `no subscription ${r.subscription}`} on ${r.target}; ${slot}`,
    ...r.problems.map((p) => `problem: ${p}`),
  ].join("\n");
}
