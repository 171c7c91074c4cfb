/**
 * The backup vault's bucket policy: TLS only, and no principal but the break-glass role may
 * destroy backups or weaken the rules that keep them.
 */
import { PolicyDocument, PolicyStatement, policyDocument } from "./policyDocument";

/**
 * Actions that delete backups or shorten how long they are kept. Lifecycle, Object Lock and
 * replication changes are here because rewriting them is how an attacker (or a tired operator)
 * deletes backups without calling DeleteObject.
 */
export const PROTECTED_VAULT_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:PutReplicationConfiguration",
] as const;

export interface VaultPolicyArgs {
  readonly bucketArn: string;
  /** When undefined every principal is denied the protected actions. */
  readonly breakGlassRoleArn?: string;
}

export function vaultBucketPolicy(args: VaultPolicyArgs): PolicyDocument {
  const resources = [args.bucketArn, `${args.bucketArn}/*`];
  const denyInsecureTransport: PolicyStatement = {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  const denyDestruction: PolicyStatement = {
    Sid: args.breakGlassRoleArn ? "DenyDestructionExceptBreakGlass" : "DenyDestructionToEveryone",
    Effect: "Deny",
    Principal: "*",
    Action: [...PROTECTED_VAULT_ACTIONS],
    Resource: resources,
    // aws:PrincipalArn is the role ARN for any session of that role.
    ...(args.breakGlassRoleArn ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": args.breakGlassRoleArn } } } : {}),
  };
  return policyDocument(denyInsecureTransport, denyDestruction);
}
