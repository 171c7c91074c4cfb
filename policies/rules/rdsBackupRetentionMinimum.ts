import { BloomResourceRule, forTypes, readConfig } from "../lib/rule";
import { RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

/** The playbook's RDS failover procedure uses --backup-retention-period 7. */
export const rdsBackupRetentionMinimum: BloomResourceRule = {
  name: "rds-backup-retention-minimum",
  description:
    "The failover RDS instance must keep automated backups for at least minBackupRetentionDays (default 7, as in the playbook).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set bloom-dr:failover.backupRetentionDays to at least minBackupRetentionDays (7 by default), then `pulumi up -s dr`.",
  configSchema: {
    properties: { minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } },
  },
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, args, reportViolation) => {
    const { minBackupRetentionDays } = readConfig(args, { minBackupRetentionDays: 7 });
    const days = props.backupRetentionPeriod;
    if (typeof days !== "number" || days < minBackupRetentionDays) {
      reportViolation(
        `backupRetentionPeriod is ${JSON.stringify(days)}; it must be at least ${minBackupRetentionDays} days`,
      );
    }
  }),
};
