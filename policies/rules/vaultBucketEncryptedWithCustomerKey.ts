import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes } from "../lib/rule";
import { S3_SSE_TYPES } from "../lib/resourceTypes";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** Backups hold every row of the database: they are encrypted with a key we control and can revoke. */
export const vaultBucketEncryptedWithCustomerKey: BloomResourceRule = {
  name: "vault-bucket-encrypted-with-customer-kms-key",
  description:
    "S3 default encryption must be SSE-KMS with a customer-managed key (sseAlgorithm aws:kms and an explicit kmsMasterKeyId).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "In the bucket's BucketServerSideEncryptionConfiguration set rules[].applyServerSideEncryptionByDefault to { sseAlgorithm: \"aws:kms\", kmsMasterKeyId: <the vault's aws.kms.Key arn> } (BackupVault does this).",
  validateResource: forTypes(S3_SSE_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    const rules: any[] = props.rules ?? [];
    if (rules.length === 0) {
      reportViolation("the encryption configuration has no rules: objects would use the S3-managed key");
      return;
    }
    rules.forEach((rule, i) => {
      const byDefault = rule?.applyServerSideEncryptionByDefault ?? {};
      if (!KMS_ALGORITHMS.includes(byDefault.sseAlgorithm)) {
        reportViolation(`rules[${i}] sseAlgorithm is ${JSON.stringify(byDefault.sseAlgorithm)}; it must be "aws:kms"`);
      }
      if (typeof byDefault.kmsMasterKeyId !== "string" || byDefault.kmsMasterKeyId.length === 0) {
        reportViolation(
          `rules[${i}] has no kmsMasterKeyId: the AWS-managed aws/s3 key cannot be revoked or restricted; set a customer key`,
        );
      }
    });
  }),
};
