/**
 * What every bloom-dr function runs as: its own log group, an execution role only Lambda may
 * assume, and that role's one inline policy, which is given the log group's ARN (each policy
 * allows writing to its own log group and nothing else of CloudWatch Logs). Children are named
 * `${name}-logs`, `${name}-role` and `${name}-policy` under the given parent, as each component
 * declared them before this helper: extracting it changed no URN.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "./iamPolicies";

export interface LambdaIdentityArgs {
  readonly logRetentionDays: number;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The role's policy document (JSON), given the log group's ARN. */
  readonly policy: (logGroupArn: pulumi.Output<string>) => pulumi.Input<string>;
}

export interface LambdaIdentity {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  /** Functions depend on it: a function started before its policy exists fails its first run. */
  readonly rolePolicy: aws.iam.RolePolicy;
}

export function createLambdaIdentity(
  name: string,
  args: LambdaIdentityArgs,
  opts: pulumi.CustomResourceOptions,
): LambdaIdentity {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { retentionInDays: args.logRetentionDays, tags: args.tags },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-role`,
    { assumeRolePolicy: JSON.stringify(assumeRolePolicy("lambda.amazonaws.com")), tags: args.tags },
    opts,
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: args.policy(logGroup.arn) },
    opts,
  );
  return { logGroup, role, rolePolicy };
}

/**
 * The inputs every bloom-dr function shares: the recovery image (built for x86_64, see
 * runtime/Dockerfile) running one handler `command`, as `runAs`'s role, logging into its log group.
 */
export function imageFunctionInputs(
  runAs: Pick<LambdaIdentity, "role" | "logGroup">,
  imageUri: pulumi.Input<string>,
  command: string,
): Pick<
  aws.lambda.FunctionArgs,
  "packageType" | "imageUri" | "imageConfig" | "architectures" | "role" | "loggingConfig"
> {
  return {
    packageType: "Image",
    imageUri,
    imageConfig: { commands: [command] },
    architectures: ["x86_64"],
    role: runAs.role.arn,
    loggingConfig: { logFormat: "Text", logGroup: runAs.logGroup.name },
  };
}
