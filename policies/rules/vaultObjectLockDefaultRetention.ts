import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes, readConfig } from "../lib/rule";
import { S3_OBJECT_LOCK_TYPES } from "../lib/resourceTypes";

const MODES = ["GOVERNANCE", "COMPLIANCE"];

/** Retention period of a default-retention block in days (years count as 365 days, as S3 does). */
export function retentionDays(defaultRetention: { days?: number; years?: number } | undefined): number {
  if (!defaultRetention) return 0;
  return (defaultRetention.days ?? 0) + (defaultRetention.years ?? 0) * 365;
}

export const vaultObjectLockDefaultRetention: BloomResourceRule = {
  name: "vault-object-lock-default-retention",
  description:
    "The bucket's Object Lock configuration must be Enabled with a default retention (GOVERNANCE or COMPLIANCE) of at least minObjectLockDays, so every new backup is immutable.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'On the BucketObjectLockConfiguration set objectLockEnabled: "Enabled" and rule.defaultRetention: { mode: "GOVERNANCE" or "COMPLIANCE", days: <backup.objectLockDays ≥ minObjectLockDays> }.',
  configSchema: {
    properties: { minObjectLockDays: { type: "integer", minimum: 1, default: 1 } },
  },
  validateResource: forTypes(S3_OBJECT_LOCK_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    const { minObjectLockDays } = readConfig(args, { minObjectLockDays: 1 });
    if (props.objectLockEnabled !== undefined && props.objectLockEnabled !== "Enabled") {
      reportViolation(`objectLockEnabled is ${JSON.stringify(props.objectLockEnabled)}; it must be "Enabled"`);
    }
    const defaultRetention = props.rule?.defaultRetention;
    if (!defaultRetention) {
      reportViolation("rule.defaultRetention is missing: new backups would not be locked");
      return;
    }
    if (!MODES.includes(defaultRetention.mode)) {
      reportViolation(
        `rule.defaultRetention.mode is ${JSON.stringify(defaultRetention.mode)}; it must be GOVERNANCE or COMPLIANCE`,
      );
    }
    const days = retentionDays(defaultRetention);
    if (days < minObjectLockDays) {
      reportViolation(
        `default retention is ${days} days; it must be at least ${minObjectLockDays} (policy config minObjectLockDays)`,
      );
    }
  }),
};
