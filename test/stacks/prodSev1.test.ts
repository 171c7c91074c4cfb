/**
 * The prod stack's SEV-1 posture under mocks: the monitor role made from the primary's owner URL,
 * the probe on the dump job's image watching both endpoints, its alarms wired to the stack's own
 * SEV-1/2/3 topics, bloom-dr:healthProbe passed through, and bloom-dr:maintenance as the SSM
 * parameter the app reads; the outputs `readiness` reads.
 */
import type { loadStackConfig as LoadStackConfig, ProdStackConfig } from "../../stacks/config";
import type { buildProd as BuildProd } from "../../stacks/prod";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { shippedConfig, withChanges } from "./shippedConfig";

const NOW = new Date("2026-03-10T12:00:00Z");
const PROD = shippedConfig("prod");

let mocks: PulumiMockHarness;
let loadStackConfig: typeof LoadStackConfig;
let buildProd: typeof BuildProd;

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "prod", config: PROD });
  ({ loadStackConfig } = await import("../../stacks/config"));
  ({ buildProd } = await import("../../stacks/prod"));
});
beforeEach(() => mocks.reset());

async function build(config: Record<string, unknown> = PROD) {
  mocks.setConfig(config);
  const outputs = buildProd(loadStackConfig(NOW) as ProdStackConfig, "prod");
  await mocks.settle(
    outputs.healthProbeFunctionName,
    outputs.maintenanceParameterName,
    outputs.sev1TopicArn,
    outputs.backupImageUri,
  );
  return outputs;
}

const alarms = () => mocks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");

test("the SEV-1 topic has exactly one publisher: the probe's both-endpoints-down alarm; SEV-3 gets degraded and connections", async () => {
  const outputs = await build();
  const [sev1, sev2, sev3, sev4] = await Promise.all(
    [outputs.sev1TopicArn, outputs.sev2TopicArn, outputs.sev3TopicArn, outputs.sev4TopicArn].map(valueOf),
  );
  const to = (topic: string) =>
    alarms()
      .filter((a) => a.inputs.alarmActions.includes(topic))
      .map((a) => a.name)
      .sort();
  expect(to(sev1)).toEqual(["health-unreachable"]);
  expect(to(sev3)).toEqual(["health-connections", "health-degraded"]);
  expect(to(sev2)).toEqual(
    [
      "backup-dlq-messages",
      "backup-errors",
      "backup-staleness",
      "health-dlq-messages",
      "health-errors",
      "health-silent",
    ].sort(),
  );
  expect(to(sev4)).toEqual([]);
  expect(mocks.named("health-unreachable").inputs).toMatchObject({
    metricName: "EndpointsUp",
    dimensions: { Database: "bloom-production/bloom" },
    period: 60,
    evaluationPeriods: 3,
    okActions: [sev1],
  });
});

test("the probe runs the dump job's image and reads the monitor role's URLs for both endpoints of the primary", async () => {
  const outputs = await build();
  expect(await valueOf(outputs.healthProbeFunctionName)).toBe(mocks.named("health-function").state.name);
  expect(mocks.named("health-function").inputs.imageUri).toBe(await valueOf(outputs.backupImageUri));
  const urls = JSON.parse(mocks.named("health-urls-version").inputs.secretString);
  const direct = new URL(urls.direct);
  const pooled = new URL(urls.pooled);
  expect([direct.username, direct.hostname, direct.pathname]).toEqual([
    "bloom_monitor",
    "ep-primary-endpoint.aws.neon.tech",
    "/bloom",
  ]);
  expect(pooled.hostname).toBe("ep-primary-endpoint-pooler.aws.neon.tech");
  expect(direct.password).toBe("mockpasswordmonitorpassword");
  // the engine creates the role as the database owner, over the direct endpoint
  expect(mocks.named("monitor-sql").inputs.environment.BLOOM_DR_OWNER_URL).toBe(
    await valueOf(outputs.directConnectionUri),
  );
  expect(await valueOf(outputs.monitorRoleName)).toBe("bloom_monitor");
});

test("bloom-dr:healthProbe reaches the schedule and the alarms", async () => {
  await build(
    withChanges(PROD, {
      "bloom-dr:healthProbe": { schedule: "rate(5 minutes)", failuresToAlarm: 2, connectionUsagePercent: 90 },
    }),
  );
  expect(mocks.named("health-schedule").inputs.scheduleExpression).toBe("rate(5 minutes)");
  expect(mocks.named("health-unreachable").inputs).toMatchObject({ period: 300, evaluationPeriods: 2 });
  expect(mocks.named("health-connections").inputs.threshold).toBe(90);
});

test("maintenance mode: off by default, on with its message and ETA after a config change", async () => {
  const outputs = await build();
  expect(await valueOf(outputs.maintenanceParameterName)).toBe("/bloom-dr/prod/maintenance");
  expect(JSON.parse(mocks.named("maintenance-parameter").inputs.value)).toEqual({
    enabled: false,
    message:
      "Estamos realizando mantenimiento; volvemos pronto. / We are performing maintenance and will be back shortly.",
    eta: null,
  });
  mocks.reset();
  const on = await build(
    withChanges(PROD, {
      "bloom-dr:maintenance": {
        enabled: true,
        message: "Database provider (Neon) experiencing issues",
        eta: "2026-03-10T14:00:00Z",
      },
    }),
  );
  expect(mocks.named("maintenance-parameter").inputs).toMatchObject({
    name: "/bloom-dr/prod/maintenance",
    type: "String",
    value: '{"enabled":true,"message":"Database provider (Neon) experiencing issues","eta":"2026-03-10T14:00:00Z"}',
  });
  expect(on.maintenanceEnabled).toBe(true);
});
