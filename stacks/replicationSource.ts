/**
 * The Neon replication URL a dr stack takes from the prod stack's `replicationSourceUrl` output.
 * Pure. Required in failover.mode replica; in active it is used when prod publishes one (promoting
 * a replica drains its lag and drops its slot); other modes never hold it.
 */
import type { FailoverMode } from "../components/failoverDatabaseArgs";
import { CONFIG_NAMESPACE } from "./configErrors";

/** What StackReference.getOutputDetails answers: a secret output arrives as secretValue. */
export interface OutputDetails {
  readonly value?: unknown;
  readonly secretValue?: unknown;
}

export const REPLICATION_SOURCE_OUTPUT = "replicationSourceUrl";

export function replicationSourceUrl(
  mode: FailoverMode,
  details: OutputDetails,
  primaryStack: string,
): string | undefined {
  if (mode !== "replica" && mode !== "active") return undefined;
  const url = details.secretValue ?? details.value;
  if (typeof url === "string" && url !== "") return url;
  if (mode === "active") return undefined;
  throw new Error(
    `${CONFIG_NAMESPACE}:failover.mode is replica, but stack ${primaryStack} exports no ${REPLICATION_SOURCE_OUTPUT} (its Neon primary does not publish logical replication): set ${CONFIG_NAMESPACE}:neon.logicalReplication: true on ${primaryStack} and run pulumi up -s ${primaryStack} first, knowing that Neon cannot turn it off again and that the primary's compute then never scales to zero while the replica is subscribed (README: "Standby or replica?"); or use failover.mode standby`,
  );
}
