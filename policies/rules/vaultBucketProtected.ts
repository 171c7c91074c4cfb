import { BloomResourceRule, forTypes } from "../lib/rule";
import { reportUnprotected } from "../lib/protection";
import { vaultCopy } from "../lib/vaultScope";
import { S3_BUCKET_TYPES, VAULT_TAG } from "../lib/resourceTypes";

/** `pulumi destroy --exclude-protected` or dropping the replica must never delete a vault bucket. */
export const vaultBucketProtected: BloomResourceRule = {
  name: "vault-bucket-protected",
  description: `Every vault bucket (tagged ${VAULT_TAG}) must carry the Pulumi protect option and retainOnDelete, so no destroy or program change deletes it.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create the bucket with `{ protect: true, retainOnDelete: true }` (BackupVault does). To retire a vault deliberately, `pulumi state unprotect <urn>` first; with retainOnDelete the bucket then stays in AWS, to be emptied and deleted by hand once its backups are no longer needed.",
  validateResource: forTypes(S3_BUCKET_TYPES, (props, args, reportViolation) => {
    if (vaultCopy(props) === undefined) return args.notApplicable(`not a vault bucket (no ${VAULT_TAG} tag)`);
    reportUnprotected("the vault bucket", args.opts, reportViolation);
  }),
};
