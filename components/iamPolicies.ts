/**
 * Least-privilege IAM documents of the backup and restore jobs, their schedulers and the vault
 * replication. Every statement names its resources; the only "*" resources are the actions AWS
 * does not scope (ecr:GetAuthorizationToken, the EC2 network-interface calls of a VPC Lambda).
 */
import { PolicyDocument, PolicyStatement, normalizePrefix, policyDocument } from "./policyDocument";

export type ServicePrincipal =
  "lambda.amazonaws.com" | "scheduler.amazonaws.com" | "ecs-tasks.amazonaws.com" | "s3.amazonaws.com";

/** Trust policy; `sourceAccount` closes the confused-deputy hole for service principals. */
export function assumeRolePolicy(service: ServicePrincipal, sourceAccount?: string): PolicyDocument {
  return policyDocument({
    Sid: "AssumeByService",
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
  });
}

function logStatement(logGroupArn: string): PolicyStatement {
  return {
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:*`,
  };
}

function listPrefixStatement(bucketArn: string, prefix: string): PolicyStatement {
  return {
    Sid: "ListBackupPrefix",
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn,
    Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } },
  };
}

export interface DumpJobPolicyArgs {
  readonly bucketArn: string;
  readonly prefix: string;
  readonly keyArn: string;
  readonly sourceSecretArn: string;
  readonly logGroupArn: string;
}

/** The dump job: write (and read back its catalog) under the prefix, the vault key, one secret. */
export function dumpJobPolicy(args: DumpJobPolicyArgs): PolicyDocument {
  const prefix = normalizePrefix(args.prefix);
  return policyDocument(
    {
      Sid: "WriteBackupsUnderPrefix",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"],
      Resource: `${args.bucketArn}/${prefix}*`,
    },
    listPrefixStatement(args.bucketArn, prefix),
    {
      Sid: "UseVaultKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
      Resource: args.keyArn,
    },
    { Sid: "ReadSourceUrl", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.sourceSecretArn },
    logStatement(args.logGroupArn),
  );
}

export interface RestoreJobPolicyArgs {
  readonly bucketArn: string;
  readonly prefix: string;
  readonly vaultKeyArn: string;
  readonly masterSecretArn: string;
  /** The key that encrypts the RDS-managed master secret. */
  readonly masterSecretKeyArn: string;
  readonly logGroupArn: string;
}

/** What both DR jobs read: the vault prefix (read-only) and the instance's master secret. */
function restoreReadStatements(args: RestoreJobPolicyArgs): PolicyStatement[] {
  const prefix = normalizePrefix(args.prefix);
  return [
    {
      Sid: "ReadBackupsUnderPrefix",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${args.bucketArn}/${prefix}*`,
    },
    listPrefixStatement(args.bucketArn, prefix),
    { Sid: "DecryptWithVaultKey", Effect: "Allow", Action: "kms:Decrypt", Resource: args.vaultKeyArn },
    {
      Sid: "ReadMasterSecret",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: args.masterSecretArn,
    },
    { Sid: "DecryptMasterSecret", Effect: "Allow", Action: "kms:Decrypt", Resource: args.masterSecretKeyArn },
  ];
}

