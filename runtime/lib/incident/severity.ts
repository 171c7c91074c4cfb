/**
 * The playbook's severity table and escalation matrix as data ("Severity Levels" and "Escalation
 * Matrix" in recovery-playbook.md): one place to update when the on-call structure changes.
 * Who to call lives in contacts.ts (the team's contacts.json).
 */

export type Severity = 1 | 2 | 3 | 4;

export interface SeverityLevel {
  level: Severity;
  label: string;
  /** The playbook's own words (Spanish), as the team knows them. */
  description: string;
  responseTime: string;
  responseTimeMs: number;
  /** The severity table's "Escalation" column. */
  escalation: string;
  firstResponder: string;
  escalateAfter: string;
  escalateAfterMs: number;
  escalateTo: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const SEVERITIES: Record<Severity, SeverityLevel> = {
  1: {
    level: 1,
    label: "SEV-1",
    description: "Sistema completamente caído",
    responseTime: "< 15 min",
    responseTimeMs: 15 * MINUTE,
    escalation: "Immediate (CEO, CTO)",
    firstResponder: "On-call DevOps",
    escalateAfter: "15 minutes",
    escalateAfterMs: 15 * MINUTE,
    escalateTo: "CTO + CEO",
  },
  2: {
    level: 2,
    label: "SEV-2",
    description: "Funcionalidad crítica degradada",
    responseTime: "< 1 hora",
    responseTimeMs: HOUR,
    escalation: "DevOps Lead",
    firstResponder: "On-call DevOps",
    escalateAfter: "1 hour",
    escalateAfterMs: HOUR,
    escalateTo: "DevOps Lead",
  },
  3: {
    level: 3,
    label: "SEV-3",
    description: "Funcionalidad no crítica afectada",
    responseTime: "< 4 horas",
    responseTimeMs: 4 * HOUR,
    escalation: "On-call team",
    firstResponder: "On-call DevOps",
    escalateAfter: "4 hours",
    escalateAfterMs: 4 * HOUR,
    escalateTo: "Team Lead",
  },
  4: {
    level: 4,
    label: "SEV-4",
    description: "Issue menor, no urgente",
    responseTime: "< 24 horas",
    responseTimeMs: 24 * HOUR,
    escalation: "Normal ticket",
    firstResponder: "Any Developer",
    escalateAfter: "24 hours",
    escalateAfterMs: 24 * HOUR,
    escalateTo: "Tech Lead",
  },
};

/** "2", "SEV-2", "sev2" → 2; anything else is a one-line error listing what is allowed. */
export function parseSeverity(input: string): Severity {
  const m = /^\s*(?:sev-?)?([1-4])\s*$/i.exec(input);
  if (!m)
    throw new Error(
      `severity "${input}" is not one of 1, 2, 3, 4 (SEV-1 = system down … SEV-4 = minor): see the playbook's Severity Levels`,
    );
  return Number(m[1]) as Severity;
}

export interface EscalationState {
  escalateTo: string;
  /** Elapsed time at which the incident must be escalated. */
  dueAtMs: number;
  /** True once the incident has lasted longer than that. */
  overdue: boolean;
  /** Time left before escalation (0 when overdue). */
  remainingMs: number;
}

/** Where an incident of this severity stands against the escalation matrix after `elapsedMs`. */
export function escalationState(severity: Severity, elapsedMs: number): EscalationState {
  const s = SEVERITIES[severity];
  return {
    escalateTo: s.escalateTo,
    dueAtMs: s.escalateAfterMs,
    overdue: elapsedMs > s.escalateAfterMs,
    remainingMs: Math.max(0, s.escalateAfterMs - elapsedMs),
  };
}
