import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PLAYBOOK_DRILLS } from "../../../runtime/lib/drills/expectations";
import { formatLimit, renderMarkdown, reportStamp, summaryRows, writeReport } from "../../../runtime/lib/drills/report";
import { DrillReport } from "../../../runtime/lib/drills/types";

const report: DrillReport = {
  startedAt: "2025-01-15T10:00:00.000Z",
  finishedAt: "2025-01-15T10:00:20.000Z",
  platform: "local",
  scale: 0.05,
  drills: [
    {
      name: "pitr",
      passed: true,
      rtoMs: 1300,
      rpoMs: 40,
      expectedRtoMs: 1_800_000,
      steps: [{ name: "branch at T (point-in-time recovery)", startedAt: "2025-01-15T10:00:01.000Z", durationMs: 500 }],
      details: { recovered: { reservations: 50, clients: 50 } },
    },
    {
      name: "failover",
      passed: false,
      expectedRtoMs: 14_400_000,
      expectedRpoMs: 86_400_000,
      steps: [
        {
          name: "promote the newest backup into the standby",
          startedAt: "2025-01-15T10:00:05.000Z",
          durationMs: 800,
          error: "pg_restore exited with code 1: x | y",
        },
      ],
      details: { failure: "pg_restore exited with code 1: x | y" },
    },
  ],
};

test("the playbook's expected RTOs are data: 30 min, 1 h, 4 h", () => {
  expect(
    Object.fromEntries(Object.entries(PLAYBOOK_DRILLS).map(([k, v]) => [k, formatLimit(v.expectedRtoMs)])),
  ).toEqual({
    pitr: "30 min",
    restore: "1 h",
    failover: "4 h",
  });
});

test.each([
  [1_800_000, "30 min"],
  [3_600_000, "1 h"],
  [14_400_000, "4 h"],
  [1500, "1.5s"],
])("formatLimit(%i) = %s", (ms, text) => {
  expect(formatLimit(ms)).toBe(text);
});

test("one summary row per drill: result, RTO against the playbook, RPO, the failure reason", () => {
  expect(summaryRows(report)).toEqual([
    ["drill", "result", "RTO", "expected RTO", "RPO", "steps", "note"],
    ["pitr", "PASS", "1.3s", "< 30 min", "40ms", "1", PLAYBOOK_DRILLS.pitr.passCriterion],
    ["failover", "FAIL", "-", "< 4 h", "-", "1", "pg_restore exited with code 1: x | y"],
  ]);
});

test("report file names are time-stamped and safe", () => {
  expect(reportStamp("2025-01-15T10:00:00.123Z")).toBe("2025-01-15T10-00-00-123Z");
});

test("writes reports/drill-<time>.json (the exact report) and .md (summary, steps, details)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-report-test-"));
  try {
    const files = writeReport(path.join(dir, "reports"), report);
    expect(files).toEqual({
      json: path.join(dir, "reports", "drill-2025-01-15T10-00-00-000Z.json"),
      markdown: path.join(dir, "reports", "drill-2025-01-15T10-00-00-000Z.md"),
    });
    expect(JSON.parse(readFileSync(files.json, "utf8"))).toEqual(report);
    const md = readFileSync(files.markdown, "utf8");
    expect(md).toBe(renderMarkdown(report));
    expect(md).toContain("- Result: **FAILED**");
    expect(md).toContain("| pitr | PASS | 1.3s | < 30 min | 40ms | 1 | ");
    expect(md).toContain(
      "| promote the newest backup into the standby | 2025-01-15T10:00:05.000Z | 800ms | pg_restore exited with code 1: x \\| y |",
    );
    expect(md).toContain("## Drill 3: disaster recovery (failover to the standby, then fail-back): FAIL");
    expect(md).toContain("Expected RTO < 4 h; measured -. Expected RPO < 24 h; measured -.");
    expect(md).toContain("Expected RTO < 30 min; measured 1.3s.\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("all passed only when every drill passed", () => {
  const ok = { ...report, drills: [report.drills[0]] };
  expect(renderMarkdown(ok)).toContain("- Result: **all drills passed**");
});
