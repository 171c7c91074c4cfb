import { BloomResourceRule, forTypes } from "../lib/rule";
import { RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

export const rdsNotPubliclyAccessible: BloomResourceRule = {
  name: "rds-not-publicly-accessible",
  description: "The failover RDS instance must not be publicly accessible: it holds a full copy of production data.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set publiclyAccessible: false and reach the instance from inside the VPC (the app's CIDRs in failover.appCidrs).",
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, _args, reportViolation) => {
    if (props.publiclyAccessible === true) reportViolation("publiclyAccessible is true; it must be false");
  }),
};
