/**
 * The backup vault's bucket policy: TLS only; nobody but the break-glass role may destroy backups;
 * nobody but the deployer (and the break-glass role) may change the rules that keep them, the
 * bucket policy itself included.
 */
import { PolicyDocument, exceptPrincipals, policyDocument } from "./policyDocument";

/** Actions that delete backups or shorten how long they are kept: the break-glass role only. */
export const DATA_DESTRUCTION_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
] as const;

/**
 * Bucket settings whose rewrite deletes backups without calling DeleteObject (lifecycle, Object
 * Lock, replication) or lifts the other protections (this policy, versioning, encryption, the
 * public access block). Also the permissions behind the matching Delete* calls
 * (DeleteBucketLifecycle, DeleteBucketReplication, DeleteBucketEncryption,
 * DeleteBucketPublicAccessBlock). The deployer must keep them: every `pulumi up` that touches one
 * of these resources makes these calls.
 */
export const CONFIGURATION_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
] as const;

export interface VaultPolicyArgs {
  readonly bucketArn: string;
  /** The IAM role or user that deploys the stack: the only one, with break-glass, that may reconfigure. */
  readonly deployerArn: string;
  /** When undefined every principal is denied the destruction actions. */
  readonly breakGlassRoleArn?: string;
}

export function vaultBucketPolicy(args: VaultPolicyArgs): PolicyDocument {
  const objects = `${args.bucketArn}/*`;
  const breakGlass = args.breakGlassRoleArn ? [args.breakGlassRoleArn] : [];
  return policyDocument(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [args.bucketArn, objects],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: breakGlass.length > 0 ? "DenyDestructionExceptBreakGlass" : "DenyDestructionToEveryone",
      Effect: "Deny",
      Principal: "*",
      Action: [...DATA_DESTRUCTION_ACTIONS],
      Resource: [args.bucketArn, objects],
      ...exceptPrincipals(breakGlass),
    },
    {
      Sid: "DenyReconfigurationExceptDeployer",
      Effect: "Deny",
      Principal: "*",
      Action: [...CONFIGURATION_ACTIONS],
      Resource: args.bucketArn,
      ...exceptPrincipals([args.deployerArn, ...breakGlass]),
    },
  );
}
