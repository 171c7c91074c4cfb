import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { formatDuration, formatTable } from "../text/format";
import { drillExpectations } from "./expectations";
import { DrillReport, DrillResult } from "./types";

/** One row per drill: the table the CLI prints and the report's summary. */
export function summaryRows(report: DrillReport): string[][] {
  const rows = [["drill", "result", "RTO", "expected RTO", "RPO", "steps", "note"]];
  for (const d of report.drills) {
    rows.push([
      d.variant ? `${d.name} (${d.variant})` : d.name,
      d.passed ? "PASS" : "FAIL",
      d.rtoMs === undefined ? "-" : formatDuration(d.rtoMs),
      `< ${formatLimit(d.expectedRtoMs)}`,
      d.rpoMs === undefined ? "-" : formatDuration(d.rpoMs),
      String(d.steps.length),
      d.passed ? drillExpectations(d.name, d.variant).passCriterion : String(d.details.failure ?? "failed"),
    ]);
  }
  return rows;
}

/** The playbook's limits read as it writes them: "30 min", "1 h", "4 h". */
export function formatLimit(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return formatDuration(ms);
}

export function summaryTable(report: DrillReport): string {
  return formatTable(summaryRows(report));
}

/** "2025-01-15T10-30-00-123Z": an ISO time that is safe in a file name and sorts by time. */
export function reportStamp(iso: string): string {
  return iso.replace(/[:.]/g, "-");
}

export function renderMarkdown(report: DrillReport): string {
  const allPassed = report.drills.length > 0 && report.drills.every((d) => d.passed);
  const lines = [
    `# Recovery drills — ${report.startedAt}`,
    "",
    `- Platform: ${report.platform}; Bloom scale ${report.scale}`,
    `- Started ${report.startedAt}, finished ${report.finishedAt}`,
    `- Result: **${allPassed ? "all drills passed" : "FAILED"}**`,
    "",
    "## Summary",
    "",
    ...markdownTable(summaryRows(report)),
  ];
  for (const d of report.drills) lines.push("", ...drillSection(d));
  lines.push(
    "",
    "RTO: from the incident (deletion, corruption, loss of the primary) to the recovered database passing its checks.",
    "RPO: the incident time minus the newest recoverable point (the branch time, or the backup's snapshot; for a replica, the newest row it kept).",
  );
  return `${lines.join("\n")}\n`;
}

function drillSection(d: DrillResult): string[] {
  const playbook = drillExpectations(d.name, d.variant);
  const steps = [
    ["step", "started", "duration", "error"],
    ...d.steps.map((s) => [s.name, s.startedAt, formatDuration(s.durationMs), s.error ?? ""]),
  ];
  return [
    `## ${playbook.title}: ${d.passed ? "PASS" : "FAIL"}`,
    "",
    `Pass criterion: ${playbook.passCriterion}. Expected RTO < ${formatLimit(d.expectedRtoMs)}; measured ${d.rtoMs === undefined ? "-" : formatDuration(d.rtoMs)}.${
      d.expectedRpoMs === undefined
        ? ""
        : ` Expected RPO < ${formatLimit(d.expectedRpoMs)}; measured ${d.rpoMs === undefined ? "-" : formatDuration(d.rpoMs)}.`
    }`,
    "",
    ...markdownTable(steps),
    "",
    "```json",
    JSON.stringify(d.details, null, 2),
    "```",
  ];
}

function markdownTable(rows: string[][]): string[] {
  const cell = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${rows[0].map(cell).join(" | ")} |`,
    `| ${rows[0].map(() => "---").join(" | ")} |`,
    ...rows.slice(1).map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

/** Writes reports/drill-<time>.json and .md; returns their paths. */
export function writeReport(dir: string, report: DrillReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `drill-${reportStamp(report.startedAt)}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, renderMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
