import type * as HealthProbeModule from "../../components/healthProbe";
import type * as MaintenanceModule from "../../components/maintenanceParameter";
import type * as MonitorRoleModule from "../../components/monitorRole";
import { PulumiMockHarness, RecordedResource, setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let HealthProbe: typeof HealthProbeModule.HealthProbe;
let MonitorRole: typeof MonitorRoleModule.MonitorRole;
let MaintenanceParameter: typeof MaintenanceModule.MaintenanceParameter;

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backup@sha256:abc";
const TOPICS = {
  sev1: "arn:aws:sns:us-east-1:123456789012:sev1",
  sev2: "arn:aws:sns:us-east-1:123456789012:sev2",
  sev3: "arn:aws:sns:us-east-1:123456789012:sev3",
};
const URLS = JSON.stringify({
  direct: "postgresql://bloom_monitor:monitor-secret-pw@ep-a.neon.tech/bloom?sslmode=require",
  pooled: "postgresql://bloom_monitor:monitor-secret-pw@ep-a-pooler.neon.tech/bloom?sslmode=require",
});

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  ({ HealthProbe } = await import("../../components/healthProbe"));
  ({ MonitorRole } = await import("../../components/monitorRole"));
  ({ MaintenanceParameter } = await import("../../components/maintenanceParameter"));
});
beforeEach(() => mocks.reset());

