import type * as DumpJobModule from "../../components/dumpJob";
import {
  MOCK_ACCOUNT_ID,
  PulumiMockHarness,
  RecordedResource,
  setupPulumiMocks,
  valueOf,
} from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

let mocks: PulumiMockHarness;
let DumpJob: typeof DumpJobModule.DumpJob;

const DIGEST = "sha256:0123456789abcdef";
const SOURCE_URL = "postgresql://owner:direct-secret-pw@ep-primary.aws.neon.tech/app?sslmode=require";
const VAULT = {
  vaultBucketName: "vault-bucket",
  vaultBucketArn: "arn:aws:s3:::vault-bucket",
  vaultKeyArn: "arn:aws:kms:us-east-1:123456789012:key/vault",
};
const TOPIC = "arn:aws:sns:us-east-1:123456789012:sev2";

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    state: ({ type }) => (type === "docker-build:index:Image" ? { digest: DIGEST, ref: `repo@${DIGEST}` } : undefined),
    invokes: {
      "aws:ec2/getVpc:getVpc": () => ({ id: "vpc-default", cidrBlock: "172.31.0.0/16", default: true }),
      "aws:ec2/getSubnets:getSubnets": () => ({ id: "us-east-1", ids: ["subnet-a", "subnet-b"] }),
    },
  });
  ({ DumpJob } = await import("../../components/dumpJob"));
});
beforeEach(() => mocks.reset());

async function build(extra: Partial<DumpJobModule.DumpJobArgs> = {}) {
  const job = new DumpJob("backup", { ...VAULT, sourceDatabaseUrl: SOURCE_URL, alarmTopicArn: TOPIC, ...extra });
  await mocks.settle(
    job.imageUri,
    job.scheduleArn,
    job.errorAlarmArn,
    job.stalenessAlarmArn,
    job.runnerName,
    job.deadLetterQueueArn,
  );
  return job;
}

