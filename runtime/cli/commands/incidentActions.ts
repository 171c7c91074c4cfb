/** What the incident commands do (./incident.ts declares them; loaded when one runs). */
import { contactFor, Contacts, contactsFile, loadContacts } from "../../lib/incident/contacts";
import { escalationState, parseSeverity, SEVERITIES, Severity } from "../../lib/incident/severity";
import { formatSpan } from "../../lib/incident/postmortem";
import { Incident, incidentDir, IncidentStore } from "../../lib/incident/timeline";
import { CommandContext, requiredOption, stringOption, UsageError } from "../command";
import { formatTable } from "../io";
import { announce, announced, commsLines, commsRequest } from "./incidentComms";

function storeFor(ctx: CommandContext): IncidentStore {
  return new IncidentStore(incidentDir(stringOption(ctx, "dir")));
}

/**
 * contacts.json beside the store's directory; a broken one is the user's to fix (exit 1). Read
 * after the timeline is written: a typo in the contacts must not keep an incident unrecorded.
 */
function contactsFor(store: IncidentStore, recorded?: string): Contacts {
  try {
    return loadContacts(contactsFile(store.dir));
  } catch (err) {
    throw new UsageError(recorded ? `${recorded}, but ${(err as Error).message}` : (err as Error).message, 1);
  }
}

/** Runs a store operation; its errors are the user's to fix (wrong id, nothing open): exit 1 with the reason. */
function userError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw new UsageError((err as Error).message, 1);
  }
}

