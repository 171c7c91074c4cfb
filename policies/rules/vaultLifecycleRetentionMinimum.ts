import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes, readConfig } from "../lib/rule";
import { S3_LIFECYCLE_TYPES } from "../lib/resourceTypes";

/**
 * Lifecycle expiry is what bounds the vault's cost; this rule bounds it from below so that a
 * typo cannot silently shrink the recovery window. Noncurrent-version expiry is deliberately
 * not checked: deletion protection comes from Object Lock and the bucket policy (see
 * components/retention.ts), not from keeping old versions.
 */
export const vaultLifecycleRetentionMinimum: BloomResourceRule = {
  name: "vault-lifecycle-retention-minimum",
  description:
    "Every enabled lifecycle rule that expires current object versions must keep them at least minRetentionDays; expiry by a fixed date is not allowed.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Raise bloom-dr:backup.retentionDays to at least minRetentionDays (or lower minRetentionDays in the policy pack config if the playbook's retention changed), then `pulumi up`.",
  configSchema: {
    properties: { minRetentionDays: { type: "integer", minimum: 1, default: 30 } },
  },
  validateResource: forTypes(S3_LIFECYCLE_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    const { minRetentionDays } = readConfig(args, { minRetentionDays: 30 });
    const rules: any[] = props.rules ?? [];
    for (const rule of rules) {
      if (rule?.status !== "Enabled") continue;
      const label = `lifecycle rule ${JSON.stringify(rule.id ?? "(no id)")}`;
      const expiration = rule.expiration;
      if (!expiration) continue;
      if (expiration.date !== undefined) {
        reportViolation(
          `${label} expires objects on a fixed date (${expiration.date}); use days ≥ ${minRetentionDays}`,
        );
      }
      if (expiration.days !== undefined && expiration.days < minRetentionDays) {
        reportViolation(
          `${label} expires backups after ${expiration.days} days; the minimum is ${minRetentionDays} (policy config minRetentionDays)`,
        );
      }
    }
  }),
};
