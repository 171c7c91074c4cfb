import { BloomResourceRule, forTypes, readConfig } from "../lib/rule";
import { IAM_ATTACHMENT_TYPES, IAM_ROLE_TYPES } from "../lib/resourceTypes";

/** AWS managed policies that grant full access to where backups, keys or secrets live. */
export const BROAD_MANAGED_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "AmazonS3FullAccess",
  "SecretsManagerReadWrite",
  "AWSKeyManagementServicePowerUser",
  "AmazonRDSFullAccess",
];

function policyName(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  const match = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1];
}

/** Advisory: the inline least-privilege policies are what the mandatory rule checks; these bypass it. */
export const iamNoBroadManagedPolicies: BloomResourceRule = {
  name: "iam-no-broad-managed-policies",
  description:
    "Roles should not carry AWS managed policies that grant full access to S3, KMS, Secrets Manager, RDS or the whole account.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Detach the managed policy and grant the exact actions in an inline role policy (see iam-no-wildcard-actions-on-data-services).",
  configSchema: {
    properties: { allowedManagedPolicies: { type: "array", items: { type: "string" }, default: [] } },
  },
  validateResource: forTypes([...IAM_ATTACHMENT_TYPES, ...IAM_ROLE_TYPES], (props, args, reportViolation) => {
    const { allowedManagedPolicies } = readConfig(args, { allowedManagedPolicies: [] as string[] });
    const arns: unknown[] = IAM_ROLE_TYPES.includes(args.type as (typeof IAM_ROLE_TYPES)[number])
      ? (props.managedPolicyArns ?? [])
      : [props.policyArn];
    for (const arn of arns) {
      const name = policyName(arn);
      if (name && BROAD_MANAGED_POLICIES.includes(name) && !allowedManagedPolicies.includes(name)) {
        reportViolation(`attaches the AWS managed policy ${name}, which grants far more than the job needs`);
      }
    }
  }),
};
