import { BloomResourceRule, forTypes } from "../lib/rule";
import { RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

export const rdsFinalSnapshotRequired: BloomResourceRule = {
  name: "rds-final-snapshot-required",
  description:
    "Deleting the failover RDS instance must take a final snapshot: skipFinalSnapshot must not be true and finalSnapshotIdentifier must be set.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set skipFinalSnapshot: false and finalSnapshotIdentifier to a stable name (FailoverDatabase derives it from project, stack and component).",
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, _args, reportViolation) => {
    if (props.skipFinalSnapshot === true) reportViolation("skipFinalSnapshot is true; it must be false");
    const identifier = props.finalSnapshotIdentifier;
    if (typeof identifier !== "string" || identifier.length === 0) {
      reportViolation(
        "finalSnapshotIdentifier is not set: AWS refuses to delete the instance with a final snapshot without it",
      );
    }
  }),
};