function typesOf(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

const COMMON_TYPES = {
  "aws:ecr/repository:Repository": 1,
  "docker-build:index:Image": 1,
  "aws:secretsmanager/secret:Secret": 1,
  "aws:secretsmanager/secretVersion:SecretVersion": 1,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  "aws:sqs/queue:Queue": 1,
  "aws:scheduler/schedule:Schedule": 1,
  "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
};

describe("lambda runner", () => {
  test("creates exactly the lambda job's resources", async () => {
    await build();
    expect(typesOf(mocks.customResources())).toEqual({
      ...COMMON_TYPES,
      "aws:iam/role:Role": 2,
      "aws:iam/rolePolicy:RolePolicy": 2,
      "aws:lambda/function:Function": 1,
    });
    expect(mocks.ofType("bloom-dr:backup:BackupImage")).toHaveLength(1);
    expect(mocks.urnOf("backup-function")).toContain(
      "bloom-dr:backup:DumpJob$aws:lambda/function:Function::backup-function",
    );
  });

  test("the image repository scans on push and has immutable tags but the build's; the image is pushed for amd64", async () => {
    const job = await build();
    expect(mocks.one("aws:ecr/repository:Repository").inputs).toMatchObject({
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [{ filter: "src-*", filterType: "WILDCARD" }],
      imageScanningConfiguration: { scanOnPush: true },
      forceDelete: false,
    });
    const image = mocks.one("docker-build:index:Image").inputs;
    expect(image.push).toBe(true);
    expect(image.platforms).toEqual(["linux/amd64"]);
    expect(image.dockerfile.location).toMatch(/runtime\/Dockerfile$/);
    expect(image.tags[0]).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\/backup-image-repository:src-[0-9a-f]{16}$/);
    expect(image.registries[0]).toMatchObject({ username: "AWS", password: "mock-ecr-password" });
    expect(mocks.one("docker-build:index:Image").secretInputs).toContain("registries");
    expect(await valueOf(job.imageUri)).toBe(
      `${MOCK_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/backup-image-repository@${DIGEST}`,
    );
  });

  test("the Lambda runs the image with 900 s, 2048 MB, 10 GB /tmp and an environment free of credentials", async () => {
    await build();
    const fn = mocks.one("aws:lambda/function:Function").inputs;
    expect(fn).toMatchObject({
      packageType: "Image",
      imageUri: `${MOCK_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/backup-image-repository@${DIGEST}`,
      imageConfig: { commands: ["runtime/handlers/dump.handler"] },
      timeout: 900,
      memorySize: 2048,
      ephemeralStorage: { size: 10240 },
      role: mocks.named("backup-role").state.arn,
      loggingConfig: { logFormat: "Text", logGroup: mocks.named("backup-logs").state.name },
    });
    const secret = mocks.named("backup-source-url");
    expect(fn.environment.variables).toEqual({
      SOURCE_URL_SECRET_ARN: secret.state.arn,
      BACKUP_BUCKET: "vault-bucket",
      BACKUP_PREFIX: "production/",
      BACKUP_KMS_KEY_ID: VAULT.vaultKeyArn,
    });
    expect(JSON.stringify(mocks.resources.map((resource) => resource.inputs.environment))).not.toContain(
      "direct-secret-pw",
    );
  });

  test("no concurrency is reserved unless asked: new accounts (quota 10) cannot reserve any", async () => {
    await build();
    expect(mocks.one("aws:lambda/function:Function").inputs.reservedConcurrentExecutions).toBeUndefined();
    mocks.reset();
    await build({ reserveConcurrency: true });
    expect(mocks.one("aws:lambda/function:Function").inputs.reservedConcurrentExecutions).toBe(1);
  });

  test("the source URL lives only in a secret version, as a secret", async () => {
    await build();
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs).toEqual({ secretId: mocks.named("backup-source-url").id, secretString: SOURCE_URL });
    expect(version.secretInputs).toEqual(["secretString"]);
    const holders = mocks.resources.filter((resource) => JSON.stringify(resource.inputs).includes("direct-secret-pw"));
    expect(holders.map((resource) => resource.name)).toEqual(["backup-source-url-version"]);
  });

  test("the role may write only under the prefix, use only the vault key, read only its secret and its logs", async () => {
    await build({ prefix: "tenant-a/" });
    const policy = JSON.parse(mocks.named("backup-policy").inputs.policy);
    const logGroupArn = mocks.named("backup-logs").state.arn;
    expect(policy.Statement).toEqual([
      {
        Sid: "WriteBackupsUnderPrefix",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"],
        Resource: "arn:aws:s3:::vault-bucket/tenant-a/*",
      },
      {
        Sid: "ListBackupPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::vault-bucket",
        Condition: { StringLike: { "s3:prefix": ["tenant-a/*"] } },
      },
      {
        Sid: "UseVaultKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
        Resource: VAULT.vaultKeyArn,
      },
      {
        Sid: "ReadSourceUrl",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: mocks.named("backup-source-url").state.arn,
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:*`,
      },
    ]);
    expect(JSON.parse(mocks.named("backup-role").inputs.assumeRolePolicy).Statement[0].Principal).toEqual({
      Service: "lambda.amazonaws.com",
    });
  });

  test("the schedule retries, dead-letters and invokes through its own role", async () => {
    await build({ schedule: "rate(6 hours)" });
    const schedule = mocks.one("aws:scheduler/schedule:Schedule").inputs;
    const queue = mocks.one("aws:sqs/queue:Queue");
    const fnArn = mocks.one("aws:lambda/function:Function").state.arn;
    expect(schedule).toMatchObject({
      scheduleExpression: "rate(6 hours)",
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        arn: fnArn,
        roleArn: mocks.named("backup-scheduler-role").state.arn,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: queue.state.arn },
      },
    });
    expect(queue.inputs).toMatchObject({ messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
    const trust = JSON.parse(mocks.named("backup-scheduler-role").inputs.assumeRolePolicy);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "scheduler.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
    });
    const invoke = JSON.parse(mocks.named("backup-scheduler-policy").inputs.policy);
    expect(
      invoke.Statement.map((statement: { Action: string; Resource: unknown }) => [
        statement.Action,
        statement.Resource,
      ]),
    ).toEqual([
      ["lambda:InvokeFunction", [fnArn, `${fnArn}:*`]],
      ["sqs:SendMessage", queue.state.arn],
    ]);
  });

  test.each([
    [undefined, undefined, 86400 + 3600],
    ["rate(1 hour)", 15, 3600 + 900],
    ["cron(0 3 ? * MON-FRI *)", 0, 3 * 86400],
  ])("staleness alarm for schedule %s with grace %s has period %i", async (schedule, stalenessGraceMinutes, period) => {
    await build({ schedule, stalenessGraceMinutes });
    expect(mocks.named("backup-staleness").inputs).toMatchObject({
      namespace: "BloomDR",
      metricName: "BackupSucceeded",
      dimensions: { Prefix: "production/" },
      statistic: "Sum",
      period,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [TOPIC],
      okActions: [TOPIC],
    });
  });

  test("the error alarm fires on a single Lambda error and notifies SEV-2", async () => {
    await build();
    expect(mocks.named("backup-errors").inputs).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: mocks.one("aws:lambda/function:Function").state.name },
      statistic: "Sum",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      alarmActions: [TOPIC],
    });
    expect(mocks.named("backup-dlq-messages").inputs).toMatchObject({
      namespace: "AWS/SQS",
      dimensions: { QueueName: mocks.one("aws:sqs/queue:Queue").state.name },
      threshold: 1,
      alarmActions: [TOPIC],
    });
  });
});

describe("fargate runner", () => {
  test("replaces the Lambda with a scheduled ECS task of the same image and permissions", async () => {
    const job = await build({ runner: "fargate" });
    expect(typesOf(mocks.customResources())).toEqual({
      ...COMMON_TYPES,
      "aws:ecs/cluster:Cluster": 1,
      "aws:ecs/taskDefinition:TaskDefinition": 1,
      "aws:ec2/securityGroup:SecurityGroup": 1,
      "aws:iam/role:Role": 3,
      "aws:iam/rolePolicy:RolePolicy": 3,
    });
    const task = mocks.one("aws:ecs/taskDefinition:TaskDefinition");
    expect(task.inputs).toMatchObject({
      family: "bloom-dr-test-backup",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      taskRoleArn: mocks.named("backup-task-role").state.arn,
      executionRoleArn: mocks.named("backup-execution-role").state.arn,
    });
    const [container] = JSON.parse(task.inputs.containerDefinitions);
    expect(container.image).toBe(await valueOf(job.imageUri));
    expect(container.entryPoint).toEqual(["node"]);
    expect(container.command).toEqual(["runtime/handlers/dumpTask.js"]);
    expect(container.workingDirectory).toBe("/var/task");
    expect(container.environment.map((variable: { name: string }) => variable.name).sort()).toEqual([
      "BACKUP_BUCKET",
      "BACKUP_KMS_KEY_ID",
      "BACKUP_PREFIX",
      "SOURCE_URL_SECRET_ARN",
    ]);
    expect(task.inputs.containerDefinitions).not.toContain("direct-secret-pw");
    expect(container.logConfiguration.options["awslogs-group"]).toBe(mocks.named("backup-logs").state.name);
    // The task role holds exactly the Lambda role's document.
    const taskPolicy = JSON.parse(mocks.named("backup-task-policy").inputs.policy);
    expect(taskPolicy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual([
      "WriteBackupsUnderPrefix",
      "ListBackupPrefix",
      "UseVaultKey",
      "ReadSourceUrl",
      "WriteOwnLogs",
    ]);
    expect(mocks.ofType("aws:lambda/function:Function")).toHaveLength(0);
  });

  test("the schedule targets ECS in the default VPC's subnets and may pass only the task roles", async () => {
    await build({ runner: "fargate" });
    const schedule = mocks.one("aws:scheduler/schedule:Schedule").inputs;
    const cluster = mocks.one("aws:ecs/cluster:Cluster");
    const task = mocks.one("aws:ecs/taskDefinition:TaskDefinition");
    expect(schedule.target).toMatchObject({
      arn: cluster.state.arn,
      ecsParameters: {
        taskDefinitionArn: task.state.arn,
        launchType: "FARGATE",
        taskCount: 1,
        networkConfiguration: {
          subnets: ["subnet-a", "subnet-b"],
          securityGroups: [mocks.named("backup-task-sg").id],
          assignPublicIp: true,
        },
      },
    });
    expect(mocks.named("backup-task-sg").inputs).toMatchObject({ vpcId: "vpc-default" });
    expect(mocks.named("backup-task-sg").inputs.ingress).toBeUndefined();
    const policy = JSON.parse(mocks.named("backup-scheduler-policy").inputs.policy);
    expect(policy.Statement[1]).toMatchObject({
      Action: "iam:PassRole",
      Resource: [mocks.named("backup-task-role").state.arn, mocks.named("backup-execution-role").state.arn],
    });
    expect(mocks.named("backup-errors").inputs).toMatchObject({
      namespace: "BloomDR",
      metricName: "BackupFailed",
      dimensions: { Prefix: "production/" },
    });
  });

  test("an explicit network is used as given and no security group is created", async () => {
    await build({
      runner: "fargate",
      fargateNetwork: {
        vpcId: "vpc-1",
        subnetIds: ["subnet-private"],
        securityGroupIds: ["sg-1"],
        assignPublicIp: false,
      },
    });
    expect(mocks.ofType("aws:ec2/securityGroup:SecurityGroup")).toHaveLength(0);
    expect(mocks.one("aws:scheduler/schedule:Schedule").inputs.target.ecsParameters.networkConfiguration).toEqual({
      subnets: ["subnet-private"],
      securityGroups: ["sg-1"],
      assignPublicIp: false,
    });
    expect(mocks.invokes.map((invoke) => invoke.token)).not.toContain("aws:ec2/getVpc:getVpc");
  });
});

test.each([
  [{ schedule: "rate(1 week)" }, 'schedule "rate(1 week)" has unknown unit "week"'],
  [{ prefix: "production" }, 'backup prefix must be a relative S3 key prefix ending in "/"'],
  [{ runner: "batch" as never }, 'DumpJob bad: runner must be "lambda" or "fargate" (got "batch")'],
  [{ fargateCommand: ["x"] }, 'DumpJob bad: fargateNetwork/fargateCommand are set but runner is "lambda"'],
  [
    { runner: "fargate" as const, reserveConcurrency: true },
    'DumpJob bad: reserveConcurrency is set but runner is "fargate"; it applies to the Lambda runner only',
  ],
  [{ schedule: "cron(0 4 ? * SUN *)", stalenessGraceMinutes: 60 }, "longer than CloudWatch's 604800 s"],
])("rejects %j before creating anything", async (extra, message) => {
  const failure = await constructionFailure(
    mocks,
    "bad",
    () => new DumpJob("bad", { ...VAULT, sourceDatabaseUrl: SOURCE_URL, alarmTopicArn: TOPIC, ...extra }),
  );
  expect(failure.error).toContain(message);
  expect(failure.children).toEqual([]);
});
