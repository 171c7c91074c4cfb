/**
 * The Fargate variant of the dump job, for databases whose dump outlasts Lambda's 15 minutes:
 * the same image and environment as a one-shot ECS task with the same permissions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, fargateExecutionPolicy } from "./iamPolicies";
import { IMAGE_TASK_ROOT } from "./jobEnvironment";
import { boundedName } from "./names";

/** Where a Fargate task runs. It needs a route to ECR, S3, Secrets Manager and the database. */
export interface FargateNetworkArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Default: a security group created here that allows egress only. */
  readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default true (public subnets such as the default VPC's); false behind a NAT gateway. */
  readonly assignPublicIp?: boolean;
}

export const FARGATE_DEFAULTS = { cpu: 1024, memoryMb: 4096, ephemeralStorageGib: 50 } as const;
const CONTAINER_NAME = "backup";

export interface FargateRunnerArgs {
  readonly imageUri: pulumi.Input<string>;
  readonly repositoryArn: pulumi.Input<string>;
  readonly environment: pulumi.Input<Record<string, string>>;
  /** The job's permission document (JSON), the same one the Lambda runner's role gets. */
  readonly jobPolicy: pulumi.Input<string>;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly command: readonly string[];
  readonly network?: FargateNetworkArgs;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface FargateRunner {
  readonly cluster: aws.ecs.Cluster;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly assignPublicIp: boolean;
}

/** The default VPC and its default subnets, which have a route to the internet (Neon, ECR). */
function defaultNetwork(parent: pulumi.Resource): FargateNetworkArgs {
  const vpc = aws.ec2.getVpcOutput({ default: true }, { parent });
  const subnets = aws.ec2.getSubnetsOutput(
    {
      filters: [
        { name: "vpc-id", values: [vpc.id] },
        { name: "default-for-az", values: ["true"] },
      ],
    },
    { parent },
  );
  return { vpcId: vpc.id, subnetIds: subnets.ids, assignPublicIp: true };
}

export function createFargateRunner(name: string, args: FargateRunnerArgs, parent: pulumi.Resource): FargateRunner {
  const opts = { parent };
  const network = args.network ?? defaultNetwork(parent);
  const securityGroupIds = network.securityGroupIds ?? [
    new aws.ec2.SecurityGroup(
      `${name}-task-sg`,
      {
        description: "bloom-dr backup task: no inbound, outbound to the database, ECR, S3 and Secrets Manager",
        vpcId: network.vpcId,
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "backup traffic" }],
        tags: args.tags,
      },
      opts,
    ).id,
  ];

  const cluster = new aws.ecs.Cluster(`${name}-cluster`, { tags: args.tags }, opts);
  const taskRole = new aws.iam.Role(
    `${name}-task-role`,
    {
      assumeRolePolicy: JSON.stringify(assumeRolePolicy("ecs-tasks.amazonaws.com")),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(`${name}-task-policy`, { role: taskRole.id, policy: args.jobPolicy }, opts);
  const executionRole = new aws.iam.Role(
    `${name}-execution-role`,
    {
      assumeRolePolicy: JSON.stringify(assumeRolePolicy("ecs-tasks.amazonaws.com")),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-execution-policy`,
    {
      role: executionRole.id,
      policy: pulumi
        .all([args.repositoryArn, args.logGroup.arn])
        .apply(([repositoryArn, logGroupArn]) =>
          JSON.stringify(fargateExecutionPolicy({ repositoryArn, logGroupArn })),
        ),
    },
    opts,
  );

  const region = aws.getRegionOutput({}, opts).region;
  const taskDefinition = new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      family: boundedName([pulumi.getProject(), pulumi.getStack(), name], 255),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(FARGATE_DEFAULTS.cpu),
      memory: String(FARGATE_DEFAULTS.memoryMb),
      ephemeralStorage: { sizeInGib: FARGATE_DEFAULTS.ephemeralStorageGib },
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      containerDefinitions: pulumi
        .all([args.imageUri, args.environment, args.logGroup.name, region])
        .apply(([image, environment, logGroupName, awsRegion]) =>
          JSON.stringify([
            {
              name: CONTAINER_NAME,
              image,
              essential: true,
              // The image's entrypoint is the Lambda runtime; replace it with the task entry.
              entryPoint: args.command.slice(0, 1),
              command: args.command.slice(1),
              workingDirectory: IMAGE_TASK_ROOT,
              environment: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
              logConfiguration: {
                logDriver: "awslogs",
                options: {
                  "awslogs-group": logGroupName,
                  "awslogs-region": awsRegion,
                  "awslogs-stream-prefix": CONTAINER_NAME,
                },
              },
            },
          ]),
        ),
      tags: args.tags,
    },
    opts,
  );

  return {
    cluster,
    taskDefinition,
    taskRole,
    executionRole,
    subnetIds: network.subnetIds,
    securityGroupIds,
    assignPublicIp: network.assignPublicIp ?? true,
  };
}
