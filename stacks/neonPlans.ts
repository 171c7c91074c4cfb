/**
 * What each Neon plan allows of the features bloom-dr relies on (Neon's documentation:
 * "History window" and "Protected branches"). Pure: the config check compares the stack's
 * settings with the organization's plan, so a plan limit is a one-line config error before
 * anything is created instead of a Neon API error half-way through `pulumi up`.
 */
export const NEON_PLANS = ["free", "launch", "scale"] as const;
export type NeonPlan = (typeof NEON_PLANS)[number];

export interface NeonPlanLimits {
  /** Neon's display name. */
  readonly label: string;
  /** The longest history window (PITR) the plan keeps. */
  readonly maxHistoryRetentionHours: number;
  /** How many protected branches a project may have (0: the feature is not available). */
  readonly protectedBranches: number;
}

export const NEON_PLAN_LIMITS: Readonly<Record<NeonPlan, NeonPlanLimits>> = {
  free: { label: "Free", maxHistoryRetentionHours: 6, protectedBranches: 0 },
  launch: { label: "Launch", maxHistoryRetentionHours: 7 * 24, protectedBranches: 2 },
  scale: { label: "Scale", maxHistoryRetentionHours: 30 * 24, protectedBranches: 5 },
};

/** The cheapest plan that keeps `hours` of history, if any. */
export function planForHistory(hours: number): NeonPlan | undefined {
  return NEON_PLANS.find((plan) => NEON_PLAN_LIMITS[plan].maxHistoryRetentionHours >= hours);
}
