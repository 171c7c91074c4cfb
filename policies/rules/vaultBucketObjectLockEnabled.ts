import { BloomResourceRule, forTypes } from "../lib/rule";
import { vaultCopy } from "../lib/vaultScope";
import { S3_BUCKET_TYPES, VAULT_TAG } from "../lib/resourceTypes";

/** Object Lock can only be turned on when the bucket is created: a bucket without it can never be WORM. */
export const vaultBucketObjectLockEnabled: BloomResourceRule = {
  name: "vault-bucket-object-lock-enabled",
  description: `Every vault bucket (tagged ${VAULT_TAG}) must be created with Object Lock enabled (objectLockEnabled: true), so backups can be made immutable (WORM).`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set objectLockEnabled: true on the aws.s3.Bucket. Object Lock cannot be enabled on an existing bucket by Pulumi: create a new vault bucket and copy the backups.",
  validateResource: forTypes(S3_BUCKET_TYPES, (props, args, reportViolation) => {
    if (vaultCopy(props) === undefined) return args.notApplicable(`not a vault bucket (no ${VAULT_TAG} tag)`);
    if (props.objectLockEnabled !== true) {
      reportViolation(`objectLockEnabled is ${JSON.stringify(props.objectLockEnabled)}; it must be true`);
    }
  }),
};
