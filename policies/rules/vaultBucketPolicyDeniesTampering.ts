import { BloomStackRule } from "../lib/rule";
import { parsePolicyDocument, undeniedActions } from "../lib/iamDocument";
import { knownValue, ofTypes, resourcesReferring } from "../lib/links";
import { vaultCopy } from "../lib/vaultScope";
import { S3_BUCKET_POLICY_TYPES, S3_BUCKET_TYPES, VAULT_TAG } from "../lib/resourceTypes";

/** Deleting backups: the break-glass role's alone. */
export const OBJECT_DESTRUCTION_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:BypassGovernanceRetention",
] as const;
/** Rewriting what keeps backups (or lifting the policy that says so): the deployer's and break-glass's. */
export const TAMPERING_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
] as const;

/**
 * A vault's bucket policy is the lock, so it must also lock itself: without a deny on
 * s3:PutBucketPolicy any administrator can lift it. Scoped to vault buckets by their tag.
 */
export const vaultBucketPolicyDeniesTampering: BloomStackRule = {
  name: "vault-bucket-policy-denies-tampering",
  description: `The bucket policy of every vault bucket (tagged ${VAULT_TAG}) must deny deleting backups (s3:DeleteObject, s3:DeleteObjectVersion, s3:BypassGovernanceRetention) and changing the policy, lifecycle, Object Lock or replication (s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutLifecycleConfiguration, s3:PutBucketObjectLockConfiguration, s3:PutReplicationConfiguration) to every principal except ones it names by aws:PrincipalArn.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Use the BackupVault bucket policy (components/vaultPolicy.ts): Deny statements for Principal "*" on those actions, exempting only the break-glass role (deletes) and the deployer plus break-glass (configuration) with ArnNotEquals aws:PrincipalArn.',
  validateStack: (args, reportViolation) => {
    for (const bucket of ofTypes(args.resources, S3_BUCKET_TYPES)) {
      if (vaultCopy(bucket.props) === undefined) continue;
      const bucketArn = knownValue(bucket.props, "arn");
      const arn = typeof bucketArn === "string" ? bucketArn : undefined;
      const policies = resourcesReferring(args.resources, S3_BUCKET_POLICY_TYPES, "bucket", bucket, ["bucket", "id"]);
      for (const policy of policies) {
        const parsed = parsePolicyDocument(knownValue(policy.props, "policy"));
        if ("error" in parsed) {
          reportViolation(`${policy.name}: ${parsed.error}, so it cannot be shown to lock the vault`, policy.urn);
          continue;
        }
        const missing = [
          ...undeniedActions(parsed.statements, OBJECT_DESTRUCTION_ACTIONS, arn && `${arn}/*`),
          ...undeniedActions(parsed.statements, TAMPERING_ACTIONS, arn),
        ];
        if (missing.length > 0) {
          reportViolation(
            `${policy.name} (vault bucket ${bucket.name}) does not deny ${missing.join(", ")} to every principal but named ones`,
            policy.urn,
          );
        }
      }
    }
  },
};
