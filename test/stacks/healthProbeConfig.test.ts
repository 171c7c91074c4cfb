/** bloom-dr:healthProbe and bloom-dr:maintenance: defaults, the prod-only rule, and one exact line per bad value. */
import { parseStackConfig, ProdStackConfig } from "../../stacks/config";

const NOW = new Date("2026-03-10T12:00:00Z");
const prod = (extra: Record<string, unknown>) =>
  parseStackConfig({ role: "prod", neon: { projectName: "bloom" }, ...extra }, NOW, "prod") as ProdStackConfig;

test("given values are kept, the rest defaulted", () => {
  const config = prod({
    healthProbe: { schedule: "rate(2 minutes)", failuresToAlarm: 5 },
    maintenance: { enabled: true, message: "Back at 14:00 UTC", eta: "2026-03-10T14:00:00Z" },
  });
  expect(config.healthProbe).toEqual({ schedule: "rate(2 minutes)", failuresToAlarm: 5, connectionUsagePercent: 80 });
  expect(config.maintenance).toEqual({ enabled: true, message: "Back at 14:00 UTC", eta: "2026-03-10T14:00:00Z" });
});

test.each([
  [
    { healthProbe: { schedule: "every minute" } },
    'bloom-dr:healthProbe.schedule must be an EventBridge Scheduler expression like "cron(0 2 * * ? *)" or "rate(6 hours)" (got "every minute")',
  ],
  [
    { healthProbe: { schedule: "rate(2 hours)" } },
    'bloom-dr:healthProbe.schedule: health probe schedule "rate(2 hours)" runs less than hourly (every 7200 s): a SEV-1 must be seen within minutes; use rate(1 minute) to rate(60 minutes)',
  ],
  [
    { healthProbe: { schedule: "rate(60 minutes)", failuresToAlarm: 30 } },
    "bloom-dr:healthProbe.failuresToAlarm: failuresToAlarm 30 × the probe's 3600 s period is 108000 s, longer than CloudWatch's 86400 s evaluation limit",
  ],
  [{ healthProbe: { failuresToAlarm: 0 } }, "bloom-dr:healthProbe.failuresToAlarm"],
  [{ healthProbe: { connectionUsagePercent: 120 } }, "bloom-dr:healthProbe.connectionUsagePercent"],
  [
    { healthProbe: { interval: 1 } },
    "bloom-dr:healthProbe.interval is not a known setting (allowed here: schedule, failuresToAlarm, connectionUsagePercent)",
  ],
  [{ maintenance: { enabled: "yes" } }, "bloom-dr:maintenance.enabled"],
  [
    { maintenance: { eta: "14:00" } },
    "bloom-dr:maintenance.eta must be an ISO-8601 UTC timestamp like 2026-03-01T14:05:00Z",
  ],
  [{ maintenance: { message: "" } }, "bloom-dr:maintenance.message"],
  [{ maintenance: { message: "x".repeat(1001) } }, "bloom-dr:maintenance.message"],
])("%j", (extra, message) => {
  expect(() => prod(extra)).toThrow(message);
});

test.each(["healthProbe", "maintenance"])("%s is only for prod stacks", (key) => {
  expect(() => parseStackConfig({ role: "dr", primaryStack: "prod", failover: {}, [key]: {} }, NOW, "dr")).toThrow(
    `bloom-dr:${key} is only for prod stacks; remove it from the dr stack "dr" (it reads the prod stack's outputs)`,
  );
});
