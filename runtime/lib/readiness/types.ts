/** The playbook's readiness checklist, checked against real state: each item PASS, FAIL or NOT CHECKED. */

export type ReadinessStatus = "PASS" | "FAIL" | "NOT CHECKED";

export interface ReadinessItem {
  /** Stable id for CI ("backups.fresh", "drills.pitr", "stack.sev1Subscription"). */
  id: string;
  /** What the playbook asks, in a few words. */
  title: string;
  status: ReadinessStatus;
  /** Why: the evidence for PASS, the problem and what to do for FAIL, the missing input for NOT CHECKED. */
  reason: string;
}

export interface ReadinessReport {
  /** True when nothing checked failed (NOT CHECKED is not a failure). */
  ok: boolean;
  checkedAt: string;
  items: ReadinessItem[];
  counts: { pass: number; fail: number; notChecked: number };
}

/** The playbook's RPO: the newest backup may be at most 24 h old ("Último backup (máx 24h)"). */
export const RPO_MS = 24 * 3_600_000;

/** "Within the last quarter": three months, at most 92 days (a drill day to the same day 3 months on). */
export const QUARTER_MS = 92 * 24 * 3_600_000;

export function item(id: string, title: string, status: ReadinessStatus, reason: string): ReadinessItem {
  return { id, title, status, reason };
}

/** 25 h 3 min → "25 h 3 min"; 3 days and more → "12 days"; under an hour → "5 min". */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.max(ms, 0) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 72) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}
