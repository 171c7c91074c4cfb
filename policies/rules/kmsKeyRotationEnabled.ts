import { BloomResourceRule, forTypes } from "../lib/rule";
import { KMS_KEY_TYPES } from "../lib/resourceTypes";

export const kmsKeyRotationEnabled: BloomResourceRule = {
  name: "kms-key-rotation-enabled",
  description:
    "Customer KMS keys that protect backups must rotate their key material yearly (enableKeyRotation: true).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set enableKeyRotation: true on the aws.kms.Key (rotation keeps old material, so existing backups stay readable).",
  validateResource: forTypes(KMS_KEY_TYPES, (props, _args, reportViolation) => {
    if (props.enableKeyRotation !== true) {
      reportViolation(`enableKeyRotation is ${JSON.stringify(props.enableKeyRotation)}; it must be true`);
    }
  }),
};
