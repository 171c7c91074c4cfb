import { BloomResourceRule, forTypes } from "../lib/rule";
import { FAILOVER_MODE_TAG, RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

/**
 * An instance tagged `bloom-dr:failover-mode=active` is serving production traffic: it must
 * survive a mistaken `pulumi destroy` or a config change both in AWS (deletionProtection) and
 * in Pulumi (`protect`).
 */
export const rdsDeletionProtectionWhenActive: BloomResourceRule = {
  name: "rds-deletion-protection-when-active",
  description: `An RDS instance tagged ${FAILOVER_MODE_TAG}=active must have deletionProtection: true and the Pulumi protect option.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "FailoverDatabase sets both when bloom-dr:failover.mode is active. For another instance set deletionProtection: true and `{ protect: true }`; to retire it, go back to standby first.",
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, args, reportViolation) => {
    if (props.tags?.[FAILOVER_MODE_TAG] !== "active") return;
    if (props.deletionProtection !== true) {
      reportViolation(
        `tagged ${FAILOVER_MODE_TAG}=active but deletionProtection is ${JSON.stringify(props.deletionProtection)}; it must be true`,
      );
    }
    if (args.opts.protect !== true) {
      reportViolation(`tagged ${FAILOVER_MODE_TAG}=active but the resource is not protected; pass { protect: true }`);
    }
  }),
};
