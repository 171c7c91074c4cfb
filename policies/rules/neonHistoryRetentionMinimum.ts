import { BloomResourceRule, forTypes, readConfig } from "../lib/rule";
import { NEON_PROJECT_TYPES } from "../lib/resourceTypes";

/** Neon's history retention is the PITR window: data lost longer ago than this is gone. */
export const neonHistoryRetentionMinimum: BloomResourceRule = {
  name: "neon-history-retention-minimum",
  description:
    "The Neon project's history retention (the point-in-time recovery window) must be at least minHistoryRetentionHours (default 168 hours = 7 days).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set bloom-dr:neon.historyRetentionHours to at least minHistoryRetentionHours (the Neon plan must allow it), then `pulumi up -s prod`.",
  configSchema: {
    properties: { minHistoryRetentionHours: { type: "integer", minimum: 1, default: 168 } },
  },
  validateResource: forTypes(NEON_PROJECT_TYPES, (props, args, reportViolation) => {
    const { minHistoryRetentionHours } = readConfig(args, { minHistoryRetentionHours: 168 });
    const seconds = props.historyRetentionSeconds;
    if (typeof seconds !== "number") {
      reportViolation(
        `historyRetentionSeconds is not set, so the plan's default applies; set at least ${minHistoryRetentionHours * 3600} seconds (${minHistoryRetentionHours} h)`,
      );
      return;
    }
    if (seconds < minHistoryRetentionHours * 3600) {
      reportViolation(
        `historyRetentionSeconds is ${seconds} (${seconds / 3600} h); the minimum is ${minHistoryRetentionHours} h (policy config minHistoryRetentionHours)`,
      );
    }
  }),
};
