import { BloomResourceRule, forTypes } from "../lib/rule";
import { IAM_POLICY_TYPES, IAM_ROLE_POLICY_TYPES, IAM_ROLE_TYPES } from "../lib/resourceTypes";
import { parsePolicyDocument, wildcardGrants } from "../lib/iamDocument";

/** The services that hold backups, their keys and the database credentials. */
export const DATA_SERVICES = ["s3", "kms", "secretsmanager"] as const;

function documentsOf(type: string, props: Record<string, any>): Array<{ label: string; document: unknown }> {
  if (IAM_ROLE_TYPES.includes(type as (typeof IAM_ROLE_TYPES)[number])) {
    return ((props.inlinePolicies ?? []) as any[]).map((inline, i) => ({
      label: `inline policy ${JSON.stringify(inline?.name ?? i)}`,
      document: inline?.policy,
    }));
  }
  return [{ label: "policy", document: props.policy }];
}

/** Least privilege for the dump and restore jobs: explicit actions only where the data lives. */
export const iamNoWildcardOnDataServices: BloomResourceRule = {
  name: "iam-no-wildcard-actions-on-data-services",
  description:
    'No Allow statement in an IAM role policy, managed policy or role inline policy may grant "*", a wildcard action on s3, kms or secretsmanager ("s3:*", "kms:Get*"...) or use NotAction.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "List the exact actions the job needs (e.g. s3:PutObject on <bucket>/<prefix>*, kms:GenerateDataKey and kms:Decrypt on the vault key, secretsmanager:GetSecretValue on the one secret).",
  validateResource: forTypes(
    [...IAM_ROLE_POLICY_TYPES, ...IAM_POLICY_TYPES, ...IAM_ROLE_TYPES],
    (props, args, reportViolation) => {
      for (const { label, document } of documentsOf(args.type, props)) {
        if (document === undefined) continue;
        const parsed = parsePolicyDocument(document);
        if ("error" in parsed) {
          reportViolation(`${label}: ${parsed.error}`);
          continue;
        }
        parsed.statements.forEach((statement, i) => {
          const offending = wildcardGrants(statement, DATA_SERVICES);
          if (offending.length > 0) {
            const sid = statement.Sid ? ` (Sid ${statement.Sid})` : "";
            reportViolation(
              `${label} statement ${i}${sid} grants wildcard actions ${offending.join(", ")}; list exact actions`,
            );
          }
        });
      }
    },
  ),
};
