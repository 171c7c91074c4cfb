/** The human report of `bloom-dr perf`: the numbers, then each finding with the SQL to review. */
import { formatTable } from "../text/format";
import { PerfReport, StatementStat } from "./types";

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function statementTable(title: string, list: readonly StatementStat[]): string[] {
  if (list.length === 0) return [`${title}: none recorded`];
  return [
    `${title}:`,
    formatTable([
      ["calls", "total", "mean", "rows", "query"],
      ...list.map((s) => [String(s.calls), ms(s.totalMs), ms(s.meanMs), String(s.rows), s.query]),
    ]),
  ];
}

export function renderPerfReport(report: PerfReport, db: string): string {
  const lines = [`perf ${db}${report.statsSince ? ` (counters since ${report.statsSince})` : ""}`];
  const s = report.statements;
  if (s.available) {
    lines.push(
      "",
      ...statementTable("top queries by total time", s.byTotalTime),
      "",
      ...statementTable("top queries by mean time", s.byMeanTime),
      "",
      ...statementTable("top queries by calls", s.byCalls),
    );
  }
  const c = report.connections;
  const byState = Object.entries(c.byState)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  lines.push(
    "",
    `connections: ${c.total} of ${c.usable} usable (max_connections ${c.max}, ${c.reserved} reserved)${byState ? `: ${byState}` : ""}`,
    `cache hit ratio: ${report.cache.ratio === null ? "no blocks read yet" : `${(report.cache.ratio * 100).toFixed(2)}%`} (${report.cache.blocksHit} hit, ${report.cache.blocksRead} read)`,
  );
  if (report.longRunning.length > 0) {
    lines.push(
      "longest-running statements:",
      formatTable([
        ["pid", "user", "running", "query"],
        ...report.longRunning.map((r) => [String(r.pid), r.user, ms(r.forMs), r.query]),
      ]),
    );
  } else {
    lines.push("longest-running statements: none active");
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.ok) return [...lines, "", "OK: no findings"].join("\n");
  lines.push("", `FINDINGS: ${report.findings.length} (the SQL below is for review; perf ran none of it)`);
  for (const [i, f] of report.findings.entries()) {
    lines.push(
      "",
      `${i + 1}. [${f.check}] ${f.object}`,
      `   ${f.detail}`,
      "   sql:",
      ...f.sql.split("\n").map((l) => `     ${l}`),
    );
  }
  return lines.join("\n");
}