/** A bad --sev is the user's typo: exit 2 with the allowed values, before anything is written. */
function severityOption(raw: string): Severity {
  try {
    return parseSeverity(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Elapsed time, escalation due time and who to call, for humans and for --json. */
export function incidentSummary(incident: Incident, now: Date, contacts: Contacts): Record<string, unknown> {
  const end = incident.resolvedAt ? new Date(incident.resolvedAt) : now;
  const elapsedMs = end.getTime() - Date.parse(incident.startedAt);
  const sev = SEVERITIES[incident.severity];
  const escalation = escalationState(incident.severity, elapsedMs);
  return {
    ...incident,
    severityLabel: sev.label,
    elapsedMs,
    open: !incident.resolvedAt,
    escalation: {
      firstResponder: sev.firstResponder,
      escalateTo: sev.escalateTo,
      contact: contactFor(sev.escalateTo, contacts) ?? null,
      after: sev.escalateAfter,
      dueAt: new Date(Date.parse(incident.startedAt) + sev.escalateAfterMs).toISOString(),
      overdue: escalation.overdue,
    },
  };
}

function escalationLine(incident: Incident, now: Date, contacts: Contacts): string {
  const s = incidentSummary(incident, now, contacts) as {
    elapsedMs: number;
    escalation: { escalateTo: string; contact: string | null; after: string; dueAt: string; overdue: boolean };
  };
  const who = `${s.escalation.escalateTo}${s.escalation.contact ? ` (${s.escalation.contact})` : ""}`;
  if (incident.resolvedAt) return `resolved after ${formatSpan(s.elapsedMs)}`;
  return s.escalation.overdue
    ? `ESCALATE NOW to ${who}: open ${formatSpan(s.elapsedMs)}, past the ${s.escalation.after} threshold (${s.escalation.dueAt.slice(11, 16)} UTC)`
    : `escalate to ${who} at ${s.escalation.dueAt.slice(11, 16)} UTC if not resolved (after ${s.escalation.after})`;
}

export async function startIncident(ctx: CommandContext): Promise<number> {
  const store = storeFor(ctx);
  const severity = severityOption(requiredOption(ctx, "sev", "1-4"));
  const title = requiredOption(ctx, "title", "what is happening");
  if (!title.trim())
    throw new UsageError(
      'incident title is empty: say what is happening, e.g. --title "reservations missing for clinic 12"',
    );
  const request = commsRequest(ctx);
  const recorded = userError(() => store.start(severity, title, { public: request.public, eta: request.eta }));
  const what = `incident ${recorded.id} started`;
  const contacts = contactsFor(store, what);
  const outcome = await announce(ctx, store, recorded, "start", request, contacts, what);
  const incident = outcome.incident;
  const firstContact = contactFor(SEVERITIES[incident.severity].firstResponder, contacts);
  const now = new Date();
  const sev = SEVERITIES[incident.severity];
  ctx.io.result(
    {
      ok: true,
      command: "incident start",
      dir: store.dir,
      incident: incidentSummary(incident, now, contacts),
      ...announced(outcome),
    },
    [
      `incident ${incident.id} started (${sev.label}: ${sev.description}; respond ${sev.responseTime})`,
      `first responder: ${sev.firstResponder}${firstContact ? ` (${firstContact})` : ""}; ${escalationLine(incident, now, contacts)}`,
      `timeline: ${store.dir}/${incident.id}.jsonl`,
      ...commsLines(outcome, ctx.values.messages === true),
    ].join("\n"),
  );
  return 0;
}

export async function noteIncident(ctx: CommandContext): Promise<number> {
  const store = storeFor(ctx);
  const id = stringOption(ctx, "incident");
  const rawSev = stringOption(ctx, "sev");
  const sev = rawSev === undefined ? undefined : severityOption(rawSev);
  const request = commsRequest(ctx);
  let recorded = userError(() =>
    store.note(ctx.positionals.join(" "), id, { public: request.public, eta: request.eta }),
  );
  if (sev !== undefined) recorded = userError(() => store.changeSeverity(sev, recorded.id));
  const what = `noted in ${recorded.id}`;
  const contacts = contactsFor(store, what);
  const outcome = await announce(ctx, store, recorded, "note", request, contacts, what);
  const incident = outcome.incident;
  const now = new Date();
  ctx.io.result(
    {
      ok: true,
      command: "incident note",
      dir: store.dir,
      incident: incidentSummary(incident, now, contacts),
      ...announced(outcome),
    },
    [
      `noted in ${incident.id} (${SEVERITIES[incident.severity].label}); ${escalationLine(incident, now, contacts)}`,
      ...commsLines(outcome, ctx.values.messages === true),
    ].join("\n"),
  );
  return 0;
}

export async function resolveIncident(ctx: CommandContext): Promise<number> {
  const store = storeFor(ctx);
  const request = commsRequest(ctx);
  const recorded = userError(() =>
    store.resolve(ctx.positionals.join(" "), stringOption(ctx, "incident"), { public: request.public }),
  );
  const what = `incident ${recorded.id} resolved`;
  const contacts = contactsFor(store, what);
  const outcome = await announce(ctx, store, recorded, "resolve", request, contacts, what);
  const incident = outcome.incident;
  const summary = incidentSummary(incident, new Date(), contacts);
  ctx.io.result(
    { ok: true, command: "incident resolve", dir: store.dir, incident: summary, ...announced(outcome) },
    [
      `incident ${incident.id} resolved after ${formatSpan(summary.elapsedMs as number)}`,
      `post-mortem (within 48h): bloom-dr postmortem --incident ${incident.id} --out postmortem-${incident.id}.md`,
      ...commsLines(outcome, ctx.values.messages === true),
    ].join("\n"),
  );
  return 0;
}

export async function showIncidents(ctx: CommandContext): Promise<number> {
  const store = storeFor(ctx);
  const contacts = contactsFor(store);
  const now = new Date();
  const id = stringOption(ctx, "incident");
  if (id) {
    const incident = userError(() => store.get(id));
    ctx.io.result(
      { ok: true, command: "incident status", dir: store.dir, incidents: [incidentSummary(incident, now, contacts)] },
      [
        `${incident.id}: ${incident.title} (${SEVERITIES[incident.severity].label}) — ${escalationLine(incident, now, contacts)}`,
        ...incident.events.map(
          (e) =>
            `  ${e.at}  ${e.type}${"text" in e && e.text ? `: ${e.text}` : ""}${"severity" in e ? ` ${SEVERITIES[e.severity].label}` : ""}`,
        ),
      ].join("\n"),
    );
    return 0;
  }
  const incidents = userError(() => store.list());
  const shown = [...incidents.filter((i) => !i.resolvedAt), ...incidents.filter((i) => i.resolvedAt).slice(0, 5)];
  const human =
    shown.length === 0
      ? `no incidents in ${store.dir}`
      : formatTable([
          ["incident", "severity", "state", "title", "escalation"],
          ...shown.map((i) => [
            i.id,
            SEVERITIES[i.severity].label,
            i.resolvedAt ? "resolved" : "OPEN",
            i.title,
            escalationLine(i, now, contacts),
          ]),
        ]);
  ctx.io.result(
    {
      ok: true,
      command: "incident status",
      dir: store.dir,
      incidents: shown.map((i) => incidentSummary(i, now, contacts)),
    },
    human,
  );
  return 0;
}
