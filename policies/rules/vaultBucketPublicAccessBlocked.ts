import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes } from "../lib/rule";
import { S3_PUBLIC_ACCESS_BLOCK_TYPES } from "../lib/resourceTypes";

export const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

export const vaultBucketPublicAccessBlocked: BloomResourceRule = {
  name: "vault-bucket-public-access-blocked",
  description:
    "The bucket's public access block must set all four flags: blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true on the bucket's BucketPublicAccessBlock.",
  validateResource: forTypes(S3_PUBLIC_ACCESS_BLOCK_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    for (const flag of PUBLIC_ACCESS_FLAGS) {
      if (props[flag] !== true) reportViolation(`${flag} is ${JSON.stringify(props[flag])}; it must be true`);
    }
  }),
};
