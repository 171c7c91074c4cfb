import { DrillName } from "./types";

/**
 * The playbook's promises for its quarterly drills ("Recovery Drills (Quarterly)" in
 * recovery-playbook.md): the expected RTO and the pass criterion each drill is measured against.
 */
export const PLAYBOOK_DRILLS: Record<
  DrillName,
  { title: string; expectedRtoMs: number; expectedRpoMs?: number; passCriterion: string }
> = {
  pitr: {
    title: "Drill 1: PITR recovery (50 deleted reservations)",
    expectedRtoMs: 30 * 60_000,
    passCriterion: "100% of the deleted records recovered, no other row changed",
  },
  restore: {
    title: "Drill 2: backup restoration after corruption",
    expectedRtoMs: 60 * 60_000,
    passCriterion: "schema and data OK: integrity checks find nothing and row counts match the backup",
  },
  failover: {
    title: "Drill 3: disaster recovery (failover to the standby, then fail-back)",
    expectedRtoMs: 4 * 60 * 60_000,
    expectedRpoMs: 24 * 60 * 60_000,
    passCriterion:
      "the promoted standby serves the app (counts and smoke query as the app role); after fail-back the failover's writes are on the new primary",
  },
};

/**
 * The failover drill's replica variant (failover.mode replica): the same RTO, and an RPO of
 * seconds rather than the nightly backup's day: the default lag limit of `replicate status`.
 */
export const REPLICA_FAILOVER_DRILL = {
  title: "Drill 3, replica variant: disaster recovery from a logical replica (failover to the replica, then fail-back)",
  expectedRtoMs: 4 * 60 * 60_000,
  expectedRpoMs: 60_000,
  passCriterion:
    "the promoted replica serves the app (smoke query, new rows from the sequences as the app role), the rows it lost are counted exactly; after fail-back the failover's writes are on the new primary",
} as const;

/** A drill's limits and texts: the playbook's, or its variant's. */
export function drillExpectations(
  name: DrillName,
  variant?: "replica",
): { title: string; expectedRtoMs: number; expectedRpoMs?: number; passCriterion: string } {
  return variant === "replica" ? REPLICA_FAILOVER_DRILL : PLAYBOOK_DRILLS[name];
}

/** The default smoke query: every reservation still finds its client (the app's main join). */
export const DEFAULT_SMOKE_QUERY =
  "SELECT count(*) AS reservations_with_client FROM reservations r JOIN clients c ON c.clinic_id = r.clinic_id AND c.id = r.client_id";

/** The number of reservations Drill 1 creates and deletes. */
export const PITR_DRILL_RESERVATIONS = 50;
