import { BloomResourceRule, forTypes } from "../lib/rule";
import { RDS_INSTANCE_TYPES } from "../lib/resourceTypes";

export const rdsStorageEncrypted: BloomResourceRule = {
  name: "rds-storage-encrypted",
  description: "The failover RDS instance's storage (and so its snapshots) must be encrypted (storageEncrypted: true).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set storageEncrypted: true (optionally kmsKeyId). Encryption cannot be turned on in place: restore an encrypted copy from a snapshot and switch over.",
  validateResource: forTypes(RDS_INSTANCE_TYPES, (props, _args, reportViolation) => {
    if (props.storageEncrypted !== true) {
      reportViolation(`storageEncrypted is ${JSON.stringify(props.storageEncrypted)}; it must be true`);
    }
  }),
};
