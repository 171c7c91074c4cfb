/**
 * "DevOps: Hands-on drill (Quarterly)" and the last restore test, from the drill reports that
 * `bloom-dr drill` writes (reports/drill-<time>.json, runtime/lib/drills/report.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DRILL_NAMES, DrillName } from "../drills/types";
import { formatAge, item, QUARTER_MS, ReadinessItem } from "./types";

/** One drill of one report, as readiness needs it. */
export interface DrillRecord {
  name: DrillName;
  passed: boolean;
  /** The report's finishedAt. */
  at: Date;
  platform: string;
  file: string;
  failure?: string;
}

const TITLES: Record<DrillName, string> = {
  pitr: "Drill 1 (PITR) passed within the last quarter",
  restore: "Drill 2 (backup restoration) passed within the last quarter",
  failover: "Drill 3 (failover) passed within the last quarter",
};
const RESTORE_TEST = "last restore test passed";

/** Every drill of every readable report in `dir`, newest first; unreadable reports are named in `skipped`. */
export function readDrillRecords(dir: string): { records: DrillRecord[]; skipped: string[] } {
  const records: DrillRecord[] = [];
  const skipped: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => /^drill-.*\.json$/.test(f))
    .sort();
  for (const file of files) {
    try {
      const report = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as {
        finishedAt?: unknown;
        platform?: unknown;
        drills?: unknown;
      };
      const at = new Date(String(report.finishedAt));
      if (Number.isNaN(at.getTime()) || !Array.isArray(report.drills)) throw new Error("not a drill report");
      for (const d of report.drills as { name?: unknown; passed?: unknown; details?: { failure?: unknown } }[]) {
        if (!(DRILL_NAMES as readonly unknown[]).includes(d.name) || typeof d.passed !== "boolean") continue;
        records.push({
          name: d.name as DrillName,
          passed: d.passed,
          at,
          platform: String(report.platform ?? "unknown"),
          file,
          ...(typeof d.details?.failure === "string" ? { failure: d.details.failure } : {}),
        });
      }
    } catch {
      skipped.push(file);
    }
  }
  records.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.file < b.file ? 1 : -1));
  return { records, skipped };
}

function describe(r: DrillRecord, now: Date): string {
  return `${r.at.toISOString()} (${formatAge(now.getTime() - r.at.getTime())} ago, ${r.platform} platform, ${r.file})`;
}

/** A passing report of each drill within the last quarter, and the last restore test. */
export function checkDrills(dir: string | undefined, now: Date): ReadinessItem[] {
  if (!dir) {
    const reason = "no --reports DIR given: the directory where bloom-dr drill writes drill-<time>.json";
    return [
      item("backups.restoreTest", RESTORE_TEST, "NOT CHECKED", reason),
      ...DRILL_NAMES.map((name) => item(`drills.${name}`, TITLES[name], "NOT CHECKED", reason)),
    ];
  }
  const { records, skipped } = readDrillRecords(dir);
  const unreadable =
    skipped.length > 0 ? ` (${skipped.length} unreadable report(s) ignored: ${skipped.join(", ")})` : "";
  const past = records.filter((r) => r.at.getTime() <= now.getTime());
  const lastRestore = past.find((r) => r.name === "restore");
  const restoreTest = !lastRestore
    ? item(
        "backups.restoreTest",
        RESTORE_TEST,
        "FAIL",
        `no restore drill report in ${dir}${unreadable}: run bloom-dr drill restore`,
      )
    : lastRestore.passed
      ? item(
          "backups.restoreTest",
          RESTORE_TEST,
          "PASS",
          `the last restore drill passed on ${describe(lastRestore, now)}`,
        )
      : item(
          "backups.restoreTest",
          RESTORE_TEST,
          "FAIL",
          `the last restore drill failed on ${describe(lastRestore, now)}: ${lastRestore.failure ?? "see the report"}`,
        );
  const drills = DRILL_NAMES.map((name) => {
    const mine = past.filter((r) => r.name === name);
    const inQuarter = mine.filter((r) => now.getTime() - r.at.getTime() <= QUARTER_MS);
    const passed = inQuarter.find((r) => r.passed);
    if (passed) return item(`drills.${name}`, TITLES[name], "PASS", `passed on ${describe(passed, now)}`);
    const why =
      inQuarter.length > 0
        ? `every ${name} drill of the last quarter failed, the last on ${describe(inQuarter[0], now)}: ${inQuarter[0].failure ?? "see the report"}`
        : mine.length > 0
          ? `the last ${name} drill was on ${describe(mine[0], now)}, more than a quarter (92 days) ago`
          : `no ${name} drill report in ${dir}`;
    return item(`drills.${name}`, TITLES[name], "FAIL", `${why}${unreadable}: run bloom-dr drill ${name}`);
  });
  return [restoreTest, ...drills];
}
