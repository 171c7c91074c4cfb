/**
 * The playbook's communications filled from an incident: what customers read (status page, email;
 * Spanish and English, no internals) and what the team reads (on-call page, Slack: severity, who
 * responds, when to escalate, what to run next). Pure: the clock and the contacts are parameters.
 */
import { contactFor, Contacts } from "./contacts";
import { formatSpan } from "./postmortem";
import { SEVERITIES, Severity } from "./severity";
import { Incident } from "./timeline";

export interface Bilingual {
  es: string;
  en: string;
}

/** What customers are told per severity while an incident is open (SEV-4 is a ticket: nothing). */
export const CUSTOMER_SENTENCES: Record<Exclude<Severity, 4>, Bilingual> = {
  1: {
    es: "Bloom no está disponible en este momento. Estamos trabajando para restablecer el servicio.",
    en: "Bloom is currently unavailable. We are working to restore service.",
  },
  2: {
    es: "Algunas funciones de Bloom no están funcionando correctamente. Estamos trabajando en ello.",
    en: "Some Bloom features are not working correctly. We are working on it.",
  },
  3: {
    es: "Una función secundaria de Bloom está afectada; el resto del servicio funciona con normalidad.",
    en: "A secondary Bloom feature is affected; everything else works normally.",
  },
};

/** The playbook's FASE 6: "Service restored", "All systems operational". */
export const RESTORED: Bilingual = {
  es: "El servicio está restablecido. Gracias por su paciencia.",
  en: "Service restored. Thank you for your patience.",
};

/** "2026-03-10 14:00 UTC". */
export function utc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What customers are told, without times: the severity's sentence and the --public text. SEV-4: nothing. */
export function customerSentence(incident: Incident): Bilingual | undefined {
  const resolved = Boolean(incident.resolvedAt);
  if (!resolved && incident.severity === 4) return undefined;
  const base = resolved ? RESTORED : CUSTOMER_SENTENCES[incident.severity as Exclude<Severity, 4>];
  const extra = incident.publicMessage ? ` ${incident.publicMessage}` : "";
  return { es: `${base.es}${extra}`, en: `${base.en}${extra}` };
}

/** Customers' whole message (e-mail, social): the sentence, the ETA while open, the time of the update. */
export function customerMessage(incident: Incident): Bilingual | undefined {
  const sentence = customerSentence(incident);
  if (!sentence) return undefined;
  const eta = !incident.resolvedAt && incident.eta ? incident.eta : undefined;
  return {
    es: `${sentence.es}${eta ? ` Hora estimada de restablecimiento: ${utc(eta)}.` : ""} Última actualización: ${utc(incident.lastUpdate)}.`,
    en: `${sentence.en}${eta ? ` Estimated recovery: ${utc(eta)}.` : ""} Last update: ${utc(incident.lastUpdate)}.`,
  };
}

export type IncidentEventKind = "start" | "note" | "resolve" | "status";

function header(incident: Incident, event: IncidentEventKind): string {
  const label = SEVERITIES[incident.severity].label;
  const state = incident.resolvedAt ? "RESOLVED" : event === "note" ? "UPDATE" : "OPEN";
  return `[${label} ${state}] ${incident.title}`;
}

/** Subject line for an SNS e-mail: printable ASCII on one line, at most 100 characters (SNS's limits). */
export function notificationSubject(incident: Incident, event: IncidentEventKind): string {
  const ascii = header(incident, event)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "?");
  return ascii.slice(0, 100);
}

/** The team's message: what happened, who responds, when to escalate, what to run next. */
export function teamMessage(
  incident: Incident,
  options: { event: IncidentEventKind; contacts: Contacts; now: Date; next?: string[] },
): string {
  const sev = SEVERITIES[incident.severity];
  const first = contactFor(sev.firstResponder, options.contacts);
  const escalateContact = contactFor(sev.escalateTo, options.contacts);
  const escalateAt = new Date(Date.parse(incident.startedAt) + sev.escalateAfterMs).toISOString();
  const end = incident.resolvedAt ? new Date(incident.resolvedAt) : options.now;
  const elapsed = formatSpan(end.getTime() - Date.parse(incident.startedAt));
  const lines = [`${header(incident, options.event)} (incident ${incident.id})`];
  if (incident.resolvedAt) {
    const resolve = [...incident.events].reverse().find((e) => e.type === "resolve");
    const how = resolve && resolve.type === "resolve" && resolve.text ? `: ${resolve.text}` : "";
    lines.push(
      `Resolved ${utc(incident.resolvedAt)} after ${elapsed}${how}`,
      `Post-mortem within 48h: bloom-dr postmortem --incident ${incident.id} --out postmortem-${incident.id}.md`,
    );
  } else {
    const note = [...incident.events].reverse().find((e) => e.type === "note");
    if (options.event === "note" && note && note.type === "note") lines.push(`Update: ${note.text}`);
    lines.push(
      `Started ${utc(incident.startedAt)} (${elapsed} ago) · ${sev.label}: ${sev.description} · respond ${sev.responseTime}`,
      `First responder: ${sev.firstResponder}${first ? ` (${first})` : ""}; escalate to ${sev.escalateTo}${escalateContact ? ` (${escalateContact})` : ""} at ${utc(escalateAt)} if not resolved`,
      `ETA: ${incident.eta ? utc(incident.eta) : "unknown"}`,
    );
    const customers = customerMessage(incident);
    if (customers) lines.push(`Customers read: ${customers.en}`);
  }
  for (const step of options.next ?? []) lines.push(`Next: ${step}`);
  lines.push(`Timeline: bloom-dr incident status --incident ${incident.id}`);
  return lines.join("\n");
}
