import { backupAgeSeconds, emfLine } from "../../../runtime/handlers/metrics";

describe("emfLine", () => {
  const at = new Date("2026-01-02T03:04:05.678Z");

  test("declares every metric with its unit under the BloomDR namespace and the given dimension", () => {
    const line = emfLine({
      metrics: [
        { name: "BackupSucceeded", value: 1, unit: "Count" },
        { name: "BackupBytes", value: 12345, unit: "Bytes" },
      ],
      dimensions: { Prefix: "production/" },
      timestamp: at,
      properties: { backupId: "20260102T030405Z-abc" },
    });
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: "BloomDR",
            Dimensions: [["Prefix"]],
            Metrics: [
              { Name: "BackupSucceeded", Unit: "Count" },
              { Name: "BackupBytes", Unit: "Bytes" },
            ],
          },
        ],
      },
      Prefix: "production/",
      backupId: "20260102T030405Z-abc",
      BackupSucceeded: 1,
      BackupBytes: 12345,
    });
    expect(line).not.toContain("\n");
  });

  test("a property cannot overwrite a metric value or a dimension", () => {
    const parsed = JSON.parse(
      emfLine({
        metrics: [{ name: "BackupSucceeded", value: 0, unit: "Count" }],
        dimensions: { Prefix: "p/" },
        timestamp: at,
        properties: { BackupSucceeded: 1, Prefix: "other/" },
      }),
    );
    expect(parsed.BackupSucceeded).toBe(0);
    expect(parsed.Prefix).toBe("p/");
  });

  test.each([NaN, Infinity, -Infinity])("refuses the non-finite value %p", (value) => {
    expect(() =>
      emfLine({ metrics: [{ name: "BackupBytes", value, unit: "Bytes" }], dimensions: {}, timestamp: at }),
    ).toThrow(/BackupBytes has a non-finite value/);
  });
});

describe("backupAgeSeconds", () => {
  const now = new Date("2026-01-02T03:00:00Z");
  test.each([
    ["2026-01-02T03:00:00Z", 0],
    ["2026-01-02T02:00:00Z", 3600],
    ["2026-01-01T03:00:00.400Z", 86400],
    ["2026-01-02T03:00:05Z", 0], // a snapshot a few seconds "in the future" (clock skew) is age 0
  ])("snapshot %s → %d s", (snapshotAt, expected) => {
    expect(backupAgeSeconds(snapshotAt, now)).toBe(expected);
  });

  test("names the bad timestamp", () => {
    expect(() => backupAgeSeconds("yesterday", now)).toThrow(/"yesterday" is not an ISO-8601 date/);
  });
});
