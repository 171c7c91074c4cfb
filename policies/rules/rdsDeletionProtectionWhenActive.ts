import { BloomResourceRule, forTypes } from "../lib/rule";
import { DRILL_TAG, FAILOVER_MODE_TAG, RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

/**
 * An instance tagged `bloom-dr:failover-mode=active` is serving production traffic: it must
 * survive a mistaken `pulumi destroy` or a config change both in AWS (deletionProtection) and
 * in Pulumi (`protect`). A drill's instance (tagged `bloom-dr:drill`) is active but never serves
 * the app, and its stack must be destroyable; rds-serving-app-is-protected still holds any
 * instance a secret is written from, drill or not.
 */
export const rdsDeletionProtectionWhenActive: BloomResourceRule = {
  name: "rds-deletion-protection-when-active",
  description: `An RDS instance tagged ${FAILOVER_MODE_TAG}=active (and not ${DRILL_TAG}) must have deletionProtection: true and the Pulumi protect option.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "FailoverDatabase sets both when bloom-dr:failover.mode is active. For another instance set deletionProtection: true and `{ protect: true }`; to retire it, go back to standby first.",
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, args, reportViolation) => {
    if (props.tags?.[FAILOVER_MODE_TAG] !== "active") return;
    // A drill's instance: nothing points the app at it, and `pulumi destroy` must remove it.
    if (props.tags?.[DRILL_TAG] !== undefined) return;
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
