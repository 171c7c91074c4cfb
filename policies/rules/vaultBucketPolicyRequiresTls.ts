import { isVaultConfiguration } from "../lib/vaultScope";
import { BloomResourceRule, forTypes } from "../lib/rule";
import { S3_BUCKET_POLICY_TYPES } from "../lib/resourceTypes";
import { deniesInsecureTransport, parsePolicyDocument } from "../lib/iamDocument";

export const vaultBucketPolicyRequiresTls: BloomResourceRule = {
  name: "vault-bucket-policy-requires-tls",
  description:
    "The bucket policy must deny every S3 action to every principal on the bucket and its objects when aws:SecureTransport is false.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Add a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } } to the BucketPolicy.',
  validateResource: forTypes(S3_BUCKET_POLICY_TYPES, (props, args, reportViolation) => {
    if (!isVaultConfiguration(args)) return args.notApplicable("a configuration of a bucket outside the vault");
    const parsed = parsePolicyDocument(props.policy);
    if ("error" in parsed) {
      reportViolation(`${parsed.error}, so it cannot be shown to deny non-TLS requests`);
      return;
    }
    if (!parsed.statements.some(deniesInsecureTransport)) {
      reportViolation(
        'no statement denies s3:* to Principal "*" on the bucket and its objects when aws:SecureTransport is "false"',
      );
    }
  }),
};
