/**
 * The playbook's Post-Incident Template ("Post-Incident Template" in recovery-playbook.md) filled in
 * from a timeline: pure rendering, so every case is a table test. What a machine cannot know (root
 * cause, impact, lessons) stays as the template's prompts for the team to complete.
 */
import { contactFor, Contacts, withPlaybookFallback } from "./contacts";
import { escalationState, SEVERITIES, Severity } from "./severity";

export interface PostmortemInput {
  title: string;
  severity: Severity;
  startedAt: Date;
  /** Absent while the incident is still open. */
  endedAt?: Date;
  timeline: { at: Date; text: string }[];
  /** When the document is generated: the "Post-mortem completed" line. */
  generatedAt: Date;
  /** Where it came from, for the reader ("incident 20261127-1849-…", "drill report reports/…"). */
  source: string;
  /** Extra sections after the timeline (e.g. a drill's measured RTO/RPO). */
  sections?: { heading: string; lines: string[] }[];
  rootCause?: string;
  dataLoss?: "Yes" | "No";
  /** Who to call (loadContacts); default the playbook's, marked as placeholders. */
  contacts?: Contacts;
}

/** 5_400_000 → "1h 30m"; under a minute in seconds. */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const totalMinutes = Math.round(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  return [days ? `${days}d` : "", hours ? `${hours}h` : "", minutes || (!days && !hours) ? `${minutes}m` : ""]
    .filter(Boolean)
    .join(" ");
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
const hhmmss = (d: Date) => d.toISOString().slice(11, 19);
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Span under which times carry seconds: a drill's steps all fall within a minute or two. */
const SECONDS_BELOW_MS = 10 * 60_000;

/**
 * Times as HH:MM when everything happens on one UTC day (HH:MM:SS when it all fits in a few
 * minutes, as drills do), else with the date.
 */
function timeFormatter(dates: Date[]): (d: Date) => string {
  const times = dates.map((d) => d.getTime());
  if (Math.max(...times) - Math.min(...times) < SECONDS_BELOW_MS) return hhmmss;
  const oneDay = new Set(dates.map(day)).size <= 1;
  return oneDay ? hhmm : (d) => `${day(d)} ${hhmm(d)}`;
}

export function renderPostmortem(input: PostmortemInput): string {
  const sev = SEVERITIES[input.severity];
  const end = input.endedAt ?? input.generatedAt;
  const durationMs = Math.max(0, end.getTime() - input.startedAt.getTime());
  const events = [...input.timeline].sort((a, b) => a.at.getTime() - b.at.getTime());
  const time = timeFormatter([input.startedAt, end, input.generatedAt, ...events.map((e) => e.at)]);
  const escalation = escalationState(input.severity, durationMs);
  const contacts = input.contacts ?? withPlaybookFallback({});
  const escalateContact = contactFor(sev.escalateTo, contacts);
  const firstContact = contactFor(sev.firstResponder, contacts);
  const escalateAt = new Date(input.startedAt.getTime() + sev.escalateAfterMs);
  const lines = [
    `# Incident Post-Mortem: ${input.title}`,
    "",
    `**Date:** ${day(input.startedAt)}`,
    `**Severity:** ${sev.label} (${sev.description}; response time ${sev.responseTime})`,
    `**Duration:** ${formatSpan(durationMs)}${input.endedAt ? "" : " so far (not resolved)"} (${time(input.startedAt)}–${input.endedAt ? time(input.endedAt) : "ongoing"} UTC)`,
    `**Affected Users:** X%`,
    `**Source:** ${input.source}`,
    "",
    "## Timeline (UTC)",
    ...events.map((e) => `- ${time(e.at)} - ${e.text}`),
    `- ${time(input.generatedAt)} - Post-mortem completed`,
    "",
    "## Escalation",
    `- First responder: ${sev.firstResponder}${firstContact ? ` (${firstContact})` : ""}`,
    `- Escalate after ${sev.escalateAfter} to ${sev.escalateTo}${escalateContact ? ` (${escalateContact})` : ""}; severity table: ${sev.escalation}`,
    escalation.overdue
      ? `- This incident lasted ${formatSpan(durationMs)}, past the ${sev.escalateAfter} threshold: ${sev.escalateTo} should have been engaged by ${time(escalateAt)} UTC.`
      : `- Resolved within the ${sev.escalateAfter} escalation threshold (${formatSpan(escalation.remainingMs)} to spare).`,
  ];
  for (const section of input.sections ?? []) lines.push("", `## ${section.heading}`, ...section.lines);
  lines.push(
    "",
    "## Root Cause",
    input.rootCause ?? "[Descripción técnica de qué falló]",
    "",
    "## Impact",
    "- Users affected: X",
    "- Revenue impact: $X",
    `- Data loss: ${input.dataLoss ?? "Yes/No"}`,
    "",
    "## What Went Well",
    "- [ ] Detection time was quick",
    "- [ ] Communication was clear",
    "- [ ] Recovery procedure worked",
    "",
    "## What Went Wrong",
    "- [ ] Monitoring didn't catch it early",
    "- [ ] Documentation was incomplete",
    "- [ ] Escalation was slow",
    "",
    "## Action Items",
    "- [ ] [Owner] - Fix root cause (Due: YYYY-MM-DD)",
    "- [ ] [Owner] - Update monitoring (Due: YYYY-MM-DD)",
    "- [ ] [Owner] - Update runbook (Due: YYYY-MM-DD)",
    "",
    "**Sign-off:** [CTO Name]",
    "",
  );
  return lines.join("\n");
}
