import {
  assumeRolePolicy,
  dumpJobPolicy,
  fargateExecutionPolicy,
  replicationPolicy,
  promoteJobPolicy,
  replicateJobPolicy,
  restoreJobPolicy,
  schedulerInvokeLambdaPolicy,
  schedulerRunTaskPolicy,
} from "../../components/iamPolicies";
import { PolicyDocument, normalizePrefix } from "../../components/policyDocument";

const BUCKET = "arn:aws:s3:::vault";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/vault";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:src";
const LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:/bloom-dr/dump";

function actions(document: PolicyDocument): string[] {
  return document.Statement.flatMap((statement) => [statement.Action].flat());
}

/** Resources that a statement with a service-scoped action may name. */
function resourcesOf(document: PolicyDocument, service: string): string[] {
  return document.Statement.filter((statement) =>
    [statement.Action].flat().some((action) => action.startsWith(`${service}:`)),
  ).flatMap((statement) => [statement.Resource ?? []].flat());
}

describe("dumpJobPolicy", () => {
  const document = dumpJobPolicy({
    bucketArn: BUCKET,
    prefix: "production/",
    keyArn: KEY,
    sourceSecretArn: SECRET,
    logGroupArn: LOGS,
  });

  test("grants exactly the backup actions", () => {
    expect(actions(document).sort()).toEqual(
      [
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:GetObject",
        "s3:ListBucket",
        "kms:GenerateDataKey",
        "kms:Decrypt",
        "kms:Encrypt",
        "secretsmanager:GetSecretValue",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ].sort(),
    );
  });

  test.each([
    ["s3", [`${BUCKET}/production/*`, BUCKET]],
    ["kms", [KEY]],
    ["secretsmanager", [SECRET]],
    ["logs", [`${LOGS}:*`]],
  ])("%s actions are scoped to %j", (service, resources) => {
    expect(resourcesOf(document, service)).toEqual(resources);
  });

  test("listing is limited to the prefix", () => {
    const list = document.Statement.find((statement) => statement.Action === "s3:ListBucket");
    expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": ["production/*"] } });
  });

  test("no wildcard action and no Allow on *", () => {
    expect(actions(document).some((action) => action.includes("*"))).toBe(false);
    expect(document.Statement.every((statement) => statement.Effect === "Allow" && statement.Resource !== "*")).toBe(
      true,
    );
  });
});

describe("restoreJobPolicy", () => {
  const document = restoreJobPolicy({
    bucketArn: BUCKET,
    prefix: "production/",
    vaultKeyArn: KEY,
    masterSecretArn: SECRET,
    masterSecretKeyArn: "arn:dr-key",
    logGroupArn: LOGS,
  });
  test("is read-only on the vault", () => {
    const s3 = actions(document).filter((action) => action.startsWith("s3:"));
    expect(s3.sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
    expect(actions(document).filter((action) => action.startsWith("kms:"))).toEqual(["kms:Decrypt", "kms:Decrypt"]);
  });
  test.each([
    ["s3", [`${BUCKET}/production/*`, BUCKET]],
    ["kms", [KEY, "arn:dr-key"]],
    ["secretsmanager", [SECRET]],
    ["ec2", ["*"]],
  ])("%s resources %j", (service, resources) => {
    expect(resourcesOf(document, service)).toEqual(resources);
  });
});

describe("promoteJobPolicy", () => {
  const APP_PASSWORD = "arn:aws:secretsmanager:us-west-2:123456789012:secret:app-password";
  const document = promoteJobPolicy({
    bucketArn: BUCKET,
    prefix: "production/",
    vaultKeyArn: KEY,
    masterSecretArn: SECRET,
    masterSecretKeyArn: "arn:dr-key",
    appPasswordSecretArn: APP_PASSWORD,
    appPasswordKeyArn: "arn:dr-key",
    logGroupArn: LOGS,
  });
  test("is read-only on AWS: everything promotion changes is inside the database", () => {
    expect(actions(document).sort()).toEqual(
      [
        "s3:GetObject",
        "s3:ListBucket",
        "kms:Decrypt",
        "kms:Decrypt",
        "kms:Decrypt",
        "secretsmanager:GetSecretValue",
        "secretsmanager:GetSecretValue",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ].sort(),
    );
  });
  test.each([
    ["s3", [`${BUCKET}/production/*`, BUCKET]],
    ["kms", [KEY, "arn:dr-key", "arn:dr-key"]],
    ["secretsmanager", [SECRET, APP_PASSWORD]],
    ["ec2", ["*"]],
    ["logs", [`${LOGS}:*`]],
  ])("%s resources %j", (service, resources) => {
    expect(resourcesOf(document, service)).toEqual(resources);
  });
});

describe("promoteJobPolicy of a stack whose primary publishes logical replication", () => {
  const SOURCE = "arn:aws:secretsmanager:us-west-2:123456789012:secret:replication-source";
  const document = promoteJobPolicy({
    bucketArn: BUCKET,
    prefix: "production/",
    vaultKeyArn: KEY,
    masterSecretArn: SECRET,
    masterSecretKeyArn: "arn:dr-key",
    appPasswordSecretArn: "arn:app-password",
    appPasswordKeyArn: "arn:dr-key",
    replicationSource: { secretArn: SOURCE, keyArn: "arn:dr-key" },
    logGroupArn: LOGS,
  });
  test.each([
    ["secretsmanager", [SECRET, "arn:app-password", SOURCE]],
    ["kms", [KEY, "arn:dr-key", "arn:dr-key", "arn:dr-key"]],
  ])("also reads the replication source: %s resources %j", (service, resources) => {
    expect(resourcesOf(document, service)).toEqual(resources);
  });
});

describe("replicateJobPolicy", () => {
  const SOURCE = "arn:aws:secretsmanager:us-west-2:123456789012:secret:replication-source";
  const document = replicateJobPolicy({
    masterSecretArn: SECRET,
    masterSecretKeyArn: "arn:dr-key",
    replicationSource: { secretArn: SOURCE, keyArn: "arn:dr-key" },
    logGroupArn: LOGS,
  });
  test("reads two secrets, manages its network interfaces and writes its logs; nothing of the vault", () => {
    expect(actions(document).sort()).toEqual(
      [
        "secretsmanager:GetSecretValue",
        "secretsmanager:GetSecretValue",
        "kms:Decrypt",
        "kms:Decrypt",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ].sort(),
    );
  });
  test.each([
    ["secretsmanager", [SECRET, SOURCE]],
    ["kms", ["arn:dr-key", "arn:dr-key"]],
    ["s3", []],
    ["cloudwatch", []],
    ["ec2", ["*"]],
    ["logs", [`${LOGS}:*`]],
  ])("%s resources %j", (service, resources) => {
    expect(resourcesOf(document, service)).toEqual(resources);
  });
  test("statement ids are unique", () => {
    const sids = document.Statement.map((statement) => statement.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });
});

test.each([
  ["lambda.amazonaws.com", undefined, undefined],
  ["scheduler.amazonaws.com", "123456789012", { StringEquals: { "aws:SourceAccount": "123456789012" } }],
] as const)("assumeRolePolicy(%s, %s)", (service, account, condition) => {
  expect(assumeRolePolicy(service, account)).toEqual({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumeByService",
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
});

test("schedulerInvokeLambdaPolicy allows one function and one queue", () => {
  const document = schedulerInvokeLambdaPolicy("arn:fn", "arn:dlq");
  expect(document.Statement.map((statement) => [statement.Action, statement.Resource])).toEqual([
    ["lambda:InvokeFunction", ["arn:fn", "arn:fn:*"]],
    ["sqs:SendMessage", "arn:dlq"],
  ]);
});

test("schedulerRunTaskPolicy pins the family, the cluster and the passed roles", () => {
  const document = schedulerRunTaskPolicy({
    taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/dump:7",
    clusterArn: "arn:cluster",
    taskRoleArn: "arn:task-role",
    executionRoleArn: "arn:exec-role",
    deadLetterQueueArn: "arn:dlq",
  });
  expect(document.Statement[0]).toMatchObject({
    Action: "ecs:RunTask",
    Resource: ["arn:aws:ecs:us-east-1:1:task-definition/dump:*"],
    Condition: { ArnEquals: { "ecs:cluster": "arn:cluster" } },
  });
  expect(document.Statement[1]).toMatchObject({ Action: "iam:PassRole", Resource: ["arn:task-role", "arn:exec-role"] });
});

test("fargateExecutionPolicy pulls from one repository", () => {
  const document = fargateExecutionPolicy({ repositoryArn: "arn:repo", logGroupArn: LOGS });
  expect(resourcesOf(document, "ecr")).toEqual(["*", "arn:repo"]);
  expect(document.Statement[0].Action).toBe("ecr:GetAuthorizationToken");
});

test("replicationPolicy never replicates deletes", () => {
  const document = replicationPolicy({
    sourceBucketArn: BUCKET,
    sourceKeyArn: KEY,
    destinationBucketArn: "arn:aws:s3:::replica",
    destinationKeyArn: "arn:replica-key",
  });
  expect(actions(document)).not.toContain("s3:ReplicateDelete");
  expect(resourcesOf(document, "kms")).toEqual([KEY, "arn:replica-key"]);
  expect(document.Statement.find((statement) => statement.Sid === "WriteReplicas")?.Resource).toBe(
    "arn:aws:s3:::replica/*",
  );
});

describe("normalizePrefix", () => {
  test.each(["production/", "a/b/", "prod-2026_q1/"])("accepts %s", (prefix) =>
    expect(normalizePrefix(prefix)).toBe(prefix),
  );
  test.each(["production", "/production/", "a//b/", "", "pro duction/"])("rejects %j", (prefix) => {
    expect(() => normalizePrefix(prefix)).toThrow(
      `backup prefix must be a relative S3 key prefix ending in "/", e.g. "production/" (got "${prefix}")`,
    );
  });
});