/** A VPC Lambda manages its own network interfaces; EC2 does not scope these by resource. */
const VPC_NETWORK_INTERFACES: PolicyStatement = {
  Sid: "ManageVpcNetworkInterfaces",
  Effect: "Allow",
  Action: [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  Resource: "*",
};

/** The DR restore test: read-only on the vault prefix, the instance's master secret, its VPC ENIs. */
export function restoreJobPolicy(args: RestoreJobPolicyArgs): PolicyDocument {
  return policyDocument(...restoreReadStatements(args), VPC_NETWORK_INTERFACES, logStatement(args.logGroupArn));
}

/** Reading the Neon replication URL's secret (kept by the dr stack, under its own key). */
export interface ReplicationSourceAccess {
  readonly secretArn: string;
  readonly keyArn: string;
}

function replicationSourceStatements(source: ReplicationSourceAccess): PolicyStatement[] {
  return [
    {
      Sid: "ReadReplicationSource",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: source.secretArn,
    },
    { Sid: "DecryptReplicationSource", Effect: "Allow", Action: "kms:Decrypt", Resource: source.keyArn },
  ];
}

export interface PromoteJobPolicyArgs extends RestoreJobPolicyArgs {
  /** The secret holding the app role's password. */
  readonly appPasswordSecretArn: string;
  /** The key that encrypts it (the failover database's key). */
  readonly appPasswordKeyArn: string;
  /** When the primary publishes logical replication: promoting a replica reads its source. */
  readonly replicationSource?: ReplicationSourceAccess;
}

/**
 * The promotion step: what the restore test may do, plus reading the app role's password. Still
 * read-only on AWS: everything it changes is inside the database.
 */
export function promoteJobPolicy(args: PromoteJobPolicyArgs): PolicyDocument {
  return policyDocument(
    ...restoreReadStatements(args),
    {
      Sid: "ReadAppPassword",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: args.appPasswordSecretArn,
    },
    { Sid: "DecryptAppPassword", Effect: "Allow", Action: "kms:Decrypt", Resource: args.appPasswordKeyArn },
    ...(args.replicationSource ? replicationSourceStatements(args.replicationSource) : []),
    VPC_NETWORK_INTERFACES,
    logStatement(args.logGroupArn),
  );
}

export interface ReplicateJobPolicyArgs {
  readonly masterSecretArn: string;
  readonly masterSecretKeyArn: string;
  readonly replicationSource: ReplicationSourceAccess;
  readonly logGroupArn: string;
}

/**
 * The replicate function (setup and status of the subscription): the instance's master secret
 * and the Neon replication URL, nothing of the vault. Read-only on AWS; its metrics go out as
 * log lines (EMF), so it needs no cloudwatch:PutMetricData.
 */
export function replicateJobPolicy(args: ReplicateJobPolicyArgs): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadMasterSecret",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: args.masterSecretArn,
    },
    { Sid: "DecryptMasterSecret", Effect: "Allow", Action: "kms:Decrypt", Resource: args.masterSecretKeyArn },
    ...replicationSourceStatements(args.replicationSource),
    VPC_NETWORK_INTERFACES,
    logStatement(args.logGroupArn),
  );
}

export interface FargateExecutionPolicyArgs {
  readonly repositoryArn: string;
  readonly logGroupArn: string;
}

/** What ECS itself needs to start the task: pull the image from one repository, write logs. */
export function fargateExecutionPolicy(args: FargateExecutionPolicyArgs): PolicyDocument {
  return policyDocument(
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PullBackupImage",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: args.repositoryArn,
    },
    logStatement(args.logGroupArn),
  );
}

function deadLetterStatement(deadLetterQueueArn: string): PolicyStatement {
  return { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterQueueArn };
}

/** Scheduler → Lambda. */
export function schedulerInvokeLambdaPolicy(functionArn: string, deadLetterQueueArn: string): PolicyDocument {
  return policyDocument(
    { Sid: "InvokeJob", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [functionArn, `${functionArn}:*`] },
    deadLetterStatement(deadLetterQueueArn),
  );
}

export interface SchedulerRunTaskPolicyArgs {
  /** Task definition ARN; any revision of its family is allowed. */
  readonly taskDefinitionArn: string;
  readonly clusterArn: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly deadLetterQueueArn: string;
}

/** Scheduler → ECS RunTask on one family in one cluster, passing only the task's two roles. */
export function schedulerRunTaskPolicy(args: SchedulerRunTaskPolicyArgs): PolicyDocument {
  const family = args.taskDefinitionArn.replace(/:\d+$/, "");
  return policyDocument(
    {
      Sid: "RunBackupTask",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: [`${family}:*`],
      Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
    },
    {
      Sid: "PassTaskRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [args.taskRoleArn, args.executionRoleArn],
    },
    deadLetterStatement(args.deadLetterQueueArn),
  );
}

export interface ReplicationPolicyArgs {
  readonly sourceBucketArn: string;
  readonly sourceKeyArn: string;
  readonly destinationBucketArn: string;
  readonly destinationKeyArn: string;
}

/**
 * S3 replication role. Deletes are deliberately not replicated (no s3:ReplicateDelete): a
 * deletion in the primary vault must never propagate to the copy.
 */
export function replicationPolicy(args: ReplicationPolicyArgs): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadReplicationConfiguration",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: args.sourceBucketArn,
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging",
        "s3:GetObjectRetention",
        "s3:GetObjectLegalHold",
      ],
      Resource: `${args.sourceBucketArn}/*`,
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: `${args.destinationBucketArn}/*`,
    },
    { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: args.sourceKeyArn },
    {
      Sid: "EncryptReplica",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: args.destinationKeyArn,
    },
  );
}
