/** The replica's pure modules: its alarms as data, and the setup step's answer. */
import { REPLICATION_METRIC_NAMESPACE } from "../../components/replicationMetrics";
import { replicationAlarmSpecs, statusPeriodSeconds } from "../../components/replicationAlarms";
import { parseReplicationSetupResult } from "../../components/replicationResult";

describe("replication alarms", () => {
  test("the defaults: lag over 60 s or a table not syncing in a 5-minute check, silence after 15 minutes", () => {
    const specs = replicationAlarmSpecs({ statusSchedule: "rate(5 minutes)", maxLagSeconds: 60 }, "dr/bloom_dr");
    expect(
      specs.map((s) => [
        s.key,
        s.metricName,
        s.statistic,
        s.comparisonOperator,
        s.threshold,
        s.periodSeconds,
        s.treatMissingData,
      ]),
    ).toEqual([
      ["lag", "ReplicationLagSeconds", "Maximum", "GreaterThanThreshold", 60, 300, "ignore"],
      ["not-syncing", "ReplicationTablesNotSyncing", "Maximum", "GreaterThanOrEqualToThreshold", 1, 300, "ignore"],
      ["silent", "ReplicationStatusCompleted", "Sum", "LessThanThreshold", 1, 900, "breaching"],
    ]);
    expect(specs[0].description).toBe(
      'bloom-dr SEV-2: the replica dr/bloom_dr is more than 60 s behind the Neon primary: a failover now would lose that much; bloom-dr replicate status shows the lag and its cause (README: "Standby or replica?")',
    );
    expect(specs[2].description).toBe(
      "bloom-dr SEV-2: the status check of the replica dr/bloom_dr has not completed a run in 15 min: its lag is unobserved; read the replicate function's log group (its secrets, the route to Neon)",
    );
    // the metrics the handler emits, in the namespace the backup metrics use
    expect(REPLICATION_METRIC_NAMESPACE).toBe("BloomDR");
  });

  test.each([
    [
      { statusSchedule: "rate(1 minute)", maxLagSeconds: 5 },
      { lag: 5, period: 60, silence: 180 },
    ],
    [{ statusSchedule: "rate(90 seconds)" as string, maxLagSeconds: 60 }, "rate(N minutes|hours|days)"],
    [
      { statusSchedule: "cron(0/10 * * * ? *)", maxLagSeconds: 600 },
      { lag: 600, period: 600, silence: 1800 },
    ],
    [{ statusSchedule: "rate(2 hours)", maxLagSeconds: 60 }, "runs less than hourly"],
    [{ statusSchedule: "rate(5 minutes)", maxLagSeconds: 0 }, "maxLagSeconds must be a whole number ≥ 1 (got 0)"],
    [{ statusSchedule: "rate(5 minutes)", maxLagSeconds: 1.5 }, "maxLagSeconds must be a whole number ≥ 1 (got 1.5)"],
  ])("%j: %j", (settings, expected) => {
    if (typeof expected === "string") {
      expect(() => replicationAlarmSpecs(settings, "dr/bloom_dr")).toThrow(expected);
      return;
    }
    const specs = replicationAlarmSpecs(settings, "dr/bloom_dr");
    expect({ lag: specs[0].threshold, period: specs[0].periodSeconds, silence: specs[2].periodSeconds }).toEqual(
      expected,
    );
  });

  test.each([
    ["rate(5 minutes)", 300],
    ["rate(30 seconds)", "rate(N minutes|hours|days)"],
    ["rate(1 hour)", 3600],
  ])("status period of %s: %s", (schedule, expected) => {
    if (typeof expected === "number") expect(statusPeriodSeconds(schedule)).toBe(expected);
    else expect(() => statusPeriodSeconds(schedule)).toThrow(expected);
  });
});

describe("the setup step's answer", () => {
  const ANSWER = {
    ok: true,
    action: "setup",
    changed: true,
    tables: 12,
    publication: "bloom_dr",
    subscription: "bloom_dr",
  };

  test.each([
    ["a count of tables", ANSWER, { changed: true, tables: 12, publication: "bloom_dr", subscription: "bloom_dr" }],
    [
      "a list of tables, nothing changed (a second setup)",
      { ...ANSWER, changed: false, tables: ["public.users", "public.orders"] },
      { changed: false, tables: 2, publication: "bloom_dr", subscription: "bloom_dr" },
    ],
  ])("%s", (_label, answer, summary) => {
    expect(parseReplicationSetupResult(JSON.stringify({ ...answer, extra: { copyMs: 41000 } }))).toEqual(summary);
  });

  const REPORT = ": read the replicate function's log group for its report";
  test.each([
    ["not JSON", "Task timed out", "something that is not JSON"],
    ["an array", "[]", "no JSON object"],
    ["ok false", JSON.stringify({ ...ANSWER, ok: false }), "ok: false instead of true"],
    ["another action's answer", JSON.stringify({ ...ANSWER, action: "status" }), 'action "status" instead of "setup"'],
    ["no changed flag", JSON.stringify({ ...ANSWER, changed: "yes" }), 'no valid "changed" (got "yes")'],
    ["a negative table count", JSON.stringify({ ...ANSWER, tables: -1 }), 'no valid "tables" (got -1)'],
    ["no publication", JSON.stringify({ ...ANSWER, publication: "" }), 'no valid "publication" (got "")'],
    [
      "no subscription",
      JSON.stringify({ ...ANSWER, subscription: undefined }),
      'no valid "subscription" (got nothing)',
    ],
  ])("refuses %s", (_label, result, reason) => {
    expect(() => parseReplicationSetupResult(result)).toThrow(`the replication setup returned ${reason}${REPORT}`);
  });
});
