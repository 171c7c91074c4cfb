/**
 * The key policy of a vault's KMS key. Pure.
 *
 * Scheduling the key's deletion (or disabling it) makes every backup encrypted with it, and the
 * final snapshot, unreadable: nobody but the break-glass role may do either, so neither a
 * `pulumi destroy` nor an administrator's mistake can. Rewriting this policy would lift that
 * deny, so only the deployer (and the break-glass role) may change it: the deployer must keep
 * kms:PutKeyPolicy, or KMS refuses the policy at creation (its lockout check requires that the
 * caller can update the policy later) and every later change to it would fail.
 */
import { PolicyDocument, exceptPrincipals, policyDocument } from "./policyDocument";

export const KEY_DESTRUCTION_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey"] as const;
export const KEY_POLICY_ACTIONS = ["kms:PutKeyPolicy"] as const;

export interface VaultKeyPolicyArgs {
  /** The account that owns the key; its IAM policies keep governing ordinary use of the key. */
  readonly accountId: string;
  /** "aws", "aws-us-gov", ... */
  readonly partition: string;
  readonly deployerArn: string;
  readonly breakGlassRoleArn?: string;
}

export function vaultKeyPolicy(args: VaultKeyPolicyArgs): PolicyDocument {
  const breakGlass = args.breakGlassRoleArn ? [args.breakGlassRoleArn] : [];
  return policyDocument(
    {
      // KMS's default statement: IAM policies in the account decide who may use the key.
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: `arn:${args.partition}:iam::${args.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: breakGlass.length > 0 ? "DenyKeyDestructionExceptBreakGlass" : "DenyKeyDestructionToEveryone",
      Effect: "Deny",
      Principal: "*",
      Action: [...KEY_DESTRUCTION_ACTIONS],
      Resource: "*",
      ...exceptPrincipals(breakGlass),
    },
    {
      Sid: "DenyKeyPolicyChangesExceptDeployer",
      Effect: "Deny",
      Principal: "*",
      Action: [...KEY_POLICY_ACTIONS],
      Resource: "*",
      ...exceptPrincipals([args.deployerArn, ...breakGlass]),
    },
  );
}

/** IAM role, user or root ARN (what aws:PrincipalArn compares with); not an STS session ARN. */
const PRINCIPAL_ARN = /^arn:(aws(-[a-z]+)*):iam::(\d{12}):(root|role\/.+|user\/.+)$/;

/** Partition and account of a principal ARN; throws a one-line message for anything else. */
export function principalParts(arn: string, what: string): { partition: string; accountId: string } {
  const match = PRINCIPAL_ARN.exec(arn);
  if (!match) {
    throw new Error(
      `${what} "${arn}" is not an IAM role, user or root ARN (arn:aws:iam::<account>:role/<name>); an STS session ARN cannot be named in a policy`,
    );
  }
  return { partition: match[1], accountId: match[3] };
}
