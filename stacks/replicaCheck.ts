/**
 * Leaving `replica` must not leave the subscription behind: in standby the scheduled restore test
 * would restore over it, `off` deletes the instance, and either way Neon keeps the subscription's
 * replication slot, and WAL for it, indefinitely. Before the dr program declares anything, it asks
 * RDS whether this stack's instance is tagged replica right now (live state, like the serving
 * check) and refuses an update that would stop treating it as one, unless the operator confirms
 * with failover.replicationStopped that `bloom-dr replicate stop` has dropped the subscription.
 * Promoting it (active outside a drill) needs no confirmation: the promotion's replica path drops it.
 */
import * as aws from "@pulumi/aws";
import { FAILOVER_MODE_TAG } from "../components/failoverInstance";
import { CONFIG_NAMESPACE } from "./configErrors";
import type { DrStackConfig } from "./configSchema";

/** Whether this update stops treating a replica as one (and has not confirmed the subscription stopped). */
export function leavesReplica(config: DrStackConfig): boolean {
  if (config.failover.replicationStopped) return false;
  if (config.failover.mode === "replica") return false;
  return !(config.failover.mode === "active" && config.drill === undefined);
}

function change(config: DrStackConfig): string {
  if (config.drill !== undefined && config.failover.mode === "active") return `${CONFIG_NAMESPACE}:drill cannot be set`;
  return `${CONFIG_NAMESPACE}:failover.mode cannot be ${config.failover.mode}`;
}

/** The one-line refusal, with the way through. */
export function stillReplicatingMessage(config: DrStackConfig, identifier: string): string {
  return `${change(config)} while this stack's instance ${identifier} replicates from the Neon primary (tagged ${FAILOVER_MODE_TAG}=replica): standby would restore over the subscription and off would delete the instance, and either way Neon would keep the subscription's replication slot, and WAL for it, indefinitely. Stop it first: bloom-dr replicate stop --target <the instance's master URL> from inside the VPC (it drops the subscription and its slot on Neon; docs/operations.md), then set ${CONFIG_NAMESPACE}:failover.replicationStopped: true and run pulumi up again (off goes through standby: the replica is protected); or promote it with failover.mode active`;
}

export interface ReplicaCheckArgs {
  readonly config: DrStackConfig;
  /** This stack's name: the instance carries it as the bloom-dr:stack tag. */
  readonly stackName: string;
}

/** Throws the one-line refusal when the update would leave a replica this stack still runs. */
export async function assertNotLeavingReplica(args: ReplicaCheckArgs): Promise<void> {
  if (!leavesReplica(args.config)) return;
  const tags = { "bloom-dr:stack": args.stackName, "bloom-dr:role": "dr", [FAILOVER_MODE_TAG]: "replica" };
  let identifiers: string[];
  try {
    identifiers = (await aws.rds.getInstances({ tags })).instanceIdentifiers;
  } catch (error) {
    const reason = String((error as Error)?.message ?? error).split("\n")[0];
    throw new Error(
      `cannot list this stack's RDS instances to check that none still replicates from Neon (${reason}): the deploying identity needs rds:DescribeDBInstances and rds:ListTagsForResource`,
    );
  }
  if (identifiers.length > 0) throw new Error(stillReplicatingMessage(args.config, identifiers[0]));
}
