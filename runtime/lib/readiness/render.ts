/** The human checklist: one line per item with its status, then its reason indented under it. */
import { ReadinessReport } from "./types";

const MARK = { PASS: "PASS", FAIL: "FAIL", "NOT CHECKED": "NOT CHECKED" } as const;

export function renderReadiness(report: ReadinessReport): string {
  const width = Math.max(...report.items.map((i) => MARK[i.status].length));
  const lines = [`readiness checklist (${report.checkedAt})`, ""];
  for (const i of report.items)
    lines.push(`${MARK[i.status].padEnd(width)}  ${i.title} [${i.id}]`, `${" ".repeat(width + 2)}${i.reason}`);
  const { pass, fail, notChecked } = report.counts;
  lines.push(
    "",
    `${report.ok ? "READY" : "NOT READY"}: ${pass} passed, ${fail} failed, ${notChecked} not checked${notChecked > 0 ? " (not checked is not a failure: give the missing inputs to check them)" : ""}`,
  );
  return lines.join("\n");
}
