import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes } from "../lib/rule";
import { S3_VERSIONING_TYPES } from "../lib/resourceTypes";

/** Versioning keeps overwritten or deleted backups recoverable (and Object Lock requires it). */
export const vaultBucketVersioningEnabled: BloomResourceRule = {
  name: "vault-bucket-versioning-enabled",
  description: "S3 bucket versioning must be Enabled (not Suspended or Disabled).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: 'Set versioningConfiguration.status to "Enabled" on the bucket\'s BucketVersioning resource.',
  validateResource: forTypes(S3_VERSIONING_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    const status = props.versioningConfiguration?.status;
    if (status !== "Enabled") {
      reportViolation(`versioningConfiguration.status is ${JSON.stringify(status)}; it must be "Enabled"`);
    }
  }),
};