function typesOf(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

async function buildProbe(extra: Partial<HealthProbeModule.HealthProbeArgs> = {}) {
  const probe = new HealthProbe("health", {
    imageUri: IMAGE,
    monitorUrls: URLS,
    database: "bloom-production/bloom",
    topicArns: TOPICS,
    ...extra,
  });
  await mocks.settle(probe.functionName, probe.scheduleArn, probe.secretArn, ...Object.values(probe.alarmArns));
  return probe;
}

describe("HealthProbe", () => {
  test("creates exactly its resources, children of the component", async () => {
    await buildProbe();
    expect(typesOf(mocks.customResources())).toEqual({
      "aws:secretsmanager/secret:Secret": 1,
      "aws:secretsmanager/secretVersion:SecretVersion": 1,
      "aws:cloudwatch/logGroup:LogGroup": 1,
      "aws:iam/role:Role": 2,
      "aws:iam/rolePolicy:RolePolicy": 2,
      "aws:lambda/function:Function": 1,
      "aws:sqs/queue:Queue": 1,
      "aws:scheduler/schedule:Schedule": 1,
      "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
    });
    expect(mocks.urnOf("health-function")).toContain(
      "bloom-dr:monitoring:HealthProbe$aws:lambda/function:Function::health-function",
    );
  });

  test("the Lambda runs the job image's probe entry, 30 s, 256 MB, an environment without credentials", async () => {
    await buildProbe();
    const fn = mocks.one("aws:lambda/function:Function").inputs;
    expect(fn).toMatchObject({
      packageType: "Image",
      imageUri: IMAGE,
      imageConfig: { commands: ["runtime/handlers/healthProbe.handler"] },
      timeout: 30,
      memorySize: 256,
      role: mocks.named("health-role").state.arn,
    });
    expect(fn.reservedConcurrentExecutions).toBeUndefined();
    expect(fn.environment.variables).toEqual({
      HEALTH_PROBE_SECRET_ARN: mocks.named("health-urls").state.arn,
      HEALTH_PROBE_DATABASE: "bloom-production/bloom",
      HEALTH_PROBE_TIMEOUT_MS: "5000",
    });
    expect(JSON.stringify(mocks.resources.map((r) => r.inputs.environment))).not.toContain("monitor-secret-pw");
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs.secretString).toBe(URLS);
    expect(version.secretInputs).toContain("secretString");
  });

  test("its role reads its one secret and writes its logs", async () => {
    await buildProbe();
    const policy = JSON.parse(mocks.named("health-policy").inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadMonitorUrls",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: mocks.named("health-urls").state.arn,
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${mocks.named("health-logs").state.arn}:*`,
      },
    ]);
  });

  test("every minute by default, with the scheduler's retries and dead-letter queue", async () => {
    await buildProbe();
    expect(mocks.one("aws:scheduler/schedule:Schedule").inputs).toMatchObject({
      scheduleExpression: "rate(1 minute)",
      scheduleExpressionTimezone: "UTC",
      state: "ENABLED",
      target: {
        arn: mocks.named("health-function").state.arn,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: mocks.named("health-dlq").state.arn },
      },
    });
  });

  test("SEV-1 wiring: unreachable through both endpoints for 3 probes notifies the SEV-1 topic only", async () => {
    const probe = await buildProbe();
    const alarm = mocks.named("health-unreachable").inputs;
    expect(alarm).toEqual({
      alarmDescription: expect.stringMatching(/^bloom-dr SEV-1: bloom-production\/bloom unreachable/),
      namespace: "BloomDR",
      metricName: "EndpointsUp",
      dimensions: { Database: "bloom-production/bloom" },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "ignore",
      alarmActions: [TOPICS.sev1],
      okActions: [TOPICS.sev1],
    });
    const sev1 = mocks
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => a.inputs.alarmActions.includes(TOPICS.sev1));
    expect(sev1.map((a) => a.name)).toEqual(["health-unreachable"]);
    expect(await valueOf(probe.alarmArns.unreachable)).toBe(mocks.named("health-unreachable").state.arn);
  });

  test("each alarm goes to its severity's topic", async () => {
    await buildProbe({ failuresToAlarm: 5, connectionUsagePercent: 90, schedule: "rate(2 minutes)" });
    const byName = Object.fromEntries(
      mocks
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => [
          a.name,
          [
            a.inputs.alarmActions[0],
            a.inputs.metricName,
            a.inputs.threshold,
            a.inputs.period,
            a.inputs.evaluationPeriods,
            a.inputs.treatMissingData,
          ],
        ]),
    );
    expect(byName).toEqual({
      "health-unreachable": [TOPICS.sev1, "EndpointsUp", 1, 120, 5, "ignore"],
      "health-degraded": [TOPICS.sev3, "EndpointsDegraded", 1, 120, 5, "ignore"],
      "health-connections": [TOPICS.sev3, "ConnectionUsagePercent", 90, 120, 5, "ignore"],
      "health-silent": [TOPICS.sev2, "ProbeCompleted", 1, 600, 1, "breaching"],
      "health-errors": [TOPICS.sev2, "Errors", 1, 300, 1, "notBreaching"],
      "health-dlq-messages": [TOPICS.sev2, "ApproximateNumberOfMessagesVisible", 1, 300, 1, "notBreaching"],
    });
    expect(mocks.named("health-errors").inputs.dimensions).toEqual({
      FunctionName: mocks.named("health-function").state.name,
    });
  });

  test("a schedule too slow for a SEV-1 is refused before anything is registered", () => {
    expect(
      () =>
        new HealthProbe("slow", {
          imageUri: IMAGE,
          monitorUrls: URLS,
          database: "db",
          topicArns: TOPICS,
          schedule: "rate(2 hours)",
        }),
    ).toThrow('health probe schedule "rate(2 hours)" runs less than hourly');
    expect(mocks.resources).toEqual([]);
  });
});

describe("MonitorRole", () => {
  test("a generated password, the engine's SQL step with secrets only in its environment, URLs as a secret", async () => {
    const role = new MonitorRole("monitor", {
      ownerUrl: "postgresql://bloom_app:owner-secret-pw@ep-a.neon.tech/bloom?sslmode=require",
      directHost: "ep-a.neon.tech",
      pooledHost: "ep-a-pooler.neon.tech",
      databaseName: "bloom",
    });
    await mocks.settle(role.urlsSecretString);
    expect(typesOf(mocks.customResources())).toEqual({
      "random:index/randomPassword:RandomPassword": 1,
      "command:local:Command": 1,
    });
    expect(mocks.one("random:index/randomPassword:RandomPassword").inputs).toEqual({ length: 32, special: false });
    const sql = mocks.one("command:local:Command");
    expect(sql.inputs).toEqual({
      create: "node bin/bloom-dr.js monitor-role --role bloom_monitor --connection-limit 5 --json",
      environment: {
        BLOOM_DR_OWNER_URL: "postgresql://bloom_app:owner-secret-pw@ep-a.neon.tech/bloom?sslmode=require",
        BLOOM_DR_MONITOR_PASSWORD: "mockpasswordmonitorpassword",
      },
      logging: "stdoutAndStderr",
    });
    expect(sql.secretInputs).toEqual(["environment"]);
    expect(await isSecretOutput(role.urlsSecretString)).toBe(true);
    expect(JSON.parse(await valueOf(role.urlsSecretString))).toEqual({
      direct: "postgresql://bloom_monitor:mockpasswordmonitorpassword@ep-a.neon.tech/bloom?sslmode=require",
      pooled: "postgresql://bloom_monitor:mockpasswordmonitorpassword@ep-a-pooler.neon.tech/bloom?sslmode=require",
    });
    expect(mocks.urnOf("monitor-sql")).toContain("bloom-dr:monitoring:MonitorRole$command:local:Command::monitor-sql");
  });
});

describe("MaintenanceParameter", () => {
  test("one SSM String parameter with the JSON state", async () => {
    const parameter = new MaintenanceParameter("maintenance", {
      parameterName: "/bloom-dr/prod/maintenance",
      state: { enabled: true, message: "Mantenimiento / Maintenance", eta: "2026-03-10T14:00:00Z" },
      tags: { "bloom-dr:stack": "prod" },
    });
    await mocks.settle(parameter.parameterArn);
    expect(typesOf(mocks.customResources())).toEqual({ "aws:ssm/parameter:Parameter": 1 });
    expect(mocks.one("aws:ssm/parameter:Parameter").inputs).toEqual({
      name: "/bloom-dr/prod/maintenance",
      type: "String",
      dataType: "text",
      tier: "Standard",
      value: '{"enabled":true,"message":"Mantenimiento / Maintenance","eta":"2026-03-10T14:00:00Z"}',
      description: "bloom-dr maintenance mode: the app serves its maintenance page while enabled is true",
      tags: { "bloom-dr:stack": "prod" },
    });
    expect(await valueOf(parameter.parameterName)).toBe("/bloom-dr/prod/maintenance");
    expect(await valueOf(parameter.parameterArn)).toBe(
      "arn:aws:ssm:us-east-1:123456789012:parameter/bloom-dr/prod/maintenance",
    );
  });
});
