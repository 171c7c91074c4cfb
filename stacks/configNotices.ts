/**
 * What the config check says without refusing: settings that are valid but have consequences an
 * operator must not miss. Pure; loadStackConfig prints each as a warning of every preview and
 * update (the offline plan lists them too).
 */
import { CONFIG_NAMESPACE } from "./configErrors";
import type { StackConfig } from "./configSchema";

/** The cost and irreversibility of logical replication on the Neon primary. */
export const LOGICAL_REPLICATION_NOTICE = `${CONFIG_NAMESPACE}:neon.logicalReplication is true: Neon runs every compute of the project with wal_level=logical, which cannot be turned off again (this stack then refuses false: the change would replace the protected project); while a dr stack in failover.mode replica is subscribed, the primary's compute never scales to zero (billed around the clock), and Neon keeps WAL for the subscription's replication slot until the replica has applied it (README: "Standby or replica?")`;

export function configNotices(config: StackConfig): string[] {
  if (config.role === "prod" && config.neon.logicalReplication) return [LOGICAL_REPLICATION_NOTICE];
  return [];
}
