import { healthProbeAlarmSpecs, probePeriodSeconds } from "../../components/healthProbeAlarms";
import { healthProbePolicy } from "../../components/healthProbePolicy";
import { maintenanceParameterName, maintenanceValue } from "../../components/maintenanceDocument";
import { monitorRoleCommandLine, monitorUrlsSecret } from "../../components/monitorRoleCommand";

const DEFAULTS = { schedule: "rate(1 minute)", failuresToAlarm: 3, connectionUsagePercent: 80 };

describe("health probe alarms", () => {
  test("the defaults: SEV-1 after 3 probes with nothing up, SEV-3 degraded and at 80%, SEV-2 after 5 silent minutes", () => {
    const specs = healthProbeAlarmSpecs(DEFAULTS, "bloom-production/bloom");
    expect(
      specs.map((s) => [
        s.key,
        s.severity,
        s.metricName,
        s.statistic,
        s.comparisonOperator,
        s.threshold,
        s.periodSeconds,
        s.evaluationPeriods,
        s.datapointsToAlarm,
        s.treatMissingData,
      ]),
    ).toEqual([
      ["unreachable", "sev1", "EndpointsUp", "Maximum", "LessThanThreshold", 1, 60, 3, 3, "ignore"],
      ["degraded", "sev3", "EndpointsDegraded", "Minimum", "GreaterThanOrEqualToThreshold", 1, 60, 3, 3, "ignore"],
      [
        "connections",
        "sev3",
        "ConnectionUsagePercent",
        "Minimum",
        "GreaterThanOrEqualToThreshold",
        80,
        60,
        3,
        3,
        "ignore",
      ],
      ["silent", "sev2", "ProbeCompleted", "Sum", "LessThanThreshold", 1, 300, 1, 1, "breaching"],
    ]);
    expect(specs[0].description).toBe(
      'bloom-dr SEV-1: bloom-production/bloom unreachable through both endpoints (direct and pooled) for 3 consecutive probes (3 min); run bloom-dr diagnose, then the playbook\'s SEV-1 "Database Unavailable"',
    );
  });

  test.each([
    ["rate(1 minute)", 60],
    ["rate(5 minutes)", 300],
    ["cron(0/2 * * * ? *)", 120],
    ["rate(90 minutes)", "runs less than hourly"],
    ["rate(1 day)", "runs less than hourly"],
  ])("period of %s: %s", (schedule, expected) => {
    if (typeof expected === "number") expect(probePeriodSeconds(schedule)).toBe(expected);
    else expect(() => probePeriodSeconds(schedule)).toThrow(expected);
  });

  test.each([
    [
      { failuresToAlarm: 10, schedule: "rate(5 minutes)" },
      { period: 300, evaluations: 10, silence: 3000 },
    ],
    [{ failuresToAlarm: 1 }, { period: 60, evaluations: 1, silence: 300 }],
  ])("%j", (changes, expected) => {
    const [unreachable, , , silent] = healthProbeAlarmSpecs({ ...DEFAULTS, ...changes }, "db");
    expect([unreachable.periodSeconds, unreachable.evaluationPeriods, silent.periodSeconds]).toEqual([
      expected.period,
      expected.evaluations,
      expected.silence,
    ]);
  });

  test.each([
    [{ failuresToAlarm: 0 }, "failuresToAlarm must be a whole number ≥ 1 (got 0)"],
    [{ connectionUsagePercent: 101 }, "connectionUsagePercent must be a whole number from 1 to 100 (got 101)"],
    [
      { failuresToAlarm: 25, schedule: "rate(60 minutes)" },
      "failuresToAlarm 25 × the probe's 3600 s period is 90000 s, longer than CloudWatch's 86400 s evaluation limit",
    ],
  ])("refuses %j", (changes, message) => {
    expect(() => healthProbeAlarmSpecs({ ...DEFAULTS, ...changes }, "db")).toThrow(message);
  });
});

test("the probe's IAM policy: its one secret and its own log group, nothing else", () => {
  expect(healthProbePolicy({ secretArn: "arn:secret", logGroupArn: "arn:logs" })).toEqual({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadMonitorUrls", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:secret" },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "arn:logs:*",
      },
    ],
  });
});

describe("monitor role command and URLs", () => {
  test("the command line holds no secret and only checked values", () => {
    expect(monitorRoleCommandLine("bloom_monitor", 5)).toBe(
      "node bin/bloom-dr.js monitor-role --role bloom_monitor --connection-limit 5 --json",
    );
    expect(() => monitorRoleCommandLine("x; rm -rf /", 5)).toThrow("must be a lowercase PostgreSQL identifier");
    expect(() => monitorRoleCommandLine("pg_x", 5)).toThrow("not starting with pg_");
    expect(() => monitorRoleCommandLine("m", 0)).toThrow("from 1 to 100 (got 0)");
  });

  test("the probe's secret: both endpoints, TLS required", () => {
    expect(
      JSON.parse(
        monitorUrlsSecret({
          role: "bloom_monitor",
          password: "pw",
          database: "bloom",
          directHost: "ep-a.neon.tech",
          pooledHost: "ep-a-pooler.neon.tech",
        }),
      ),
    ).toEqual({
      direct: "postgresql://bloom_monitor:pw@ep-a.neon.tech/bloom?sslmode=require",
      pooled: "postgresql://bloom_monitor:pw@ep-a-pooler.neon.tech/bloom?sslmode=require",
    });
  });
});

describe("maintenance document", () => {
  test.each([
    [{ enabled: false, message: "m" }, '{"enabled":false,"message":"m","eta":null}'],
    [
      { enabled: true, message: "Back soon", eta: "2026-03-10T14:00:00Z" },
      '{"enabled":true,"message":"Back soon","eta":"2026-03-10T14:00:00Z"}',
    ],
  ])("%j", (state, value) => {
    expect(maintenanceValue(state)).toBe(value);
  });

  test.each([
    [{ enabled: true, message: " " }, "maintenance message is empty"],
    [{ enabled: true, message: "x".repeat(1001) }, "maintenance message is 1001 characters; at most 1000"],
    [{ enabled: true, message: "m", eta: "soon" }, 'maintenance eta "soon" is not a date'],
  ])("refuses %#", (state, message) => {
    expect(() => maintenanceValue(state)).toThrow(message);
  });

  test("one parameter per stack under /bloom-dr/", () => {
    expect(maintenanceParameterName("prod")).toBe("/bloom-dr/prod/maintenance");
    expect(() => maintenanceParameterName("a/b")).toThrow("cannot be part of an SSM parameter name");
  });
});
