/** The human report of `bloom-dr diagnose`: stages with their times, sessions, Neon, then findings. */
import { formatSpan } from "../incident/postmortem";
import { DiagnoseReport, EndpointReport, SessionsReport } from "./types";

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

function endpointLines(e: EndpointReport): string[] {
  const width = Math.max(...e.stages.map((s) => s.stage.length));
  return [
    `${e.role} ${e.host}:${e.port}${e.derived ? " (derived: Neon's pooler host naming)" : ""}: ${e.ok ? "OK" : "FAILED"}`,
    ...e.stages.map(
      (s) =>
        `  ${s.stage.padEnd(width)}  ${s.status === "ok" ? "ok     " : s.status === "failed" ? "FAILED " : "skipped"}  ${`${s.ms}ms`.padStart(7)}  ${s.detail}`,
    ),
  ];
}

function sessionLines(s: SessionsReport): string[] {
  const u = s.usage;
  const lines = [
    `connections (read through ${s.via}): ${u.total} of ${u.usable} usable (${u.percent}%; max_connections ${u.max}, ${u.reserved} reserved)`,
    `  by state: ${counts(u.byState)}`,
    `  by application: ${counts(u.byApplication)}`,
    `  by user: ${counts(u.byUser)}`,
  ];
  for (const i of s.idleInTransaction)
    lines.push(
      `  idle in transaction: pid ${i.pid} ${i.user} "${i.application}" for ${formatSpan(i.forMs)}: ${i.query}`,
    );
  for (const l of s.longRunning)
    lines.push(`  long-running: pid ${l.pid} ${l.user} "${l.application}" for ${formatSpan(l.forMs)}: ${l.query}`);
  for (const b of s.blocking)
    lines.push(
      `  blocking: pid ${b.blocker.pid} (${b.blocker.state}, ${formatSpan(b.blocker.forMs)}) blocks pid ${b.blocked.pid} (waiting ${formatSpan(b.blocked.forMs)}: ${b.blocked.query})`,
    );
  return lines;
}

export function renderDiagnoseReport(report: DiagnoseReport): string {
  const lines: string[] = [];
  for (const e of report.endpoints) lines.push(...endpointLines(e), "");
  if (report.sessions) lines.push(...sessionLines(report.sessions), "");
  const n = report.neon;
  if (n.endpoint)
    lines.push(
      `Neon endpoint ${n.endpoint.id}: ${n.endpoint.state}${n.endpoint.disabled ? " (disabled)" : ""}${n.endpoint.state === "idle" ? ` (suspended${n.endpoint.suspendedAt ? ` since ${n.endpoint.suspendedAt}` : ""}; it wakes on the next connection)` : ""}`,
    );
  if (n.operations) lines.push(`Neon operations in progress or failed in the last hour: ${n.operations.length}`);
  if (n.note) lines.push(`Neon: ${n.note}`);
  lines.push(report.statusPage, "");
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.findings.length === 0) {
    lines.push("no findings: both endpoints answer and nothing holds the database up");
  } else {
    lines.push(`findings (${report.findings.length}):`);
    for (const f of report.findings) {
      lines.push(`- ${f.line}`, `  action: ${f.action}`);
      if (f.sql) lines.push(`  review: ${f.sql}`);
    }
  }
  return lines.join("\n");
}
