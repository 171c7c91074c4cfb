/** Turning an incident timeline or a drill report into the post-mortem's input. */
import { PostmortemInput, formatSpan } from "./postmortem";
import { SEVERITIES, Severity } from "./severity";
import { Incident } from "./timeline";

export function postmortemFromIncident(incident: Incident, generatedAt: Date): PostmortemInput {
  const timeline = incident.events.map((e) => {
    const at = new Date(e.at);
    switch (e.type) {
      case "start":
        return { at, text: `Incident detected: ${e.title} (${SEVERITIES[e.severity].label})` };
      case "note":
        return { at, text: e.text };
      case "severity":
        return { at, text: `Severity changed to ${SEVERITIES[e.severity].label}` };
      case "resolve":
        return { at, text: `Service restored${e.text ? `: ${e.text}` : ""}` };
      case "notify":
        return {
          at,
          text:
            e.channel === "sns"
              ? `Team notified: SNS ${e.target}${e.detail ? ` (${e.detail})` : ""}`
              : `Status page updated: ${e.target}`,
        };
    }
  });
  return {
    title: incident.title,
    severity: incident.severity,
    startedAt: new Date(incident.startedAt),
    endedAt: incident.resolvedAt ? new Date(incident.resolvedAt) : undefined,
    timeline,
    generatedAt,
    source: `incident ${incident.id}`,
  };
}

/** The drill report shape the drills write (reports/drill-<time>.json); only what is used here. */
export interface DrillReportLike {
  startedAt: string;
  finishedAt: string;
  platform: string;
  drills: {
    name: string;
    passed: boolean;
    steps: { name: string; startedAt: string; durationMs: number; error?: string }[];
    rtoMs?: number;
    rpoMs?: number;
    expectedRtoMs: number;
    details?: { failure?: string };
  }[];
}

/** The playbook's scenario severity for each drill: data loss and corruption are SEV-2, DR is SEV-1. */
export const DRILL_SEVERITY: Record<string, Severity> = { pitr: 2, restore: 2, failover: 1 };

/** Parses a drill report; a wrong shape is a one-line error naming the file and the field. */
export function parseDrillReport(text: string, source: string): DrillReportLike {
  let report: DrillReportLike;
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON: give a reports/drill-<time>.json written by "bloom-dr drill"`);
  }
  const bad = (field: string) => new Error(`${source} is not a drill report: ${field} is missing or malformed`);
  if (typeof report?.startedAt !== "string" || Number.isNaN(Date.parse(report.startedAt))) throw bad("startedAt");
  if (typeof report.finishedAt !== "string" || Number.isNaN(Date.parse(report.finishedAt))) throw bad("finishedAt");
  if (!Array.isArray(report.drills) || report.drills.length === 0) throw bad("drills");
  report.drills.forEach((d, i) => {
    if (
      typeof d?.name !== "string" ||
      typeof d.passed !== "boolean" ||
      !Array.isArray(d.steps) ||
      typeof d.expectedRtoMs !== "number"
    )
      throw bad(`drills[${i}]`);
    d.steps.forEach((s, k) => {
      if (typeof s?.name !== "string" || Number.isNaN(Date.parse(s.startedAt)) || typeof s.durationMs !== "number")
        throw bad(`drills[${i}].steps[${k}]`);
    });
  });
  return report;
}

export function postmortemFromDrill(report: DrillReportLike, source: string, generatedAt: Date): PostmortemInput {
  const passed = report.drills.filter((d) => d.passed).length;
  const severity = Math.min(...report.drills.map((d) => DRILL_SEVERITY[d.name] ?? 2)) as Severity;
  const timeline: PostmortemInput["timeline"] = [];
  for (const d of report.drills) {
    for (const s of d.steps) {
      timeline.push({
        at: new Date(s.startedAt),
        text: `${d.name}: ${s.name} (${formatMs(s.durationMs)})${s.error ? ` FAILED: ${s.error}` : ""}`,
      });
    }
    const last = d.steps[d.steps.length - 1];
    const end = last ? new Date(Date.parse(last.startedAt) + last.durationMs) : new Date(report.finishedAt);
    timeline.push({
      at: end,
      text: `${d.name}: ${d.passed ? "PASSED" : `FAILED${d.details?.failure ? ` (${d.details.failure})` : ""}`}`,
    });
  }
  const results = [
    "| Drill | Result | RTO | Expected RTO | RPO |",
    "|-------|--------|-----|--------------|-----|",
    ...report.drills.map(
      (d) =>
        `| ${d.name} | ${d.passed ? "PASSED" : "FAILED"} | ${d.rtoMs === undefined ? "-" : formatMs(d.rtoMs)} | < ${formatSpan(d.expectedRtoMs)} | ${d.rpoMs === undefined ? "-" : formatMs(d.rpoMs)} |`,
    ),
  ];
  return {
    title: `Recovery drill on ${report.platform}: ${report.drills.map((d) => d.name).join(", ")} (${passed}/${report.drills.length} passed)`,
    severity,
    startedAt: new Date(report.startedAt),
    endedAt: new Date(report.finishedAt),
    timeline,
    generatedAt,
    source: `drill report ${source}`,
    sections: [{ heading: "Drill Results", lines: results }],
    rootCause:
      'Scheduled recovery drill (simulated incident, playbook "Recovery Drills (Quarterly)"); no production failure.',
    dataLoss: report.drills.every((d) => d.passed) ? "No" : undefined,
  };
}

/** Drill timings are seconds to minutes: show sub-minute precision. */
function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return formatSpan(ms);
}
